// What the simulation in the worker pushes to the page, outside any call's answer: types and
// a check of the tag, so the page imports them without pulling the simulator into the main thread.
import type { PgError, RunResult, TransactionState } from '../engine'
import type { DatabaseState, ExpectationResult, RequestOutcome, SecondMetrics, SessionView } from '../sim'

/** One connection or operator session of the simulation, as `pg_stat_activity` + `pg_locks` would show it. */
export type { SessionView }

/** What one endpoint of one version saw last: the green-or-red cell. */
export interface EndpointStatus {
  version: string
  endpoint: string
  last: RequestOutcome
  lastAtMs: number
  /** The last request that did not get its page, whenever it was. */
  lastFailure?: { outcome: 'error' | 'timeout'; code?: string; message: string; atMs: number }
  /**
   * The answers of the `recentSeconds` virtual seconds up to the last one, and how many of them
   * failed (an error or a timeout): a cell whose last answer was ok can still be failing often.
   */
  recent: { answered: number; failed: number }
}

/** How far back an endpoint's `recent` answers reach, in virtual seconds. */
export const recentSeconds = 10

/** One answered request, as an app's log line. */
export interface RequestLogEntry {
  id: number
  version: string
  endpoint: string
  outcome: RequestOutcome
  code?: string
  message?: string
  /** Virtual ms when it was answered. */
  atMs: number
  latencyMs: number
}

/** One run of one invariant's check. */
export interface InvariantPoint {
  atMs: number
  name: string
  violations: number
  /** Rows per cause its query named; the rows it named none for are the rest of `violations`. */
  causes?: Record<string, number>
}

/** Where a step began, for the charts' markers. */
export interface StepMarker {
  index: number
  id: string
  title: string
  atMs: number
  /** Which SQL ran: the learner's, the lesson's naive way, or its solution. */
  how: StepRunHow
}

/** How a step ran: the learner's SQL, the naive way, the solution, or as the lesson scripted it. */
export type StepRunHow = 'yours' | 'naive' | 'solution' | 'scripted'

/**
 * One line of the audit log: what was done to the running system, by whom. `lesson` is a step
 * the learner ran; `operator` a command from the terminal or the deploy panel; `by hand` SQL
 * that changed the database outside any step (the hotfix that makes production drift).
 */
export interface AuditEntry {
  /** Virtual ms when it happened. */
  atMs: number
  actor: 'lesson' | 'operator' | 'by hand'
  what: string
  outcome?: 'ok' | 'failed'
  /**
   * A reopen (undo, a jump back, a resume) started a new clock: the virtual ms the log had
   * reached before it. Times run in order except at such a line.
   */
  rewoundFromMs?: number
}

/**
 * A statement or situation the simulator cannot represent, as it said so: what happened next
 * is not what Postgres would do, and the page, the consoles and the terminal say it.
 */
export interface NotModelledNote {
  atMs: number
  /** `migration`, `console`, `you`, or a session's name. */
  session: string
  sql: string
  /** Why, with what Postgres documents for it. */
  reason: string
}

/** About ten a wall second while traffic is live: everything since the last one. */
export interface WorkbenchBatch {
  type: 'workbench'
  /** Virtual ms now. */
  nowMs: number
  /** 0 is paused. */
  speed: WorkbenchSpeed
  /** Seconds completed since the last batch, per version. */
  metrics: SecondMetrics[]
  /** Steps begun since the last batch. */
  markers: StepMarker[]
  /** What was done to the system since the last batch, oldest first. */
  audit: AuditEntry[]
  /** The requests answered since the last batch, newest last (at most 50). */
  requests: RequestLogEntry[]
  /** Every endpoint of every version that has answered at least once. */
  endpoints: EndpointStatus[]
  /** Every session holding or waiting for a lock, or idle in transaction (at most 40, waiters first). */
  sessions: SessionView[]
  /** How many sessions the list left out. */
  moreSessions: number
  invariants: InvariantPoint[]
  deployment: Record<string, number>
  /** The deployment before this one, whoever made it (a step, the deploy panel, the terminal). */
  previousDeployment?: Record<string, number>
  /** The traffic's rate across the deployed versions; 0 when an operator stopped it. */
  requestsPerSecond: number
  /** The console session's transaction, for the terminal's prompt. */
  consoleTransaction: 'idle' | 'open' | 'failed'
  /** `up`, `down` (stopped, or still starting) or `hanging` (running, but answering nothing). */
  databaseState: DatabaseState
  /** What the simulator said it cannot represent since the last batch. */
  notModelled: NotModelledNote[]
  /** Something changed the schema since the last batch: read it again. */
  schemaChanged: boolean
  /** The index of the step the learner may run next. */
  nextStep: number
  /** The step running now, if its outcome is not known yet. */
  runningStep?: number
  /**
   * How each step before `nextStep` stands in this run: `applied` when it was replayed to open
   * the lesson later, else its verdict.
   */
  stepOutcomes: StepOutcome[]
}

/** How a step that ran stands: replayed on opening, or judged. */
export type StepOutcome = 'applied' | 'passed' | 'broke things' | 'cancelled'

/** How fast virtual time runs against wall time: paused, real time, or ten times. */
export type WorkbenchSpeed = 0 | 1 | 10

/** A step's outcome, once its action settled, its traffic was observed, and its requests were answered. */
export interface StepVerdict {
  type: 'verdict'
  step: number
  how: StepRunHow
  /** The step's claims all held; never for the naive way, which does not pass a step. */
  passed: boolean
  /**
   * The naive way only: its claims (what the lesson says it breaks, and how) all held, so it
   * broke things as the lesson says; false when what happened was not what the lesson shows.
   */
  brokeAsTaught?: boolean
  expectations: ExpectationResult[]
  /** How the step's own action ended. */
  result: { ok: true } | { ok: false; error: PgError; statement?: string } | { ok: 'still running' }
  /** What the simulator could not represent during the step: its claims are not to be trusted. */
  notModelled?: string[]
  /**
   * The step was stopped before its claims could be judged: by the learner, or because a
   * statement ran longer for real than the budget allows; with the statement that was running.
   */
  cancelled?: {
    by: 'you' | 'budget'
    statement?: string
    /** Postgres was busy with it for real: the worker was replaced, the database restored. */
    restarted?: boolean
  }
}

/**
 * How long a statement may run for real in PGlite inside a simulation before the page stops
 * it: the worker answers nothing meanwhile, so the clock and the traffic stand still.
 */
export const realWorkBudgetMs = 2000

/**
 * The same for a statement typed at a console (the terminal, a SQL box): longer, as psql lets
 * a query run, because the learner watches it with Stop and Ctrl+C at hand.
 */
export const consoleRealWorkBudgetMs = 10_000

/** Sessions whose statements the learner typed at a console: `console` (the terminal) and `you` (a SQL box). */
export const consoleSessions: readonly string[] = ['console', 'you']

/** How long `session`'s statement may run for real before the page stops it. */
export function realWorkBudgetOf(session: string): number {
  return consoleSessions.includes(session) ? consoleRealWorkBudgetMs : realWorkBudgetMs
}

/**
 * A statement an operator's session is about to run for real in Postgres (the worker answers
 * nothing else until it ends): the page's watchdog names it if it runs over the budget.
 */
export interface RealWorkNotice {
  type: 'real work'
  session: string
  sql: string
  /** The step running now, when it is this step's migration. */
  step?: number
}

/** The outcome of learner SQL run inside the simulation, answering the `sql` request of the same id. */
export interface LiveSqlResult {
  type: 'sql'
  id: number
  /** Virtual time when it settled. */
  atMs: number
  ok: boolean
  message: string
  /** What its last statement returned, when it committed. */
  last?: RunResult
  error?: PgError
  /** The statement that failed, which the error's position points into. */
  statement?: string
  /** Why the simulator cannot represent what it did, if it said so. */
  notModelled?: string
}

/** A console statement's answer, for the `console` request of the same id. */
export interface ConsoleReply {
  type: 'console'
  id: number
  result: RunResult
  transaction: TransactionState
  /** Virtual ms from sending it to its answer. */
  elapsedMs: number
  /** Why the simulator cannot represent what it did, if it said so. */
  notModelled?: string
}

/** Everything the simulation pushes to the page, told apart by `type`. */
export type SimulationEvent = WorkbenchBatch | StepVerdict | LiveSqlResult | ConsoleReply | RealWorkNotice

const simulationEventTypes: ReadonlySet<string> = new Set<SimulationEvent['type']>([
  'workbench',
  'verdict',
  'sql',
  'console',
  'real work',
])

/**
 * Whether a message from the worker is one of the simulation's events. Only the tag is
 * checked: a batch comes ten times a wall second with up to 40 sessions and 50 requests, from
 * the worker bundled from this same source, and the tests check its whole shape.
 */
export function isSimulationEvent(message: unknown): message is SimulationEvent {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    typeof message.type === 'string' &&
    simulationEventTypes.has(message.type)
  )
}
