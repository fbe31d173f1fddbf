import { isReadOnlyCommand } from './statement-kind'

/** A Postgres error as data: the fields Postgres sends in its ErrorResponse. */
export interface PgError {
  /** SQLSTATE, e.g. `42703` (undefined_column); `57014` when the statement was cancelled. */
  code: string
  message: string
  detail?: string
  hint?: string
  /** 1-based character offset into the statement text, as Postgres reports it. */
  position?: number
  /** Where in a function body or trigger the error happened, if anywhere. */
  where?: string
  severity?: string
  table?: string
  column?: string
  constraint?: string
}

/** One result column: its name and the Postgres type OID. */
export interface Field {
  name: string
  typeId: number
}

/** A row as Postgres renders it in text, column by column; SQL NULL is `null`. */
export type Row = (string | null)[]

/** A message Postgres sent while it ran a statement: a NOTICE or WARNING, which psql prints before the result. */
export interface PgNotice {
  /** `NOTICE`, `WARNING`, `INFO`… (`DEBUG1` inside the lock probe). */
  severity: string
  message: string
}

/** The outcome of a statement that succeeded. */
export interface StatementOutcome {
  /** The command tag's verb, e.g. `SELECT`, `INSERT`, `ALTER TABLE`. */
  command: string
  fields: Field[]
  rows: Row[]
  /** Rows returned or affected, as in the command tag (`INSERT 0 3` → 3). */
  rowCount: number
  /** Wall-clock milliseconds PGlite took on this machine: real time on the sample data. */
  durationMs: number
  /** What Postgres said on the way, if anything. */
  notices?: PgNotice[]
}

/** Runs one statement; a SQL error comes back as a value, never as a throw. */
export type RunResult = ({ ok: true } & StatementOutcome) | { ok: false; error: PgError; durationMs: number }

/** The outcome of a script: one entry per statement that ran, stopping at the first error. */
export interface ScriptResult {
  ok: boolean
  statements: ScriptStatementResult[]
  /** The first error, with its position mapped into the whole script. */
  error?: PgError & { statementIndex: number }
  /** True when an open transaction was rolled back because a statement in it failed. */
  rolledBack: boolean
}

/** One statement of a script, where it sits in the script, and what it did. */
export interface ScriptStatementResult {
  sql: string
  /** 0-based offset of the statement's first character in the script. */
  start: number
  result: RunResult
}

/** The eight table-level lock modes, weakest first (docs: "Table-level Lock Modes"). */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const

export type LockMode = (typeof LOCK_MODES)[number]

/** A lock the probed statement held on one relation when it finished. */
export interface RelationLock {
  /** Schema-qualified unless in `public`, e.g. `users`, `audit.events`. */
  relation: string
  /** `table`, `index`, `sequence`, `view`, `materialized view` or `partitioned table`. */
  kind: string
  mode: LockMode
}

/** What Postgres revealed about a statement when it ran inside a rolled-back transaction. */
export interface LockProbe {
  locks: RelationLock[]
  /** Tables whose storage was rewritten (new relfilenode, or the "rewriting table" notice). */
  rewrites: string[]
  /** Tables read in full to verify a constraint (the "verifying table" notice). */
  scans: string[]
  /** Indexes built anew on tables that were not rewritten (REINDEX), with their table. */
  rebuilds?: { index: string; table: string }[]
  /** `probed` when Postgres ran it; `known` when it cannot run in a transaction and the lock is documented. */
  source: 'probed' | 'known'
}

/** A lock probe as data: the locks, or the error Postgres raised for the statement. */
export type LockProbeResult = ({ ok: true } & LockProbe) | { ok: false; error: PgError }

/** A statement to probe, with its `$1…$n` parameters if it has any. */
export interface ProbeStatement {
  sql: string
  params?: readonly unknown[]
}

/** One probed statement of a transaction: the locks it added, and what it did. */
export interface ProbedStatement extends LockProbe {
  /** The command tag's verb, e.g. `UPDATE`. */
  command: string
  /** Rows returned or affected on the sample data. */
  rowCount: number
  /** What it returned, seen inside the transaction (a console shows it before the commit). */
  fields: Field[]
  rows: Row[]
  /** The rows it locked until the end of its transaction: those it updated, deleted or locked. */
  rowLocks?: RowLockSet[]
  /** What Postgres said on the way at NOTICE and above: the probe's own debug1 lines are left out. */
  notices?: PgNotice[]
}

/**
 * Rows of one table locked by a transaction (UPDATE, DELETE, SELECT … FOR UPDATE), by their
 * key as `column=value` (the table's one-column primary key), or every row of the table.
 */
export interface RowLockSet {
  table: string
  keys: string[] | 'all'
}

/** The statements probed in order; on a failure, those before it and Postgres's error. */
export type TransactionProbe =
  | { ok: true; statements: ProbedStatement[] }
  | { ok: false; statements: ProbedStatement[]; failedIndex: number; error: PgError }

/** A whole data directory as a tar archive, loadable with PGlite's `loadDataDir`. */
export type Snapshot = Blob

/** The one typed door to Postgres; the in-process and the worker host both implement it. */
export interface Database {
  /** Runs one statement as given (simple protocol). */
  run(sql: string): Promise<RunResult>
  /** Runs one statement with `$1…$n` parameters (extended protocol). */
  query(sql: string, params: readonly unknown[]): Promise<RunResult>
  /** Splits a script into statements and runs each on its own, as psql does; stops at the first error. */
  runScript(script: string): Promise<ScriptResult>
  /** Reports the table locks a statement takes, and whether it rewrites or scans, without keeping its effects. */
  probeLocks(sql: string): Promise<LockProbeResult>
  /** Probes the statements of one transaction in order, each seeing the ones before it, keeping nothing. */
  probeTransaction(statements: readonly ProbeStatement[]): Promise<TransactionProbe>
  /** Saves the whole database as a snapshot. */
  snapshot(): Promise<Snapshot>
  /** Replaces the whole database with a snapshot. */
  restore(snapshot: Snapshot): Promise<void>
  /** Whether the session is inside a transaction block (psql's `*` and `!` prompts). */
  transactionState(): Promise<TransactionState>
  close(): Promise<void>
}

/** `idle` outside a transaction, `open` inside one, `failed` inside one that must be rolled back. */
export type TransactionState = 'idle' | 'open' | 'failed'

/** Whether a statement that ran may have changed the database (anything but a read). */
export function changesDatabase(result: RunResult): boolean {
  return result.ok && !isReadOnlyCommand(result.command)
}
