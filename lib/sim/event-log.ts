import type { PgError, RunResult } from '../engine'

/** How a request ended: served, failed with a SQLSTATE, gave up waiting, or served the static fallback. */
export type RequestOutcome = 'ok' | 'error' | 'timeout' | 'degraded'

/** What a request's endpoint sets out to do with rows, by its SQL: read them, or write them. */
export type RequestAccess = 'read' | 'write'

/** One request, from arrival to answer, in virtual µs. */
export interface RequestRecord {
  id: number
  version: string
  endpoint: string
  /** A write even when it failed or never ran: the endpoint's SQL says (see `writesRows`). */
  access: RequestAccess
  arrivedUs: number
  endedUs: number
  outcome: RequestOutcome
  /** SQLSTATE of an error: Postgres's own, or 08006 when the database is down. */
  code?: string
  /** Postgres's message for an error; for a timeout, what the request was waiting for. */
  message?: string
  lockWaitUs: number
  /** Whom it queued behind when it began to wait, by session: `migration`, a session's name, `console`, `app`. */
  blockedBy?: string[]
  /** Index of the step during which it arrived. */
  step: number
}

/**
 * An operator's statement (a migration's, a session's) that began to wait for its locks, and
 * behind whom. A replay on a real server records its requests' waits here too, by version.
 */
export interface OperatorWait {
  /** Index of the step during which it began to wait. */
  step: number
  /** `migration`, a session's name, `you`, `console`. */
  session: string
  /** Whom it queued behind, by session, as requests' `blockedBy` name them. */
  blockedBy: string[]
}

/**
 * One run of one invariant's query: how many rows broke it, and, when the query names a
 * `cause` for each row, how many rows each cause accounts for.
 */
export interface InvariantCheck {
  atUs: number
  /** Index of the step during which it ran. */
  step: number
  name: string
  /** Every violating row, caused or not; a query that failed counts as one. */
  violations: number
  /**
   * Rows per `cause`, when the query returned that column and named one (a failed query names
   * its error); the rows it named no cause for are the rest of `violations`.
   */
  causes?: Record<string, number>
}

/** How an operator's script (a migration, a session, learner SQL) ended. */
export type OperatorResult =
  /** `last`: what the last statement that ran for real returned (a learner's SELECT shows its rows). */
  { ok: true; last?: RunResult } | { ok: false; error: PgError; statement?: string }

/** Everything that happened, in order; its canonical text is what the event-log hash covers. */
export type SimEvent =
  | { type: 'step'; atUs: number; index: number; id: string }
  | ({ type: 'request' } & RequestRecord)
  | { type: 'deploy'; atUs: number; shares: Record<string, number> }
  /** The database stopped, started (or answered again after a hang), or began to hang. */
  | { type: 'database'; atUs: number; state: 'stop' | 'start' | 'hang' }
  | {
      type: 'statement'
      atUs: number
      session: string
      sql: string
      state: 'waiting' | 'granted' | 'committed' | 'failed' | 'holding' | 'terminated'
      code?: string
      waitedUs?: number
      /** Once granted: the modelled µs it runs, holding its locks (the cost model's answer). */
      durationUs?: number
    }
  /**
   * A statement or situation the model cannot represent: what it did is not what Postgres
   * would do, and the page, the consoles and the terminal say so with `reason`.
   */
  | { type: 'not modelled'; atUs: number; session: string; sql: string; reason: string }
  | ({ type: 'invariant' } & Omit<InvariantCheck, 'step'>)
  | { type: 'check'; atUs: number; step: number; held: boolean }
  | { type: 'step settled'; atUs: number; step: number; ok: boolean; code?: string }

/** A step's action: settled once it finished, with how. */
export interface ActionProgress {
  settledUs?: number
  result?: OperatorResult
}
