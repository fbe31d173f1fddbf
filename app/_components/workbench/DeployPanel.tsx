'use client'

import { memo, useId, useState } from 'react'
import { canaryShares, unservedBy } from '@/lib/terminal'
import { stopVersion } from './deployment-shares'

/** What the deploy panel shows and whom it tells. */
export interface DeployPanelProps {
  /** The lesson's app versions, oldest first. */
  versions: { id: string; label: string }[]
  /** Versions running now and their % of traffic; a version absent from it is not running. */
  deployment: Record<string, number>
  /** The simulated database: `up`, `down` (stopped, or still starting) or `hanging` (running, answering nothing). */
  databaseState: 'up' | 'down' | 'hanging'
  /** Turns every control off, e.g. while no traffic runs or a step is being applied. */
  disabled: boolean
  /** Asks for a new deployment: every running version with its % of traffic; versions left out stop. */
  onDeploy(shares: Record<string, number>): void
  /** Asks to stop or start the database, to make it hang, or to end its hang (`start`). */
  onDatabase(state: 'stop' | 'start' | 'hang'): void
}

const CANARY_STEP = 5

// What the panel says of the database, and the levers it offers in each state: a stopped one
// can only start; a hanging one can answer again, or stop.
const databaseControls = {
  up: {
    label: 'running',
    actions: [
      ['stop', 'Stop the database'],
      ['hang', 'Make the database hang'],
    ],
  },
  down: { label: 'stopped', actions: [['start', 'Start the database']] },
  hanging: {
    label: 'hanging',
    actions: [
      ['start', 'End the hang'],
      ['stop', 'Stop the database'],
    ],
  },
} as const

/**
 * Which app versions run and with what share of traffic: deploy or stop each, give a canary
 * (the one in flight, or any the learner picks) its share, and stop, start or hang the database.
 */
export const DeployPanel = memo(function DeployPanel({
  versions,
  deployment,
  databaseState,
  disabled,
  onDeploy,
  onDatabase,
}: DeployPanelProps) {
  const headingId = useId()
  const database = databaseControls[databaseState]

  return (
    <section className="wb-panel wb-deploy" aria-labelledby={headingId}>
      <h3 id={headingId}>Deploy</h3>
      <ul className="wb-deploy-versions">
        {versions.map((version) => {
          const share = deployment[version.id]
          const isRunning = share !== undefined
          return (
            <li key={version.id} data-version={version.id} data-share={share}>
              <span className="wb-deploy-version">
                <strong>{version.label}</strong>{' '}
                <span className={isRunning ? 'wb-running' : 'wb-stopped'}>
                  {isRunning ? `running, ${share}% of traffic` : 'not running'}
                </span>
              </span>
              <span className="wb-buttons">
                <button
                  type="button"
                  className="secondary"
                  disabled={disabled || share === 100}
                  onClick={() => onDeploy({ [version.id]: 100 })}
                >
                  Deploy 100%<span className="visually-hidden"> of traffic to {version.label}</span>
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={disabled || !isRunning}
                  onClick={() => onDeploy(stopVersion(deployment, version.id))}
                >
                  Stop<span className="visually-hidden"> {version.label}</span>
                </button>
              </span>
            </li>
          )
        })}
      </ul>

      {versions.length >= 2 && (
        <CanaryControl versions={versions} deployment={deployment} disabled={disabled} onDeploy={onDeploy} />
      )}

      <div className="wb-database">
        <p className="wb-database-status" role="status">
          Database:{' '}
          <strong
            className={{ up: 'wb-running', down: 'wb-stopped', hanging: 'wb-hanging' }[databaseState]}
            data-database={database.label}
          >
            {database.label}
          </strong>
        </p>
        <span className="wb-buttons">
          {database.actions.map(([state, text]) => (
            <button
              key={state}
              type="button"
              className="secondary"
              disabled={disabled}
              onClick={() => onDatabase(state)}
            >
              {text}
            </button>
          ))}
        </span>
      </div>
    </section>
  )
})

interface CanaryControlProps {
  versions: { id: string; label: string }[]
  deployment: Record<string, number>
  disabled: boolean
  onDeploy(shares: Record<string, number>): void
}

/**
 * The canary the panel moves, unless the learner picks another: the running version with the
 * smallest share when two or more run (the canary in flight); else the first version after the
 * newest one running (the next release, the first version when none runs); else, the newest
 * running alone, the one before it (a canary of the way back).
 */
export function defaultCanary(versions: { id: string }[], deployment: Record<string, number>): string {
  const order = versions.map((version) => version.id)
  const running = order.filter((id) => deployment[id] !== undefined)
  if (running.length >= 2)
    return running.reduce((smallest, id) =>
      deployment[id] < deployment[smallest] ||
      (deployment[id] === deployment[smallest] && order.indexOf(id) > order.indexOf(smallest))
        ? id
        : smallest,
    )
  const newestRunning = running.length > 0 ? order.indexOf(running[running.length - 1]) : -1
  return order[newestRunning + 1] ?? order[order.length - 2] ?? order[0]
}

// Dragging only moves a draft; Apply sends it, so a drag is one deploy and not twenty. The split
// it sends is the terminal's `canary VERSION PERCENT`: the rest goes to what runs now, in
// proportion, and the preview names every version that will run.
function CanaryControl({ versions, deployment, disabled, onDeploy }: CanaryControlProps) {
  const selectId = useId()
  const inputId = useId()
  const basis = JSON.stringify(deployment)
  // a draft made against another deployment is stale once a step, a button or a command changed it
  const [draft, setDraft] = useState<{ version: string; share?: number; basis: string } | undefined>()
  const current = draft?.basis === basis ? draft : undefined
  const version = current?.version ?? defaultCanary(versions, deployment)
  const runningShare = deployment[version] ?? 0
  const share = current?.share ?? runningShare
  const label = (id: string) => versions.find((candidate) => candidate.id === id)?.label ?? id
  const next = canaryShares(deployment, version, share)
  const preview = Object.entries(next)
    .sort(([a], [b]) => (a === version ? -1 : b === version ? 1 : 0))
    .map(([id, percent]) => `${label(id)} ${percent}%`)
    .join(' · ')
  const changes = current?.share !== undefined && share !== runningShare
  const unserved = unservedBy(deployment, version, share)

  return (
    <div className="wb-canary">
      <div className="wb-canary-row">
        <label htmlFor={selectId}>Canary</label>
        <select
          id={selectId}
          value={version}
          disabled={disabled}
          onChange={(event) => setDraft({ version: event.target.value, basis })}
        >
          {versions.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.label}
            </option>
          ))}
        </select>
        <label htmlFor={inputId} className="visually-hidden">
          Canary share for {label(version)}
        </label>
        <input
          id={inputId}
          type="range"
          min={0}
          max={100}
          step={CANARY_STEP}
          value={share}
          disabled={disabled}
          aria-valuetext={`${share}% to ${label(version)}; ${preview}`}
          onChange={(event) => setDraft({ version, share: Number(event.target.value), basis })}
        />
        <button
          type="button"
          disabled={disabled || !changes || unserved > 0}
          onClick={() => {
            onDeploy(next)
            setDraft(undefined)
          }}
        >
          Apply split
        </button>
      </div>
      <p className="wb-canary-split" data-preview={changes ? 'draft' : 'running'}>
        {changes ? 'Apply to run: ' : 'Running: '}
        {preview}
        {changes && unserved > 0 ? (
          <span className="wb-canary-warning">
            {' '}
            — nothing else runs to take the other {unserved}%: deploy a version first
          </span>
        ) : (
          <span className="muted"> (the rest goes to what runs now, in proportion)</span>
        )}
      </p>
    </div>
  )
}
