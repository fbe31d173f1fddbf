import type { RunResult, TransactionState } from '../engine'
import type { SessionView } from '../sim'
import type { CatalogQuery } from './describe'

/** What one statement sent from the console did, and where the session's transaction stands after it. */
export interface ExecutedStatement {
  result: RunResult
  transaction: TransactionState
  /** What `\timing` prints: virtual ms inside a simulation, wall ms on a plain database. */
  elapsedMs: number
  /** The simulator's word that it cannot represent what the statement did, and why. */
  notModelled?: string
}

/**
 * The console's one session and what it may ask around it. The browser terminal and the
 * Node console give the interpreter the same backend over the same worker protocol; a plain
 * database (no lesson) has no operator.
 */
export interface ConsoleBackend {
  /** Runs one statement in the console's session, as psql sends it. */
  execute(sql: string): Promise<ExecutedStatement>
  /** Reads the catalogs for a meta-command or completion, outside the session's transaction. */
  catalog: CatalogQuery
  /** Ctrl+C: stops the running statement; it then answers 57014. */
  cancel(): Promise<void>
  /** The running simulation, for the operator commands; absent on a plain database. */
  operator?: OperatorControls
}

/** One session as `pg_stat_activity` joined with `pg_locks` would show it. */
export type OperatorSession = SessionView

/** What the simulation looks like now, from its latest report. */
export interface OperatorView {
  nowMs: number
  speed: 0 | 1 | 10
  versions: { id: string; label: string }[]
  deployment: Record<string, number>
  /** The deployment before this one, whoever made it; what `rollback` goes back to. */
  previousDeployment?: Record<string, number>
  requestsPerSecond: number
  /** `up`, `down` (stopped, or still starting) or `hanging` (running, but answering nothing). */
  databaseState: 'up' | 'down' | 'hanging'
  sessions: OperatorSession[]
  steps: { id: string; title: string }[]
  nextStep: number
  runningStep?: number
  /** How each step before `nextStep` stands: `applied` on opening, `passed` or `broke things` when run. */
  stepOutcomes?: string[]
  /** Each endpoint's last answer, for `status`. */
  endpoints: {
    version: string
    endpoint: string
    last: string
    lastFailure?: { code?: string; message: string }
  }[]
}

/** The instructor's levers on the simulation; each resolves once the simulation took it. */
export interface OperatorControls {
  view(): OperatorView
  /** `rollback`: it goes back to the deployment before, and the audit log says so. */
  deploy(shares: Record<string, number>, reason?: 'rollback'): Promise<void>
  setDatabase(state: 'stop' | 'start' | 'hang'): Promise<void>
  terminate(owner: number): Promise<boolean>
  setRequestRate(perSecond: number): Promise<void>
  setSpeed(speed: 0 | 1 | 10): Promise<void>
  /**
   * Stops the running step: the statement its migration runs is cancelled (57014), or, when
   * Postgres is busy with it for real, the database comes back from its last saved state.
   * The words say what was stopped; undefined when no step was running.
   */
  cancelStep(): Promise<string | undefined>
  /** Runs the lesson's next step; the words say what happened or why not. */
  runNextStep(how: 'naive' | 'solution'): Promise<string>
}
