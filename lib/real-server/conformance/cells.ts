import type { AppVersion, RequestRecord, RunRecord, SimScenario, Step } from '../../sim'
import { conformanceTableRows, type ConformanceStatement, type TrafficTable } from './statements'

/**
 * What stands in front of the statement, or around it, in one column of the matrix. `held open`
 * runs the statement in a transaction left open, so requests arrive while it holds its locks;
 * the others put a session in front of it and run it as a migration under `lock_timeout`.
 */
export type Workload = 'held open' | 'idle reader' | 'idle writer' | 'idle repeatable read' | 'active query'

export const workloads: readonly Workload[] = [
  'held open',
  'idle reader',
  'idle writer',
  'idle repeatable read',
  'active query',
]

/** The app's three endpoints, by what they do to the table. */
export type RequestKind = 'read' | 'insert' | 'update'
export const requestKinds: readonly RequestKind[] = ['read', 'insert', 'update']

/** The `lock_timeout` a migration runs under in the columns with a session in front. */
export const cellLockTimeoutMs = 1500

// the app's requests touch ids 1–400; sessions in front touch 450, so a request never waits
// on a row lock a session took, only on table locks
const frontRowId = 450

// a materialized view is read through, and its table is written
function tablesOf(table: TrafficTable): { read: string; write: string } {
  return table === 'account_totals' ? { read: table, write: 'accounts' } : { read: table, write: table }
}

function appVersion(table: TrafficTable): AppVersion {
  const { read, write } = tablesOf(table)
  return {
    id: 'app',
    label: 'app',
    whenDatabaseDown: 'error',
    idleInTransactionAfterReads: false,
    connections: 40,
    timeoutMs: 3000,
    endpoints: [
      {
        name: 'read',
        sql: `select email, balance from ${read} where id = $1`,
        params: [{ int: [1, 400] }],
        weight: 1,
      },
      {
        name: 'insert',
        sql: `insert into ${write} (email, balance) values ($1, $2)`,
        params: [{ sequence: 'new-' }, { int: [1, 1000] }],
        weight: 1,
      },
      {
        name: 'update',
        sql: `update ${write} set balance = balance + 1 where id = $1`,
        params: [{ int: [1, 400] }],
        weight: 1,
      },
    ],
  }
}

/** The session in front of the statement, as SQL run in a transaction left open. */
export function frontSessionSql(workload: Workload, table: TrafficTable): string | undefined {
  const { read, write } = tablesOf(table)
  switch (workload) {
    case 'held open':
      return undefined
    case 'idle reader':
      return `select email from ${read} where id = ${frontRowId}`
    case 'idle writer':
      return `update ${write} set balance = balance where id = ${frontRowId}`
    case 'idle repeatable read':
      // another table: what stalls a concurrent build here is the snapshot, not a lock
      return 'set transaction isolation level repeatable read;\nselect count(*) from audit_log'
    case 'active query':
      return undefined
  }
}

const activeQueryMs = 1400

/**
 * The query running in front of the statement in the `active query` column: it reads the table
 * for `activeQueryMs`, holding ACCESS SHARE and a snapshot, and ends by itself before the
 * statement's `lock_timeout` would.
 */
export function activeQuerySql(table: TrafficTable): string {
  return `select count(*) from ${tablesOf(table).read}, pg_sleep(${activeQueryMs / 1000})`
}

function step(id: string, action: Step['action'], withinMs: number, observeMs: number): Step {
  return { id, title: id, action, withinMs, observeMs, expect: {} }
}

// long enough for any modelled duration at the declared sizes: the step ends when the statement does
const statementWithinMs = 20_000
// traffic after the statement settled: a dozen requests of each kind at the least; a statement
// held open keeps its locks all that time, so the first 800 ms of arrivals wait 400 ms or more
const statementObserveMs = 600
const heldOpenObserveMs = 1200

/** Which step of a cell's scenario is the statement's. */
export const statementStepId = 'statement'

/**
 * One cell as a scenario the lessons' machinery runs: the simulator with `runScenario`, the
 * real server with `replayOnRealServer`. Traffic first, then the session in front (if any),
 * then the statement, then the front session (or the statement's own) commits.
 */
export function cellScenario(statement: ConformanceStatement, workload: Workload): SimScenario {
  const table = statement.table ?? 'accounts'
  const front = frontSessionSql(workload, table)
  const steps: Step[] = [step('deploy', { kind: 'deploy', shares: { app: 100 } }, 100, 200)]
  if (front !== undefined)
    steps.push(step('front', { kind: 'open session', session: 'front', sql: front }, 1000, 200))
  // the statement starts while the query runs: the step moves on before it settles
  if (workload === 'active query')
    steps.push(step('front', { kind: 'migrate', sql: activeQuerySql(table) }, 100, 300))
  if (workload === 'held open') {
    steps.push(
      step(
        statementStepId,
        { kind: 'open session', session: 'statement', sql: statement.sql },
        statementWithinMs,
        heldOpenObserveMs,
      ),
    )
    steps.push(step('release', { kind: 'end session', session: 'statement', how: 'commit' }, 500, 100))
  } else {
    const sql = `set lock_timeout = '${cellLockTimeoutMs}ms';\n${statement.sql}`
    steps.push(step(statementStepId, { kind: 'migrate', sql }, statementWithinMs, statementObserveMs))
    const release: Step['action'] =
      workload === 'active query'
        ? { kind: 'advance', ms: 500 }
        : { kind: 'end session', session: 'front', how: 'commit' }
    steps.push(step('release', release, 500, 100))
  }
  return {
    seed: `conformance ${statement.id} ${workload}`,
    requestsPerSecond: 60,
    tableRows: { ...conformanceTableRows, ...statement.tableRows },
    versions: [appVersion(table)],
    invariants: [],
    steps,
  }
}

/** What one side did in one cell, in terms both sides can be compared by. */
export interface CellObservation {
  /** How the statement ended: `ok`, or its SQLSTATE; `running` if it had not ended by the step's end. */
  statement: string
  /** For requests of each kind that arrived during the statement's step. */
  requests: Record<RequestKind, RequestVerdict>
  /** The schema when everything had ended: relations, columns, constraints, index validity. */
  schema: string[]
  /**
   * For requests of each kind that waited: whom they queued behind, by session (`migration`,
   * `front`, `statement`), as pg_blocking_pids named them on the server; other app requests
   * are left out.
   */
  blockedBy: Record<RequestKind, string[]>
  /** The simulator's own word that it cannot represent what happened, and why. */
  notModelled?: string
}

/** A wait on the real server, as its lock monitor saw it (lib/real-server/lock-wait-monitor.ts). */
export interface ServerWait {
  label: string
  query: string
  blockedBy: string[]
  fromUs: number
  untilUs: number
}

/** `free` (no request waited), `waits` (one waited on a lock or timed out), or `fails CODE`. */
export type RequestVerdict = 'free' | 'waits' | `fails ${string}`

/**
 * A wait shorter than this is work, not a queue: a modelled scan of a few hundred ms, or the
 * real server's own overheads, which the time scale multiplies. Every wait a cell is built to
 * show lasts 600 ms or more.
 */
export const waitThresholdMs = 400

/** Reads a run's record of one cell: the statement's outcome and what its requests met. */
export function observeRun(
  run: RunRecord,
  scenario: SimScenario,
  schema: string[],
  {
    notModelled,
    serverWaits,
  }: {
    notModelled?: string | undefined
    /** The server's waits, whose blockers stand in for the records' (the simulator names them there). */
    serverWaits?: readonly ServerWait[]
  } = {},
): CellObservation {
  const stepIndex = scenario.steps.findIndex((candidate) => candidate.id === statementStepId)
  const result = run.actions[stepIndex]?.result
  const statement = result === undefined ? 'running' : result.ok ? 'ok' : result.error.code
  const requests = Object.fromEntries(
    requestKinds.map((kind) => [
      kind,
      verdictOf(run.records.filter((record) => record.step === stepIndex && record.endpoint === kind)),
    ]),
  ) as Record<RequestKind, RequestVerdict>
  const fromUs = run.stepStartsUs[stepIndex] ?? 0
  const untilUs = run.stepStartsUs[stepIndex + 1] ?? Infinity
  const sqlOf = new Map(scenario.versions[0]?.endpoints.map((endpoint) => [endpoint.name, endpoint.sql]))
  const blockedBy = Object.fromEntries(
    requestKinds.map((kind) => {
      const labels = serverWaits
        ? serverWaits
            .filter(
              (wait) =>
                wait.label.startsWith('app') &&
                wait.query === sqlOf.get(kind) &&
                wait.untilUs - wait.fromUs >= waitThresholdMs * 1000 &&
                wait.fromUs < untilUs &&
                wait.untilUs > fromUs,
            )
            .flatMap((wait) => wait.blockedBy)
        : run.records
            .filter(
              (record) =>
                record.step === stepIndex &&
                record.endpoint === kind &&
                record.lockWaitUs >= waitThresholdMs * 1000,
            )
            .flatMap((record) => record.blockedBy ?? [])
      // one app request behind another (a relation's extension lock, a row two of them update)
      // is incidental at this scale, and the simulator does not model the first
      const sessions = labels.map(sessionName).filter((name) => name !== 'app')
      return [kind, [...new Set(sessions)].sort()]
    }),
  ) as Record<RequestKind, string[]>
  return { statement, requests, schema, blockedBy, ...(notModelled !== undefined && { notModelled }) }
}

// `session front` and `app #3` on the server are `front` and `app` in the simulator
function sessionName(label: string): string {
  return label.replace(/^session /, '').replace(/ #\d+$/, '')
}

function verdictOf(records: RequestRecord[]): RequestVerdict {
  const failed = records.find((record) => record.outcome === 'error')
  if (failed) return `fails ${failed.code ?? '?'}`
  const waited = records.some(
    (record) => record.outcome === 'timeout' || record.lockWaitUs >= waitThresholdMs * 1000,
  )
  return waited ? 'waits' : 'free'
}

/**
 * The schema as one line per fact, on either side: what a statement left behind, INVALID
 * indexes and NOT VALID constraints included. NOT NULL constraints show as the column's flag.
 */
export const schemaFingerprintSql = `
select 'relation ' || c.relname || ' ' || c.relkind::text
       || case when i.indisvalid = false then ' INVALID' else '' end
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_index i on i.indexrelid = c.oid
where n.nspname = 'public'
union all
select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || case when a.attnotnull then ' not null' else '' end
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'm')
union all
select 'constraint ' || c.conname || case when c.convalidated then '' else ' NOT VALID' end
from pg_constraint c
join pg_namespace n on n.oid = c.connamespace
where n.nspname = 'public' and c.contype <> 'n'
union all
select 'trigger ' || t.tgname from pg_trigger t where not t.tgisinternal
union all
select 'policy ' || polname from pg_policy
union all
select 'enum ' || e.enumlabel from pg_enum e
order by 1`
