// The simulator's input: one scenario with its steps already resolved for one path. The
// authored format (YAML, validated by zod) lives in lib/scenario and produces these.

/** How a request fills one `$n` parameter of its endpoint's SQL. */
export type ParamGenerator =
  /** A whole number from the first to the second, both included. */
  | { int: [number, number] }
  /** One of the listed values. */
  | { pick: string[] }
  /** A person's name of this many words (two: "Ada Lovelace"). */
  | { name: number }
  /** The text followed by a number that grows with each request: `user-1`, `user-2`… */
  | { sequence: string }

/** One endpoint of an app version: one SQL statement run per request. */
export interface Endpoint {
  /** As the app would route it, e.g. `GET /users`. */
  name: string
  sql: string
  params: ParamGenerator[]
  /** Relative share of the version's requests. */
  weight: number
  /** Modelled milliseconds the statement takes once its locks are granted. */
  costMs?: number
}

/** One deployable version of the app. */
export interface AppVersion {
  id: string
  /** What a person calls it, e.g. `v1.0.0`. */
  label: string
  endpoints: Endpoint[]
  /** `error` answers 500 with 08006; `fallback` answers a static page (degraded). */
  whenDatabaseDown: 'error' | 'fallback'
  /** Leaves its connection idle in transaction after a read, holding its locks (deploydemo v1.0.0). */
  idleInTransactionAfterReads: boolean
  /** Connections in its pool: requests beyond them wait for one. */
  connections: number
  /** A request not answered within this many ms ends as a timeout (504). */
  timeoutMs: number
  /**
   * How long its database driver waits on a database that does not answer at all (a hang) before
   * it gives up with a connection error (08006), as libpq's `connect_timeout` bounds a connect and
   * keepalives with `tcp_user_timeout` bound a connection already open. Without it, a request
   * waits for the database until its own `timeoutMs`.
   */
  networkTimeoutMs?: number
}

/** A condition a check step tests, in the Delmo vocabulary. */
export type Condition =
  /**
   * One request to an endpoint succeeds (a page is served, even a static fallback); without a
   * version, the request goes where the router sends most traffic, as `curl http://web/` would.
   */
  | { request: { version?: string; endpoint: string } }
  /** The query succeeds and returns at least one row; `name` says what it is, in words. */
  | { sql: string; name?: string }
  /** Every invariant returns no rows. */
  | { invariants: 'hold' }
  /**
   * The database server is down or answering (`up`), as pg_isready tells: a stopped server
   * refuses it, and a hanging one does not answer within pg_isready's timeout, so both are down.
   */
  | { database: 'down' | 'up' }

/** One task of a system test's spec, in Delmo's vocabulary. */
export type SystemTestTask =
  | { verb: 'wait' | 'assert' | 'fail'; task: string; condition: Condition; withinMs: number }
  | { verb: 'stop' | 'start'; service: 'db' }

/** Retries of a migration transaction that failed to get its locks (55P03). */
export interface RetryPolicy {
  attempts: number
  /** Wait before the first retry; each later one waits `factor` times longer. */
  backoffMs: number
  factor: number
}

/** What a step does. */
export type StepAction =
  /** `gate`: a condition that must not hold, checked first; if it holds, the deploy is refused (CHECK). */
  | { kind: 'deploy'; shares: Record<string, number>; gate?: Condition }
  | { kind: 'migrate'; sql: string; retry?: RetryPolicy }
  /**
   * `stop`: the server stops, refusing connections; `start`: it starts again, or, when it hangs,
   * answers again; `hang`: it runs but nothing it sends arrives (a partition, a frozen host).
   */
  | { kind: 'database'; state: 'stop' | 'start' | 'hang' }
  | { kind: 'open session'; session: string; sql: string }
  | { kind: 'end session'; session: string; how: 'commit' | 'terminate' }
  | { kind: 'terminate idle' }
  | { kind: 'advance'; ms: number }
  | { kind: 'check'; verb: 'wait' | 'assert' | 'fail'; condition: Condition; withinMs: number }
  /** Runs the tasks in order and fails at the first that fails, as Delmo runs a test. */
  | { kind: 'system test'; tasks: SystemTestTask[] }

/**
 * What a version's requests did during a step: `ok` every one served; `degraded` the fallback
 * answered and nothing failed; `falls back` the fallback answered at least one; `times out` at
 * least one timed out; `{ fails }` at least one failed with that SQLSTATE.
 */
export type VersionExpectation = 'ok' | 'degraded' | 'falls back' | 'times out' | { fails: string }

/** What a step claims; each claim is checked by the headless run. */
export interface Expectations {
  /** Per app version, for requests that arrived during the step. */
  versions?: Record<string, VersionExpectation>
  /** Every version that served traffic during the step served every request: zero downtime. */
  allVersions?: 'ok'
  /** Per endpoint of a version, keyed `VERSION ENDPOINT` (e.g. `v1.0.0 POST /user`). */
  endpoints?: Record<string, VersionExpectation>
  invariants?: 'hold' | 'violated'
  /** The longest lock wait of any request or migration during the step. */
  lockWaitMs?: { below?: number; atLeast?: number }
  /** How the step's own action ended: a migration, a session, a check. */
  result?: 'succeeds' | 'fails' | { fails: string }
  /**
   * Who queued behind whom during the step: a version's requests, or an operator session
   * (`migration`, a session's name), keyed to the session it waited behind (`app` for requests).
   */
  waits?: Record<string, string>
}

export interface Step {
  id: string
  title: string
  action: StepAction
  /** Virtual ms the step waits for its action to settle before it moves on regardless. */
  withinMs: number
  /** Virtual ms of traffic after the action settles, before the next step. */
  observeMs: number
  expect: Expectations
}

export interface Invariant {
  name: string
  /** Must return no rows. */
  sql: string
}

export interface SimScenario {
  seed: string
  /** Requests per virtual second across all deployed versions, split by their shares. */
  requestsPerSecond: number
  /** Declared production rows per table, for the cost model. */
  tableRows: Record<string, number>
  versions: AppVersion[]
  invariants: Invariant[]
  steps: Step[]
}
