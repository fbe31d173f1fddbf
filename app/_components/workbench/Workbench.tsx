'use client'

import Link from 'next/link'
import {
  Fragment,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import type { WorkerDatabase } from '@/lib/engine'
import type { StepRunHow, StepVerdict, WorkbenchSpeed, WorkbenchStep } from '@/lib/workbench'
import { encodeAttempt } from '../attempt-link'
import { panelIds, type PanelId } from './panels'
import { placeStatementError } from '../error-place'
import { SolutionDiff } from '../SolutionDiff'
import { SqlEditor, type SqlEditorError } from '../SqlEditor'
import {
  emptyProgress,
  firstUnpassedStep,
  forgetVerdicts,
  parseProgress,
  progressKey,
  recordVerdict,
  type LessonProgress,
} from '../lesson-progress'
import {
  AuditLog,
  ClockPanel,
  DeployPanel,
  InvariantChart,
  RequestLog,
  SchemaPanel,
  SessionsPanel,
  TrafficChart,
  VersionGrid,
} from './index'
import { ClaimsCheck } from './ClaimsCheck'
import { Terminal, type TerminalOutput } from '../terminal/Terminal'
import { useBrowserValue } from '../use-browser-value'
import { useSharedAttempt } from './use-shared-attempt'
import { useWorkbench, type LiveAction } from './use-workbench'
import './workbench.css'

/** What the lesson page hands the workbench, all known at build time. */
export interface WorkbenchProps {
  lesson: string
  /** The lesson's validated scenario, as plain data; the worker validates it again. */
  scenario: unknown
  steps: WorkbenchStep[]
  versions: { id: string; label: string }[]
  endpoints: { version: string; name: string }[]
  invariants: string[]
  snapshotUrl: string
  /** The step in the URL, when the page was opened at one. */
  initialStep?: string
  /** Where to go once the lesson is complete. */
  next?: { href: string; title: string }
  /** The lesson's database; undefined until it is ready. */
  database: WorkerDatabase | undefined
  /** Whether the database failed to start. */
  databaseProblem?: string
  /** SQL consoles in the prose run inside the simulation while it is live. */
  onLiveChange(isLive: boolean): void
  /** Increases when the database worker was replaced (Stop in a console): the simulation must reopen. */
  workerGeneration: number
  /** The traffic's rate in the scenario, which the terminal's `traffic start` goes back to. */
  requestsPerSecond: number
  /** Replaces the database worker to stop a statement Postgres is running (Ctrl+C in the terminal). */
  replaceWorker(): Promise<void>
  /** Which panels show, in this order; every one on the lesson page. */
  panels?: readonly WorkbenchPanel[]
  /** Where progress is kept: the learner's (the default), the presenter's own, or this page only (an embed). */
  progressScope?: 'learner' | 'presenter' | 'page'
  /** Whether the address bar follows the step at hand; the lesson page's does. */
  followsStepInUrl?: boolean
  /** Whether traffic waits for Play when the lesson opens; it plays by default. */
  startsPaused?: boolean
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

/** What the workbench tells whoever hosts it. */
export type WorkbenchEvent =
  /** The simulation is live for the first time, at this step. */
  | { type: 'ready'; step: number }
  /** The database could not start, or the simulation could not open (Reset tries that again). */
  | { type: 'failed' }
  | { type: 'verdict'; verdict: StepVerdict }
  /** A `reset` command put the step (or the lesson) back where it started. */
  | { type: 'reset'; step: number }
  /** The step at hand and its SQL, whenever either changes. */
  | { type: 'view'; current: number; sql: string }

/**
 * Where a step stands, as the list of steps shows it. `applied`: run to open the lesson at a
 * later step, with the learner's SQL or the solution.
 */
export type StepState = 'not run' | 'passed' | 'broke things' | 'applied' | 'running' | 'current'

/** What an embed's host page or the presenter's keyboard can ask of the workbench. */
export type WorkbenchCommand =
  | { type: 'run'; how?: 'yours' | 'naive' }
  | { type: 'reset' }
  | { type: 'go'; to: 'next' | 'previous' }
  | { type: 'toggle traffic' }
  | { type: 'status'; reply(status: StepStatus): void }

/** Where the step at hand stands, as a status command is answered. */
export type StepStatus = 'starting' | 'failed' | 'not run' | 'running' | 'passed' | 'broke things'

/** Commands sent to a workbench from outside it. */
export interface WorkbenchCommandSource {
  subscribe(listener: (command: WorkbenchCommand) => void): () => void
}

/** A command source the host sends into: `send` reaches the workbench subscribed to it. */
export function createCommandSource(): WorkbenchCommandSource & { send(command: WorkbenchCommand): void } {
  const listeners = new Set<(command: WorkbenchCommand) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    send(command) {
      for (const listener of listeners) listener(command)
    },
  }
}

/**
 * The lesson's workbench: the steps with their state, the SQL editor for the step at hand,
 * and the live panels of the simulation running beside the real Postgres.
 */
export function Workbench(props: WorkbenchProps) {
  const { lesson, steps, versions, database, onEvent } = props
  const stepIds = useMemo(() => steps.map((step) => step.id), [steps])
  const store = useMemo(
    () => progressStore(props.progressScope ?? 'learner', lesson),
    [props.progressScope, lesson],
  )
  const pinned = props.onlyStep === undefined ? -1 : stepIds.indexOf(props.onlyStep)
  const panels = props.panels ?? allPanels
  const followsStepInUrl = props.followsStepInUrl ?? true
  const onEventRef = useRef(onEvent)
  useEffect(() => {
    onEventRef.current = onEvent
  }, [onEvent])
  const consoleScenario = useMemo(
    () => ({ versions, steps, requestsPerSecond: props.requestsPerSecond }),
    [versions, steps, props.requestsPerSecond],
  )
  const storedProgress = useSyncExternalStore(
    subscribeToProgress,
    () => readStoredProgress(store),
    () => null,
  )
  const progress = useMemo(() => parseProgress(storedProgress), [storedProgress])
  // progress is read on the client only; the first render (server and hydration) has none yet
  const hasLoadedProgress = useBrowserValue(() => true, false)
  const [showSolution, setShowSolution] = useState(false)
  const [editorError, setEditorError] = useState<SqlEditorError | undefined>()
  const [announcement, setAnnouncement] = useState('')
  const lastRun = useRef<{ step: number; how: StepRunHow; sql: string } | undefined>(undefined)
  // set the moment a run is asked for, before the worker hears of it, so a second Run (or a
  // host's status question) in the same instant sees it
  const isRunRequested = useRef(false)
  const progressRef = useRef(progress)
  useEffect(() => {
    progressRef.current = progress
  }, [progress])

  const saveProgress = useCallback(
    (update: (current: LessonProgress) => LessonProgress) => {
      const next = update(progressRef.current)
      progressRef.current = next
      writeStoredProgress(store, JSON.stringify(next))
    },
    [store],
  )

  const onVerdict = useCallback(
    (verdict: StepVerdict) => {
      const step = steps[verdict.step]
      if (!step) return
      isRunRequested.current = false
      onEventRef.current?.({ type: 'verdict', verdict })
      saveProgress((current) => recordVerdict(current, step.id, verdict.passed))
      setAnnouncement(
        verdict.passed
          ? `Step ${verdict.step + 1} passed: everything it claims held.`
          : step.language === 'delmo'
            ? `Step ${verdict.step + 1} is not done yet.`
            : `Step ${verdict.step + 1} broke things.`,
      )
      const run = lastRun.current
      if (
        !verdict.passed &&
        verdict.result.ok === false &&
        run?.step === verdict.step &&
        run.how === 'yours'
      ) {
        setEditorError(placeStatementError(run.sql, verdict.result.error, verdict.result.statement))
      }
    },
    [saveProgress, steps],
  )

  const { state, open, runStep, setSpeed, act } = useWorkbench({
    database,
    lesson,
    scenario: props.scenario,
    snapshotUrl: props.snapshotUrl,
    onVerdict,
    ...(props.onLiveAction && { onAction: props.onLiveAction }),
    initialSpeed: props.startsPaused ? 0 : 1,
  })
  const { onLiveChange } = props

  const sqlBefore = useCallback(
    (step: number, current: LessonProgress) =>
      steps
        .slice(0, step)
        .map((candidate) =>
          candidate.isEditable && current.passed.includes(candidate.id)
            ? (current.sql[candidate.id] ?? null)
            : null,
        ),
    [steps],
  )

  const openAt = useCallback(
    (step: number) => {
      setShowSolution(false)
      setEditorError(undefined)
      // a reopen ends any run asked for: its verdict will not come
      isRunRequested.current = false
      return open({ step, sql: sqlBefore(step, progressRef.current) })
    },
    [open, sqlBefore],
  )

  // open once the database and the stored progress are both there, and again after Stop replaced the worker
  const openedFor = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!database || !hasLoadedProgress) return
    const key = `${props.workerGeneration}`
    if (openedFor.current === key) return
    const isFirst = openedFor.current === undefined
    openedFor.current = key
    const fromUrl = props.initialStep ? stepIds.indexOf(props.initialStep) : -1
    // a step's link on a narrow screen, where the workbench sits below the prose, goes to it
    if (isFirst && fromUrl >= 0 && followsStepInUrl && window.matchMedia('(max-width: 1099px)').matches)
      document.getElementById('workbench-heading')?.scrollIntoView()
    if (!isFirst) {
      // Stop replaced the worker, which came back at its last saved state: traffic resumes there
      isRunRequested.current = false
      const step = Math.max(0, state.nextStep - (state.runningStep !== undefined ? 1 : 0))
      void open({
        step,
        sql: [],
        resume: {
          deployment: state.deployment,
          ...(state.previousDeployment && { previousDeployment: state.previousDeployment }),
          generation: props.workerGeneration,
        },
      })
      return
    }
    void openAt(
      pinned >= 0 ? pinned : fromUrl >= 0 ? fromUrl : firstUnpassedStep(progressRef.current, stepIds),
    )
  }, [
    database,
    followsStepInUrl,
    hasLoadedProgress,
    open,
    openAt,
    pinned,
    props.initialStep,
    props.workerGeneration,
    state,
    stepIds,
  ])

  useEffect(() => {
    onLiveChange(state.phase === 'live')
  }, [onLiveChange, state.phase])

  useEffect(() => () => onLiveChange(false), [onLiveChange])

  // the address bar names the step at hand, so it can be shared or reloaded
  // a step that broke things stays at hand, so the learner can fix the SQL and run it again
  const lastRunStep = Math.min(state.nextStep, steps.length) - 1
  const hasLastRunBroken =
    state.runningStep === undefined && lastRunStep >= 0 && state.verdicts[lastRunStep]?.passed === false
  const current =
    pinned >= 0
      ? pinned
      : (state.runningStep ?? (hasLastRunBroken ? lastRunStep : Math.min(state.nextStep, steps.length)))
  useEffect(() => {
    if (state.phase !== 'live' || !followsStepInUrl) return
    const step = steps[current]
    const path = step ? `/learn/${lesson}/${step.id}` : `/learn/${lesson}`
    if (window.location.pathname.replace(/\/$/, '') !== path) window.history.replaceState(null, '', path)
  }, [current, followsStepInUrl, lesson, state.phase, steps])

  const hasFailed = state.phase === 'failed' || props.databaseProblem !== undefined
  useEffect(() => {
    if (hasFailed) onEventRef.current?.({ type: 'failed' })
  }, [hasFailed])

  const hasBeenLive = useRef(false)
  useEffect(() => {
    if (state.phase !== 'live' || hasBeenLive.current) return
    hasBeenLive.current = true
    onEventRef.current?.({ type: 'ready', step: current })
  }, [current, state.phase])

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
  const sql = step ? (shownAttempt?.sql ?? progress.sql[step.id] ?? step.starter) : ''

  const [shareLink, setShareLink] = useState<
    { step: string; url: string; isCopied: boolean } | { step: string; problem: string } | undefined
  >()
  const share = async () => {
    if (!step) return
    const encoded = await encodeAttempt({ v: 1, lesson, step: step.id, sql }).catch(() => ({
      ok: false as const,
      problem: 'this browser cannot compress it',
    }))
    if (!encoded.ok) return setShareLink({ step: step.id, problem: encoded.problem })
    const url = `${window.location.origin}/learn/${lesson}/${step.id}#${encoded.fragment}`
    const isCopied = await navigator.clipboard
      ?.writeText(url)
      .then(() => true)
      .catch(() => false)
    setShareLink({ step: step.id, url, isCopied: isCopied === true })
  }

  useEffect(() => {
    onEventRef.current?.({ type: 'view', current, sql })
  }, [current, sql])
  const lockedLines = useMemo(() => (step ? lockedLinesIn(sql, step) : []), [sql, step])
  const schemaForCompletion = useMemo(() => {
    const tables: Record<string, string[]> = {}
    for (const table of state.schema?.tables ?? [])
      tables[table.name] = table.columns.map((column) => column.name)
    return tables
  }, [state.schema])

  // `known` is the progress as last saved, which a command may have changed since this render
  const stateOf = (index: number, known: LessonProgress = progress): StepState => {
    if (state.runningStep === index) return 'running'
    const id = steps[index].id
    if (index < state.nextStep && known.passed.includes(id)) return 'passed'
    if (index < state.nextStep && known.broke.includes(id)) return 'broke things'
    if (index < state.nextStep) return 'applied'
    if (index === current && state.runningStep === undefined) return 'current'
    return 'not run'
  }

  const run = async (how: 'yours' | 'naive' | 'solution') => {
    if (!step || !isLive || isRunning || isRunRequested.current) return
    isRunRequested.current = true
    setEditorError(undefined)
    const index = current
    // running a step that broke things again starts from where it started
    if (
      index < state.nextStep &&
      !(await open({ step: index, sql: sqlBefore(index, progressRef.current) }))
    ) {
      isRunRequested.current = false
      return
    }
    lastRun.current = { step: index, how, sql }
    if (shownAttempt && how === 'yours') {
      // once run, the shared SQL is the learner's own for this step
      saveProgress((current) => ({ ...current, sql: { ...current.sql, [step.id]: shownAttempt.sql } }))
      setSharedAttempt(undefined)
    }
    if (!(await runStep(index, how, step.isEditable && how === 'yours' ? sql : undefined)))
      isRunRequested.current = false
  }

  const lastVerdict = state.verdicts[state.runningStep ?? lastRunStep]
  const undo = () => {
    if (lastRunStep < 0) return
    saveProgress((current) => forgetVerdicts(current, [steps[lastRunStep].id]))
    setAnnouncement(`Undid step ${lastRunStep + 1}: the database is back where it stood before it.`)
    void openAt(lastRunStep)
  }
  const resetLesson = () => {
    saveProgress((current) => forgetVerdicts(current, stepIds))
    setAnnouncement('The lesson is back at its start.')
    return openAt(0)
  }
  const resetProgress = () => {
    saveProgress(() => emptyProgress)
    setAnnouncement('Progress forgotten: every step is new again, with its starting SQL.')
    void openAt(0)
  }
  // an embed's one step goes back to where it started; elsewhere the whole lesson does
  const reset = async () => {
    if (isRunning || isRunRequested.current || (!isLive && state.phase !== 'failed')) return
    const step = pinned >= 0 ? pinned : 0
    if (pinned >= 0) {
      saveProgress((current) => forgetVerdicts(current, [steps[pinned].id]))
      setAnnouncement(`Step ${pinned + 1} is back where it started.`)
      if (!(await openAt(pinned))) return
    } else if (!(await resetLesson())) return
    onEventRef.current?.({ type: 'reset', step })
  }

  const lastSpeed = useRef<WorkbenchSpeed>(1)
  useEffect(() => {
    if (state.speed !== 0) lastSpeed.current = state.speed
  }, [state.speed])
  // answered from what was saved, not from the last render: a host may ask the moment it heard
  // a verdict, before the page has drawn it
  const statusNow = (): StepStatus => {
    if (state.phase === 'failed' || props.databaseProblem) return 'failed'
    // before the phase: re-running a step reopens the simulation first
    if (isRunRequested.current) return 'running'
    if (state.phase !== 'live') return 'starting'
    const id = steps[current]?.id ?? ''
    if (progressRef.current.passed.includes(id)) return 'passed'
    if (progressRef.current.broke.includes(id)) return 'broke things'
    return 'not run'
  }
  const onCommand = useRef<(command: WorkbenchCommand) => void>(() => undefined)
  useEffect(() => {
    onCommand.current = (command) => {
      if (command.type === 'status') {
        command.reply(statusNow())
      } else if (command.type === 'run') {
        if (command.how !== 'naive' || step?.naive !== undefined) void run(command.how ?? 'yours')
      } else if (command.type === 'reset') {
        void reset()
      } else if (command.type === 'toggle traffic') {
        if (isLive) setSpeed(state.speed === 0 ? lastSpeed.current : 0)
      } else if (isLive && !isRunning && !isRunRequested.current && pinned < 0) {
        const to = command.to === 'next' ? current + 1 : current - 1
        if (to >= 0 && to < steps.length) void openAt(to)
      }
    }
  })
  const { commands } = props
  useEffect(() => commands?.subscribe((command) => onCommand.current(command)), [commands])

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
        isDatabaseDown={state.isDatabaseDown}
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
    invariants: <InvariantChart points={state.invariants} names={props.invariants} nowMs={state.nowMs} />,
    schema: <SchemaPanel schema={state.schema} />,
    requests: <RequestLog entries={state.requests} />,
    audit: <AuditLog entries={state.audit} />,
    check: (
      <ClaimsCheck
        database={database}
        lesson={lesson}
        scenario={props.scenario}
        snapshotUrl={props.snapshotUrl}
        onFinished={() => openAt(Math.min(state.nextStep, steps.length))}
      />
    ),
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
                  ? `Replaying the steps before step ${Math.min(current + 1, steps.length)}…`
                  : 'Starting the database…'}
        </p>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      <ClockPanel nowMs={state.nowMs} speed={state.speed} onSpeed={setSpeed} disabled={!isLive} />

      {pinned < 0 && (
        <nav aria-label="Steps" className="workbench-steps">
          <ol>
            {steps.map((candidate, index) => {
              const stepState = stateOf(index)
              return (
                <li key={candidate.id} data-state={stepState}>
                  <a
                    href={`/learn/${lesson}/${candidate.id}`}
                    aria-current={index === current ? 'step' : undefined}
                    onClick={(event) => {
                      event.preventDefault()
                      if (!isLive && state.phase !== 'failed') return
                      openAt(index)
                    }}
                  >
                    <span className="workbench-step-number">{index + 1}</span>
                    <span className="workbench-step-title">{candidate.title}</span>
                    <span className="workbench-step-state">{stepState}</span>
                  </a>
                </li>
              )
            })}
          </ol>
        </nav>
      )}

      <section className="workbench-step" aria-labelledby="workbench-step-heading">
        {step ? (
          <>
            <h3 id="workbench-step-heading">
              Step {current + 1}: {step.title}
            </h3>
            {sharedAttempt && 'problem' in sharedAttempt && (
              <div role="alert" className="workbench-shared is-refused">
                <p>
                  <strong>This share link was not loaded:</strong> {sharedAttempt.problem}. Nothing from it
                  was run or kept.
                </p>
                <button type="button" className="secondary" onClick={() => setSharedAttempt(undefined)}>
                  Dismiss
                </button>
              </div>
            )}
            {shownAttempt && (
              <div role="status" className="workbench-shared">
                <p>
                  <strong>A shared attempt at step {current + 1} is in the editor, as text.</strong> Nothing
                  of it has run: read it first, then press Run step to run it. Your own SQL for this step is
                  kept until you edit or run this one.
                </p>
                <button type="button" className="secondary" onClick={() => setSharedAttempt(undefined)}>
                  Back to my SQL
                </button>
              </div>
            )}
            {step.isEditable ? (
              <>
                <p className="muted">
                  {step.language === 'delmo'
                    ? 'Complete the system test, one task a line, in Delmo’s vocabulary. It runs against whatever is deployed now.'
                    : 'Write the migration. It passes on its outcome — if every app version stays green — not on matching the lesson’s text.'}
                </p>
                <SqlEditor
                  key={step.id}
                  label={
                    step.language === 'delmo' ? `Test for step ${current + 1}` : `SQL for step ${current + 1}`
                  }
                  language={step.language === 'delmo' ? 'plain' : 'sql'}
                  value={sql}
                  onChange={(value) => {
                    setEditorError(undefined)
                    // editing a shared attempt makes it the learner's SQL for this step
                    if (shownAttempt) setSharedAttempt(undefined)
                    saveProgress((current) => ({ ...current, sql: { ...current.sql, [step.id]: value } }))
                  }}
                  onRun={() => void run('yours')}
                  schema={schemaForCompletion}
                  error={editorError}
                  lockedLines={lockedLines}
                  minLines={4}
                />
              </>
            ) : (
              <p>{step.summary}</p>
            )}
            <div className="workbench-actions">
              <button type="button" onClick={() => void run('yours')} disabled={!isLive || isRunning}>
                {isRunning ? 'Running…' : 'Run step'}
              </button>
              {step.naive !== undefined && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void run('naive')}
                  disabled={!isLive || isRunning}
                >
                  Try the naive way
                </button>
              )}
              {takesSharedAttempts && step.isEditable && (
                <button type="button" className="secondary" onClick={() => void share()}>
                  Share my attempt
                </button>
              )}
              {step.solution !== undefined && (
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={showSolution}
                  onClick={() => setShowSolution((shown) => !shown)}
                >
                  {showSolution ? 'Hide the solution' : 'Show the solution'}
                </button>
              )}
              <span className="muted workbench-hint">
                {hasLastRunBroken
                  ? `Runs step ${current + 1} again from where it started.`
                  : step.isEditable && (
                      <>
                        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the editor runs
                      </>
                    )}
              </span>
            </div>
            {step.naive !== undefined &&
              step.isEditable &&
              (step.naive.includes('\n') ? (
                <div className="muted workbench-naive">
                  <p>The naive way:</p>
                  <pre>
                    <code>{step.naive}</code>
                  </pre>
                </div>
              ) : (
                <p className="muted workbench-naive">
                  The naive way: <code>{step.naive}</code>
                </p>
              ))}
            {shareLink?.step === step.id &&
              ('problem' in shareLink ? (
                <p role="alert" className="sql-error">
                  This attempt cannot be shared as a link: {shareLink.problem}.
                </p>
              ) : (
                <div className="workbench-share">
                  <label>
                    Link to your attempt at step {current + 1}
                    <input readOnly value={shareLink.url} onFocus={(event) => event.currentTarget.select()} />
                  </label>
                  <p className="muted" role="status">
                    {shareLink.isCopied ? 'Copied to the clipboard. ' : ''}The link itself carries your SQL
                    for this step, compressed; nothing is uploaded. Whoever opens it sees the SQL as text, and
                    it runs only if they press Run step.
                  </p>
                </div>
              ))}
            {showSolution && step.solution !== undefined && (
              <SolutionDiff yours={sql} solution={step.solution} />
            )}
          </>
        ) : (
          <h3 id="workbench-step-heading">Every step has run</h3>
        )}
        {pinned >= 0 ? (
          <div className="workbench-actions">
            <button
              type="button"
              className="secondary"
              onClick={() => void reset()}
              disabled={(!isLive && state.phase !== 'failed') || isRunning}
            >
              Reset the step
            </button>
          </div>
        ) : (
          <div className="workbench-actions">
            <button
              type="button"
              className="secondary"
              onClick={undo}
              disabled={!isLive || isRunning || lastRunStep < 0}
            >
              {lastRunStep >= 0 ? `Undo step ${lastRunStep + 1}` : 'Undo'}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => void resetLesson()}
              disabled={!isLive || isRunning}
            >
              Reset the lesson
            </button>
            <button type="button" className="secondary" onClick={resetProgress} disabled={isRunning}>
              Reset progress
            </button>
          </div>
        )}
        {state.problem && state.phase !== 'failed' && (
          <p role="alert" className="sql-error">
            {state.problem}
          </p>
        )}
        {isRunning && (
          <p className="workbench-running" role="status">
            Step {(state.runningStep ?? 0) + 1} is running: its outcome comes once its traffic has been
            watched and every request that arrived during it has its answer.
          </p>
        )}
        {!isRunning && lastVerdict && <VerdictView verdict={lastVerdict} steps={steps} />}
        {isComplete && pinned < 0 && (
          <div className="workbench-complete" role="status">
            <strong>Lesson complete.</strong> Every step passed.{' '}
            {props.next ? (
              <Link href={props.next.href}>Next: {props.next.title} →</Link>
            ) : (
              <Link href="/">All lessons</Link>
            )}
          </div>
        )}
      </section>

      <div className="workbench-panels">
        {panels.map((panel) => (
          <Fragment key={panel}>{panelElements[panel]}</Fragment>
        ))}
      </div>
    </section>
  )
}

// Progress lives in localStorage; without storage (some private modes) it lasts as long as the page.
const progressListeners = new Set<() => void>()
const progressWithoutStorage = new Map<string, string>()

function subscribeToProgress(listener: () => void): () => void {
  progressListeners.add(listener)
  // another tab of the same lesson
  window.addEventListener('storage', listener)
  return () => {
    progressListeners.delete(listener)
    window.removeEventListener('storage', listener)
  }
}

/** Where one workbench keeps its progress: a localStorage key, or this page's memory only. */
interface ProgressStore {
  key: string
  isPageOnly: boolean
}

// the presenter rehearsing a lesson keeps a progress of their own, apart from their learning
function progressStore(scope: 'learner' | 'presenter' | 'page', lesson: string): ProgressStore {
  if (scope === 'page') return { key: `page:${lesson}`, isPageOnly: true }
  return {
    key: scope === 'presenter' ? `${progressKey(lesson)}:presenter` : progressKey(lesson),
    isPageOnly: false,
  }
}

function readStoredProgress(store: ProgressStore): string | null {
  if (store.isPageOnly) return progressWithoutStorage.get(store.key) ?? null
  try {
    return localStorage.getItem(store.key)
  } catch {
    return progressWithoutStorage.get(store.key) ?? null
  }
}

function writeStoredProgress(store: ProgressStore, value: string): void {
  try {
    if (store.isPageOnly) progressWithoutStorage.set(store.key, value)
    else localStorage.setItem(store.key, value)
  } catch {
    progressWithoutStorage.set(store.key, value)
  }
  for (const listener of progressListeners) listener()
}

/** A step's outcome: passed or not, its error, and each claim with what was seen. */
export function VerdictView({ verdict, steps }: { verdict: StepVerdict; steps: WorkbenchStep[] }) {
  const how =
    verdict.how === 'naive' ? ' the naive way' : verdict.how === 'solution' ? ' with the solution' : ''
  return (
    <div
      className={`workbench-verdict ${verdict.passed ? 'is-passed' : 'is-broken'}`}
      data-passed={verdict.passed}
    >
      <p>
        <strong>
          {verdict.passed
            ? '✓ Passed'
            : steps[verdict.step]?.language === 'delmo'
              ? '✗ Not yet'
              : '✗ Broke things'}
          : step {verdict.step + 1}
          {how}
        </strong>{' '}
        — {steps[verdict.step]?.title}
      </p>
      {verdict.result.ok === false && verdict.result.error.code === 'CHECK' && (
        <p className="workbench-test-failure" data-test-result="red">
          <strong>
            {steps[verdict.step]?.language === 'delmo' ? 'The test failed:' : 'The check failed:'}
          </strong>{' '}
          {verdict.result.error.message}
        </p>
      )}
      {verdict.result.ok === true && steps[verdict.step]?.language === 'delmo' && (
        <p className="workbench-test-success" data-test-result="green">
          <strong>The test passed:</strong> every task succeeded.
        </p>
      )}
      {verdict.result.ok === false && verdict.result.error.code !== 'CHECK' && (
        <p className="sql-error">
          <strong>ERROR:</strong> {verdict.result.error.message}{' '}
          <span className="sql-code">SQLSTATE {verdict.result.error.code}</span>
          {verdict.result.error.detail && (
            <span className="workbench-detail">DETAIL: {verdict.result.error.detail}</span>
          )}
          {verdict.result.error.hint && (
            <span className="workbench-detail">HINT: {verdict.result.error.hint}</span>
          )}
        </p>
      )}
      <ul className="workbench-claims">
        {verdict.expectations.map((expectation) => (
          <li key={expectation.claim} data-held={expectation.held}>
            <span aria-hidden="true">{expectation.held ? '✓' : '✗'}</span>{' '}
            <span className="visually-hidden">{expectation.held ? 'held:' : 'failed:'}</span>
            {expectation.claim} <span className="muted">— {expectation.actual}</span>
          </li>
        ))}
      </ul>
      {!verdict.passed && <p className="muted">Undo the step to try again from where it started.</p>}
    </div>
  )
}

// Locked lines are numbered in the starter; the learner may have added lines around them since.
function lockedLinesIn(sql: string, step: WorkbenchStep): number[] {
  if (step.lockedLines.length === 0) return []
  const starterLines = step.starter.split('\n')
  const lines = sql.split('\n')
  const found: number[] = []
  let from = 0
  for (const locked of step.lockedLines) {
    const index = lines.indexOf(starterLines[locked - 1], from)
    if (index === -1) continue
    found.push(index + 1)
    from = index + 1
  }
  return found
}
