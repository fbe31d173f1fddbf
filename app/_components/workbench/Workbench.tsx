'use client'

import { useEffect, useMemo, useRef } from 'react'
import type { WorkerDatabase } from '@/lib/engine'
import type { StepStartLayers, WorkbenchStep } from '@/lib/workbench'
import { panelIds, type PanelId } from './panels'
import { ClockPanel } from './index'
import { LessonControls } from './LessonControls'
import { LivePanels } from './LivePanels'
import { StepAtHand } from './StepAtHand'
import { StepDock } from './StepDock'
import { StepList } from './StepList'
import { StepOutcome } from './StepOutcome'
import { findStepAtHand, readStepState } from './step-position'
import type { TerminalOutput } from '../terminal/terminal-look'
import { useHostCommands } from './use-host-commands'
import { useHostEvents } from './use-host-events'
import { useLessonOpening } from './use-lesson-opening'
import { useLessonProgress, type ProgressScope } from './use-lesson-progress'
import { useShareLink } from './use-share-link'
import { useSharedAttempt } from './use-shared-attempt'
import { useStepCommands } from './use-step-commands'
import { useStepFeedback } from './use-step-feedback'
import { useStepStop, type PendingRestart } from './use-step-stop'
import { useWorkbench, type LiveAction } from './use-workbench'
import type { WorkbenchCommandSource, WorkbenchEvent } from './workbench-host'
import './workbench.css'

/** What the lesson page hands the workbench, all known at build time. */
export interface WorkbenchProps {
  lesson: string
  /** The lesson's validated scenario, as plain data; the worker validates it again. */
  scenario: unknown
  steps: WorkbenchStep[]
  versions: { id: string; label: string }[]
  /** Every endpoint of every version, with the SQL it sends (shown under its name in the grid). */
  endpoints: { version: string; name: string; sql?: string }[]
  invariants: string[]
  snapshotUrl: string
  /** Later steps' starts built ahead of time, as layers over the snapshot: no replay to open there. */
  stepLayers?: StepStartLayers
  /** The step in the URL, when the page was opened at one. */
  initialStep?: string
  /** Where to go once the lesson is complete. */
  next?: { href: string; title: string }
  /** The lesson's database; undefined until it is ready. */
  database: WorkerDatabase | undefined
  /** A second database from the lesson's start, for the claims check; undefined until ready. */
  openCopy?: () => Promise<WorkerDatabase>
  /** Whether the database failed to start. */
  databaseProblem?: string
  /** SQL consoles in the prose run inside the simulation while it is live. */
  onLiveChange(isLive: boolean): void
  /** Increases when the database worker was replaced (Stop in a console): the simulation must reopen. */
  workerGeneration: number
  /** The traffic's rate in the scenario, which the terminal's `traffic start` goes back to. */
  requestsPerSecond: number
  /**
   * Replaces the database worker to stop a statement Postgres is running (Ctrl+C in the
   * terminal, Stop on a step, the real-time budget); `message` is what the statement reports.
   */
  replaceWorker(message?: string): Promise<void>
  /** Which panels show, in this order; every one on the lesson page. */
  panels?: readonly WorkbenchPanel[]
  /** Where progress is kept: the learner's (the default), the presenter's own, or this page only (an embed). */
  progressScope?: ProgressScope
  /** Whether the address bar follows the step at hand; the lesson page's does. */
  followsStepInUrl?: boolean
  /** Whether traffic waits for Play when the lesson opens; it plays by default. */
  startsPaused?: boolean
  /** How fast virtual time runs once it plays: 1× by default (an embed's host may ask for 10×). */
  speed?: 1 | 10
  /** Shows and runs this step only (an embed), instead of the lesson's list of steps. */
  onlyStep?: string
  /** Told what happens: the embed's host and the audience window listen. */
  onEvent?(event: WorkbenchEvent): void
  /** Told of every change to the live state, in order (the presenter mirrors them). */
  onLiveAction?(action: LiveAction): void
  /** Told of everything the terminal draws. */
  onTerminalOutput?(output: TerminalOutput): void
  /** Commands from outside: an embed's host page, the presenter's keys. */
  commands?: WorkbenchCommandSource
  /** The terminal's font size in CSS pixels (larger for a projector). */
  terminalFontSize?: number
}

/** A panel of the workbench: an embed's panels, and the lesson page's claims check. */
export type WorkbenchPanel = PanelId | 'check'

/** The lesson page's panels, in its order. */
export const allPanels: readonly WorkbenchPanel[] = [...panelIds, 'check']

function lessonPagePanels(hasInvariants: boolean): readonly WorkbenchPanel[] {
  const rest = allPanels.filter((panel) => panel !== 'invariants')
  if (!hasInvariants) return rest
  const afterVersions = rest.indexOf('versions') + 1
  return [...rest.slice(0, afterVersions), 'invariants', ...rest.slice(afterVersions)]
}

/**
 * The lesson's workbench: the steps with their state, the SQL editor for the step at hand,
 * and the live panels of the simulation running beside the real Postgres.
 */
export function Workbench(props: WorkbenchProps) {
  const { lesson, steps, database, onEvent } = props
  const stepIds = useMemo(() => steps.map((step) => step.id), [steps])
  const pinned = props.onlyStep === undefined ? -1 : stepIds.indexOf(props.onlyStep)
  // the lesson page shows every panel, but no empty Invariants panel for a lesson without any,
  // and the invariants right under the traffic and the versions, where the eye is
  const panels = props.panels ?? lessonPagePanels(props.invariants.length > 0)
  const followsStepInUrl = props.followsStepInUrl ?? true
  const onEventRef = useRef(onEvent)
  useEffect(() => {
    onEventRef.current = onEvent
  }, [onEvent])
  const lessonProgress = useLessonProgress(props.progressScope ?? 'learner', lesson)
  const { progress } = lessonProgress
  const feedback = useStepFeedback({ steps, saveProgress: lessonProgress.saveProgress, onEventRef })

  const workbench = useWorkbench({
    database,
    lesson,
    scenario: props.scenario,
    snapshotUrl: props.snapshotUrl,
    stepLayers: props.stepLayers,
    onVerdict: feedback.onVerdict,
    ...(props.onLiveAction && { onAction: props.onLiveAction }),
    initialSpeed: props.startsPaused ? 0 : (props.speed ?? 1),
  })
  const { state, setSpeed } = workbench
  // when the page first showed "Live", for the benchmark (scripts/bench-page.ts)
  useEffect(() => {
    if (state.phase === 'live' && performance.getEntriesByName('cutover:live').length === 0)
      performance.mark('cutover:live')
  }, [state.phase])
  const pendingRestartRef = useRef<PendingRestart | undefined>(undefined)
  const stepStop = useStepStop({
    workbench,
    replaceWorker: props.replaceWorker,
    pendingRestartRef,
    announce: feedback.announce,
  })
  const opening = useLessonOpening({
    steps,
    stepIds,
    database,
    workerGeneration: props.workerGeneration,
    initialStep: props.initialStep,
    pinned,
    followsStepInUrl,
    workbench,
    lessonProgress,
    feedback,
    pendingRestartRef,
  })
  const { openAt } = opening

  const at = findStepAtHand(state, steps.length, pinned)
  const { current, lastRunStep } = at
  const isLive = state.phase === 'live'
  const isRunning = state.runningStep !== undefined
  const step = steps[current] as WorkbenchStep | undefined

  // a share link's SQL is shown as text in the editor, and runs only on Run step
  const takesSharedAttempts = (props.progressScope ?? 'learner') === 'learner' && pinned < 0
  const [sharedAttempt, setSharedAttempt] = useSharedAttempt({
    lesson,
    steps,
    initialStep: props.initialStep,
    isEnabled: takesSharedAttempts,
    onArrive: (index) => {
      if (index !== current) void openAt(index)
    },
  })
  const shownAttempt =
    sharedAttempt && 'sql' in sharedAttempt && sharedAttempt.step === step?.id ? sharedAttempt : undefined
  const dismissSharedAttempt = () => setSharedAttempt(undefined)
  const sql = step ? (shownAttempt?.sql ?? progress.sql[step.id] ?? step.starter) : ''
  const { shareLink, share } = useShareLink({ lesson, step, sql })

  useHostEvents({
    lesson,
    steps,
    phase: state.phase,
    current,
    sql,
    hasFailed: state.phase === 'failed' || props.databaseProblem !== undefined,
    followsStepInUrl,
    onLiveChange: props.onLiveChange,
    onEventRef,
  })
  const stepCommands = useStepCommands({
    steps,
    stepIds,
    pinned,
    at,
    sql,
    shownAttempt,
    dismissSharedAttempt,
    workbench,
    requestsPerSecond: props.requestsPerSecond,
    opening,
    lessonProgress,
    feedback,
    stepStop,
    onEventRef,
  })
  useHostCommands({
    commands: props.commands,
    steps,
    current,
    pinned,
    databaseProblem: props.databaseProblem,
    workbench,
    progressRef: lessonProgress.progressRef,
    isRunRequestedRef: feedback.isRunRequestedRef,
    stepCommands,
    openAt,
  })

  // what the learner ran at a step: the text they kept, else the starter they ran as it opened
  const ranSqlOf = (index: number | undefined) => {
    const ran = index === undefined ? undefined : steps[index]
    return ran && (progress.sql[ran.id] ?? ran.starter)
  }
  const isComplete = steps.length > 0 && steps.every((candidate) => progress.passed.includes(candidate.id))

  return (
    <section className="workbench" aria-labelledby="workbench-heading">
      <div className="workbench-head">
        <h2 id="workbench-heading">Workbench</h2>
        <p className="workbench-status" role="status">
          {props.databaseProblem
            ? `The database could not start: ${props.databaseProblem}`
            : state.phase === 'failed'
              ? `The simulation could not start: ${state.problem}`
              : state.phase === 'live'
                ? `Live: step ${Math.min(current + 1, steps.length)} of ${steps.length}`
                : state.phase === 'opening'
                  ? state.isResuming
                    ? 'Starting again from the last saved state…'
                    : state.isAtBuiltStart
                      ? `Opening at step ${Math.min(current + 1, steps.length)}, the steps before it applied…`
                      : `Replaying the steps before step ${Math.min(current + 1, steps.length)}…`
                  : 'Starting the database…'}
        </p>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {feedback.announcement}
      </p>

      <ClockPanel nowMs={state.nowMs} speed={state.speed} onSpeed={setSpeed} disabled={!isLive} />

      {pinned < 0 && (
        <StepList
          lesson={lesson}
          steps={steps}
          states={steps.map((candidate, index) =>
            readStepState(index, candidate.id, { state, progress, current }),
          )}
          current={current}
          isOpenable={isLive || state.phase === 'failed'}
          onOpen={(index) => {
            // what the header said of the step left behind is no longer the news
            feedback.announce(`Opened at the start of step ${index + 1}, with the steps before it applied.`)
            return openAt(index)
          }}
        />
      )}

      <section className="workbench-step" aria-labelledby="workbench-step-heading">
        {step ? (
          <StepAtHand
            step={step}
            index={current}
            sql={sql}
            schema={state.schema}
            sharedAttempt={sharedAttempt}
            isShowingSharedAttempt={shownAttempt !== undefined}
            dismissSharedAttempt={dismissSharedAttempt}
            takesSharedAttempts={takesSharedAttempts}
            shareLink={shareLink}
            share={share}
            isLive={isLive}
            isRunning={isRunning}
            hasLastRunBroken={at.hasLastRunBroken}
            feedback={feedback}
            commands={stepCommands}
          />
        ) : (
          <h3 id="workbench-step-heading">Every step has run</h3>
        )}
        <LessonControls
          isPinned={pinned >= 0}
          lastRunStep={lastRunStep}
          isLive={isLive}
          isFailed={state.phase === 'failed'}
          commands={stepCommands}
        />
        <StepOutcome
          steps={steps}
          problem={state.phase !== 'failed' ? state.problem : undefined}
          runningStep={state.runningStep}
          verdict={state.verdicts[state.runningStep ?? lastRunStep]}
          isComplete={isComplete && pinned < 0}
          next={props.next}
          busy={stepStop.busy}
          ranSql={ranSqlOf(state.verdicts[lastRunStep]?.step)}
        />
      </section>

      <LivePanels {...props} panels={panels} workbench={workbench} />
      {followsStepInUrl && (
        <StepDock
          step={step}
          index={current}
          count={steps.length}
          isLive={isLive}
          isRunning={isRunning}
          verdict={state.verdicts[state.runningStep ?? lastRunStep]}
          commands={stepCommands}
        />
      )}
    </section>
  )
}
