'use client'

import { Fragment, useMemo, type ReactNode } from 'react'
import { Terminal } from '../terminal/Terminal'
import { ClaimsCheck } from './ClaimsCheck'
import {
  AuditLog,
  DeployPanel,
  InvariantChart,
  RequestLog,
  SchemaPanel,
  SessionsPanel,
  TrafficChart,
  VersionGrid,
} from './index'
import type { useWorkbench } from './use-workbench'
import type { WorkbenchPanel, WorkbenchProps } from './Workbench'

/** What the live panels are drawn from: the workbench's props, and the simulation's state and calls. */
export type LivePanelsProps = Omit<WorkbenchProps, 'panels'> & {
  /** Which panels show, in this order. */
  panels: readonly WorkbenchPanel[]
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'act'>
}

/**
 * The panels beside the step: traffic, versions, terminal, deploy, sessions, invariants,
 * schema, requests, audit log and the claims check, those asked for in the order asked.
 */
export function LivePanels(props: LivePanelsProps) {
  const { lesson, steps, versions, database, requestsPerSecond } = props
  const { state, act } = props.workbench
  const isLive = state.phase === 'live'
  const consoleScenario = useMemo(
    () => ({ versions, steps, requestsPerSecond }),
    [versions, steps, requestsPerSecond],
  )

  const panelElements: Record<WorkbenchPanel, ReactNode> = {
    traffic: (
      <TrafficChart versions={versions} metrics={state.metrics} markers={state.markers} nowMs={state.nowMs} />
    ),
    versions: (
      <VersionGrid
        versions={versions}
        endpoints={props.endpoints}
        statuses={state.endpoints}
        deployment={state.deployment}
        nowMs={state.nowMs}
      />
    ),
    terminal: (
      <Terminal
        database={database}
        scenario={consoleScenario}
        replaceWorker={props.replaceWorker}
        {...(props.onTerminalOutput && { onOutput: props.onTerminalOutput })}
        {...(props.terminalFontSize && { fontSize: props.terminalFontSize })}
      />
    ),
    deploy: (
      <DeployPanel
        versions={versions}
        deployment={state.deployment}
        databaseState={state.databaseState}
        disabled={!isLive}
        onDeploy={(shares) => void act({ action: 'deploy', shares })}
        onDatabase={(databaseState) => void act({ action: 'database', state: databaseState })}
      />
    ),
    sessions: (
      <SessionsPanel
        sessions={state.sessions}
        moreSessions={state.moreSessions}
        nowMs={state.nowMs}
        onTerminate={(owner) => void act({ action: 'terminate', owner })}
        disabled={!isLive}
      />
    ),
    invariants: (
      <InvariantChart
        points={state.invariants}
        names={props.invariants}
        nowMs={state.nowMs}
        markers={state.markers}
      />
    ),
    schema: <SchemaPanel schema={state.schema} />,
    requests: <RequestLog entries={state.requests} />,
    audit: <AuditLog entries={state.audit} />,
    check: (
      <ClaimsCheck
        openCopy={props.openCopy}
        lesson={lesson}
        scenario={props.scenario}
        snapshotUrl={props.snapshotUrl}
      />
    ),
  }

  const lastNote = state.notModelled.at(-1)
  return (
    <div className="workbench-panels">
      {lastNote && (
        <p className="not-modelled workbench-not-modelled" role="note">
          <strong>Not modelled</strong> (at {(lastNote.atMs / 1000).toFixed(1)} s, {lastNote.session}):{' '}
          <code>{lastNote.sql}</code>. {lastNote.reason}{' '}
          <a href="/reference/locks">What each statement locks</a>
        </p>
      )}
      {props.panels.map((panel) => (
        <Fragment key={panel}>{panelElements[panel]}</Fragment>
      ))}
    </div>
  )
}
