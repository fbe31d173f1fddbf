'use client'

import Link from 'next/link'
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { WorkerDatabase } from '@/lib/engine'
import type { StepRunHow, StepVerdict } from '@/lib/scenario/workbench-protocol'
import type { WorkbenchStep } from '@/lib/scenario/workbench-steps'
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
import { Terminal } from '../terminal/Terminal'
import { useWorkbench } from './use-workbench'
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
}

/** `applied`: run to open the lesson at a later step, with the learner's SQL or the solution. */
type StepState = 'not run' | 'passed' | 'broke things' | 'applied' | 'running' | 'current'

/**
 * The lesson's workbench: the steps with their state, the SQL editor for the step at hand,
 * and the live panels of the simulation running beside the real Postgres.
 */
export function Workbench(props: WorkbenchProps) {
  const { lesson, steps, versions, database } = props
  const stepIds = useMemo(() => steps.map((step) => step.id), [steps])
  const consoleScenario = useMemo(
    () => ({ versions, steps, requestsPerSecond: props.requestsPerSecond }),
    [versions, steps, props.requestsPerSecond],
  )
  const storedProgress = useSyncExternalStore(
    subscribeToProgress,
    () => readStoredProgress(lesson),
    () => null,
  )
  const progress = useMemo(() => parseProgress(storedProgress), [storedProgress])
  // progress is read on the client only; the first render (server and hydration) has none yet
  const hasLoadedProgress = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  )
  const [showSolution, setShowSolution] = useState(false)
  const [editorError, setEditorError] = useState<SqlEditorError | undefined>()
  const [announcement, setAnnouncement] = useState('')
  const lastRun = useRef<{ step: number; how: StepRunHow; sql: string } | undefined>(undefined)
  const progressRef = useRef(progress)
  useEffect(() => {
    progressRef.current = progress
  }, [progress])

  const saveProgress = useCallback(
    (update: (current: LessonProgress) => LessonProgress) => {
      const next = update(progressRef.current)
      progressRef.current = next
      writeStoredProgress(lesson, JSON.stringify(next))
    },
    [lesson],
  )

  const onVerdict = useCallback(
    (verdict: StepVerdict) => {
      const step = steps[verdict.step]
      if (!step) return
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
      void open({ step, sql: sqlBefore(step, progressRef.current) })
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
    if (isFirst && fromUrl >= 0 && window.matchMedia('(max-width: 1099px)').matches)
      document.getElementById('workbench-heading')?.scrollIntoView()
    if (!isFirst) {
      // Stop replaced the worker, which came back at its last saved state: traffic resumes there
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
    openAt(fromUrl >= 0 ? fromUrl : firstUnpassedStep(progressRef.current, stepIds))
  }, [database, hasLoadedProgress, open, openAt, props.initialStep, props.workerGeneration, state, stepIds])

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
    state.runningStep ?? (hasLastRunBroken ? lastRunStep : Math.min(state.nextStep, steps.length))
  useEffect(() => {
    if (state.phase !== 'live') return
    const step = steps[current]
    const path = step ? `/learn/${lesson}/${step.id}` : `/learn/${lesson}`
    if (window.location.pathname.replace(/\/$/, '') !== path) window.history.replaceState(null, '', path)
  }, [current, lesson, state.phase, steps])

  const isLive = state.phase === 'live'
  const isRunning = state.runningStep !== undefined
  const step = steps[current] as WorkbenchStep | undefined
  const sql = step ? (progress.sql[step.id] ?? step.starter) : ''
  const lockedLines = useMemo(() => (step ? lockedLinesIn(sql, step) : []), [sql, step])
  const schemaForCompletion = useMemo(() => {
    const tables: Record<string, string[]> = {}
    for (const table of state.schema?.tables ?? [])
      tables[table.name] = table.columns.map((column) => column.name)
    return tables
  }, [state.schema])

  const stateOf = (index: number): StepState => {
    if (state.runningStep === index) return 'running'
    const id = steps[index].id
    if (index < state.nextStep && progress.passed.includes(id)) return 'passed'
    if (index < state.nextStep && progress.broke.includes(id)) return 'broke things'
    if (index < state.nextStep) return 'applied'
    if (index === current && state.runningStep === undefined) return 'current'
    return 'not run'
  }

  const run = async (how: 'yours' | 'naive' | 'solution') => {
    if (!step || !isLive || isRunning) return
    setEditorError(undefined)
    const index = current
    // running a step that broke things again starts from where it started
    if (index < state.nextStep && !(await open({ step: index, sql: sqlBefore(index, progressRef.current) })))
      return
    lastRun.current = { step: index, how, sql }
    void runStep(index, how, step.isEditable && how === 'yours' ? sql : undefined)
  }

  const lastVerdict = state.verdicts[state.runningStep ?? lastRunStep]
  const undo = () => {
    if (lastRunStep < 0) return
    saveProgress((current) => forgetVerdicts(current, [steps[lastRunStep].id]))
    setAnnouncement(`Undid step ${lastRunStep + 1}: the database is back where it stood before it.`)
    openAt(lastRunStep)
  }
  const resetLesson = () => {
    saveProgress((current) => forgetVerdicts(current, stepIds))
    setAnnouncement('The lesson is back at its start.')
    openAt(0)
  }
  const resetProgress = () => {
    saveProgress(() => emptyProgress)
    setAnnouncement('Progress forgotten: every step is new again, with its starting SQL.')
    openAt(0)
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

      <section className="workbench-step" aria-labelledby="workbench-step-heading">
        {step ? (
          <>
            <h3 id="workbench-step-heading">
              Step {current + 1}: {step.title}
            </h3>
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
            {showSolution && step.solution !== undefined && (
              <SolutionDiff yours={sql} solution={step.solution} />
            )}
          </>
        ) : (
          <h3 id="workbench-step-heading">Every step has run</h3>
        )}
        <div className="workbench-actions">
          <button
            type="button"
            className="secondary"
            onClick={undo}
            disabled={!isLive || isRunning || lastRunStep < 0}
          >
            {lastRunStep >= 0 ? `Undo step ${lastRunStep + 1}` : 'Undo'}
          </button>
          <button type="button" className="secondary" onClick={resetLesson} disabled={!isLive || isRunning}>
            Reset the lesson
          </button>
          <button type="button" className="secondary" onClick={resetProgress} disabled={isRunning}>
            Reset progress
          </button>
        </div>
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
        {isComplete && (
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
        <TrafficChart
          versions={versions}
          metrics={state.metrics}
          markers={state.markers}
          nowMs={state.nowMs}
        />
        <VersionGrid
          versions={versions}
          endpoints={props.endpoints}
          statuses={state.endpoints}
          deployment={state.deployment}
          nowMs={state.nowMs}
        />
        <Terminal database={database} scenario={consoleScenario} replaceWorker={props.replaceWorker} />
        <DeployPanel
          versions={versions}
          deployment={state.deployment}
          isDatabaseDown={state.isDatabaseDown}
          disabled={!isLive}
          onDeploy={(shares) => void act({ action: 'deploy', shares })}
          onDatabase={(databaseState) => void act({ action: 'database', state: databaseState })}
        />
        <SessionsPanel
          sessions={state.sessions}
          moreSessions={state.moreSessions}
          nowMs={state.nowMs}
          onTerminate={(owner) => void act({ action: 'terminate', owner })}
          disabled={!isLive}
        />
        <InvariantChart points={state.invariants} names={props.invariants} nowMs={state.nowMs} />
        <SchemaPanel schema={state.schema} />
        <RequestLog entries={state.requests} />
        <AuditLog entries={state.audit} />
        <ClaimsCheck
          database={database}
          lesson={lesson}
          scenario={props.scenario}
          snapshotUrl={props.snapshotUrl}
          onFinished={() => openAt(Math.min(state.nextStep, steps.length))}
        />
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

function subscribeToNothing(): () => void {
  return () => undefined
}

function readStoredProgress(lesson: string): string | null {
  try {
    return localStorage.getItem(progressKey(lesson))
  } catch {
    return progressWithoutStorage.get(lesson) ?? null
  }
}

function writeStoredProgress(lesson: string, value: string): void {
  try {
    localStorage.setItem(progressKey(lesson), value)
  } catch {
    progressWithoutStorage.set(lesson, value)
  }
  for (const listener of progressListeners) listener()
}

function VerdictView({ verdict, steps }: { verdict: StepVerdict; steps: WorkbenchStep[] }) {
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
