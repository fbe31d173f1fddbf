import { rowLockOfKeyedWrite, writesRows, type RelationLock } from '../engine'
import { appStatementMicros } from './cost-model'
import type { RequestAccess, RequestOutcome, RequestRecord } from './event-log'
import { tablesNamedBy } from './failed-statement-locks'
import { acquireAll, watchForDeadlock } from './lock-waits'
import type { AppVersion, Endpoint } from './model'
import type { RandomStream } from './random'
import { generateParam } from './request-params'
import { connectionFailure, terminatedByAdministrator } from './simulated-errors'
import { microsPerMs, type SimulationState } from './simulation-state'

/** A deployed (or not) app version: its share of traffic, its pool and its arrival stream. */
export interface VersionState {
  version: AppVersion
  share: number
  isRunning: boolean
  connections: Connection[]
  waitingForConnection: Request[]
  random: RandomStream
  totalWeight: number
  arrivalToken: number
  sequence: number
  /**
   * An operator terminated one of its idle connections: the app's pool does not know yet, and
   * the next request it sends finds the connection gone (57P01) before the pool is recycled.
   */
  hasTerminatedConnection: boolean
}

/** One connection of a version's pool, and the request it serves if any. */
export interface Connection {
  owner: number
  request?: Request
  isIdleInTransaction: boolean
  /** Virtual µs when it went idle in transaction, and the read that left it so. */
  idleSinceUs: number
  lastSql: string
}

/** A request in flight: queued for a connection, taking its locks, running, or answered. */
export interface Request {
  id: number
  state: VersionState
  endpoint: Endpoint
  params: unknown[]
  arrivedUs: number
  lockWaitStartUs?: number
  lockWaitUs: number
  /**
   * Its statement takes only ACCESS SHARE, as the lock probe found: what the cost model and a
   * leaked read transaction go by. Whether it counts as a read or a write is `accessOf`'s.
   */
  isRead: boolean
  phase: 'queued' | 'locking' | 'running' | 'done'
  connection?: Connection
  result?: { ok: true; isRead: boolean } | { ok: false; code: string; message: string }
  /** Whom it queued behind when it began to wait. */
  blockedBy?: string[]
  onDone?: (record: RequestRecord) => void
}

/** The locks a statement text takes, probed once. */
export interface StatementLocks {
  locks: RelationLock[]
  isRead: boolean
}

const connectFailureUs = 1000

/** Sends one request of a version: it waits for a free connection, or fails at once while the database is down. */
export async function sendRequest(
  sim: SimulationState,
  state: VersionState,
  endpoint: Endpoint,
  onDone?: (record: RequestRecord) => void,
): Promise<void> {
  const request: Request = {
    id: sim.nextRequestId++,
    state,
    endpoint,
    params: endpoint.params.map((generator) => generateParam(generator, state)),
    arrivedUs: sim.nowUs,
    lockWaitUs: 0,
    isRead: true,
    phase: 'queued',
    onDone,
  }
  if (sim.databaseState === 'down') {
    sim.at(connectFailureUs, { kind: 'timer', fire: () => answerWithoutDatabase(sim, request) })
    return
  }
  sim.at(state.version.timeoutMs * microsPerMs, { kind: 'timeout', request })
  const free = state.connections.find((connection) => !connection.request)
  if (free) return startOnConnection(sim, request, free)
  state.waitingForConnection.push(request)
}

async function startOnConnection(
  sim: SimulationState,
  request: Request,
  connection: Connection,
): Promise<void> {
  connection.request = request
  request.connection = connection
  request.phase = 'locking'
  if (sim.databaseState !== 'hanging') return sendOnConnection(sim, request, connection)
  // the statement goes out and nothing comes back: it goes on once the database answers again
  giveUpAfterNetworkTimeout(sim, request)
  sim.at(0, { kind: 'call', fire: () => sendOnConnection(sim, request, connection) })
}

async function sendOnConnection(
  sim: SimulationState,
  request: Request,
  connection: Connection,
): Promise<void> {
  // the app gave up on it, or a stop answered it, while the database did not answer
  if (request.phase !== 'locking' || connection.request !== request) return
  // an app without a pre-ping (SQLAlchemy's default) learns of a terminated connection by
  // using it: that request fails, and the pool is recycled (measured on a real server)
  if (request.state.hasTerminatedConnection) {
    request.state.hasTerminatedConnection = false
    sim.at(connectFailureUs, {
      kind: 'call',
      fire: async () => {
        if (request.phase !== 'locking') return
        const terminated = terminatedByAdministrator()
        answer(sim, request, 'error', terminated.code, terminated.message)
        await freeConnection(sim, request)
      },
    })
    return
  }
  const { locks, isRead } = await locksOfStatement(sim, request.endpoint.sql, request.params)
  if (request.phase !== 'locking') return
  request.isRead = isRead
  request.lockWaitStartUs = sim.nowUs
  // an UPDATE or DELETE by key locks its row: it waits for a transaction that holds it
  const row = rowLockOfKeyedWrite(request.endpoint.sql, request.params)
  acquireAll(sim, connection.owner, locks, () => sim.at(0, { kind: 'granted', request }), row ? [row] : [])
  if (sim.locks.isWaiting(connection.owner))
    request.blockedBy = labelsOf(sim, sim.locks.blockersOf(connection.owner))
  watchForDeadlock(sim, connection.owner)
}

/** Its locks granted, the request's statement runs for real; its answer comes after its modelled cost. */
export async function execute(sim: SimulationState, request: Request): Promise<void> {
  if (request.phase !== 'locking' || sim.databaseState === 'down') return
  request.phase = 'running'
  request.lockWaitUs = sim.nowUs - (request.lockWaitStartUs ?? sim.nowUs)
  const result = await sim.database.query(request.endpoint.sql, request.params)
  if (request.phase !== 'running') return
  request.result = result.ok
    ? { ok: true, isRead: request.isRead }
    : { ok: false, code: result.error.code, message: result.error.message }
  sim.at(appStatementMicros(request.endpoint.costMs, !request.isRead), { kind: 'finish', request })
}

/** Answers a request that ran, releasing its locks unless the app leaves its read idle in transaction. */
export async function finish(sim: SimulationState, request: Request): Promise<void> {
  if (request.phase !== 'running' || !request.result) return
  const connection = request.connection
  const keepsTransaction =
    request.result.ok &&
    request.result.isRead &&
    request.state.version.idleInTransactionAfterReads &&
    request.state.isRunning
  if (connection) {
    if (keepsTransaction && !connection.isIdleInTransaction) connection.idleSinceUs = sim.nowUs
    connection.isIdleInTransaction = keepsTransaction
    connection.lastSql = request.endpoint.sql
    if (!keepsTransaction) sim.locks.releaseAll(connection.owner)
  }
  if (request.result.ok) answer(sim, request, 'ok')
  else answer(sim, request, 'error', request.result.code, request.result.message)
  await freeConnection(sim, request)
}

/**
 * The app's timeout: a request still queued, waiting for its locks, or waiting for a database
 * that does not answer gives up.
 */
export async function timeOut(sim: SimulationState, request: Request): Promise<void> {
  if (request.phase === 'done') return
  // a statement that ran answers within its modelled cost, unless the database hangs before it does
  const isHanging = sim.databaseState === 'hanging'
  if (request.phase === 'running' && !isHanging) return
  if (request.phase === 'queued') {
    const waiting = request.state.waitingForConnection
    waiting.splice(waiting.indexOf(request), 1)
  } else if (request.connection) {
    // the app cancels the statement: its transaction ends, and what it held goes with it
    request.lockWaitUs = sim.nowUs - (request.lockWaitStartUs ?? sim.nowUs)
    request.connection.isIdleInTransaction = false
    sim.locks.releaseAll(request.connection.owner)
  }
  const waitedFor =
    request.phase === 'queued'
      ? 'a free connection in its pool'
      : isHanging
        ? 'the database, which did not answer'
        : 'its locks'
  answer(
    sim,
    request,
    'timeout',
    undefined,
    `no answer within ${request.state.version.timeoutMs} ms: it waited for ${waitedFor}`,
  )
  await freeConnection(sim, request)
}

/**
 * While the database hangs, a version with a network timeout gives up on a request after it:
 * the driver drops the connection with a connection error (08006), and the fallback answers
 * if the version has one. A hang that ended first leaves the request to its answer.
 */
export function giveUpAfterNetworkTimeout(sim: SimulationState, request: Request): void {
  const timeoutMs = request.state.version.networkTimeoutMs
  if (timeoutMs === undefined) return
  const hang = sim.databaseChanges
  sim.at(timeoutMs * microsPerMs, {
    kind: 'timer',
    fire: async () => {
      if (request.phase === 'done' || sim.databaseChanges !== hang) return
      const connection = request.connection
      if (connection) {
        // its transaction ends with the connection, once the server notices it gone
        connection.isIdleInTransaction = false
        sim.locks.releaseAll(connection.owner)
      }
      answerWithoutDatabase(sim, request)
      await freeConnection(sim, request)
    },
  })
}

/** Gives the request's connection to the next request waiting for one. */
export async function freeConnection(sim: SimulationState, request: Request): Promise<void> {
  const connection = request.connection
  if (!connection || connection.request !== request) return
  connection.request = undefined
  const state = request.state
  const next = state.waitingForConnection.shift()
  if (next) await startOnConnection(sim, next, connection)
}

/** Answers a request the database cannot serve: the static fallback, or 08006. */
export function answerWithoutDatabase(sim: SimulationState, request: Request): void {
  if (request.phase === 'done') return
  if (request.state.version.whenDatabaseDown === 'fallback') answer(sim, request, 'degraded')
  else answer(sim, request, 'error', '08006', connectionFailure().message)
}

/** Ends a request: its record is kept and logged, and whoever sent it hears. */
export function answer(
  sim: SimulationState,
  request: Request,
  outcome: RequestOutcome,
  code?: string,
  message?: string,
): void {
  request.phase = 'done'
  const record: RequestRecord = {
    id: request.id,
    version: request.state.version.id,
    endpoint: request.endpoint.name,
    access: accessOf(request.endpoint),
    arrivedUs: request.arrivedUs,
    endedUs: sim.nowUs,
    outcome,
    ...(code !== undefined && { code }),
    ...(message !== undefined && { message }),
    lockWaitUs: request.lockWaitUs,
    ...(request.blockedBy && request.lockWaitUs > 0 && { blockedBy: request.blockedBy }),
    step: stepOf(sim, request.arrivedUs),
  }
  sim.records.push(record)
  sim.log({ type: 'request', ...record })
  request.onDone?.(record)
}

// an endpoint's SQL never changes, and requests are many: each is read once
const accessByEndpoint = new WeakMap<Endpoint, RequestAccess>()

/** Whether an endpoint's requests read rows or write them, by its SQL, whatever becomes of each. */
export function accessOf(endpoint: Endpoint): RequestAccess {
  let access = accessByEndpoint.get(endpoint)
  if (access === undefined) {
    access = writesRows(endpoint.sql) ? 'write' : 'read'
    accessByEndpoint.set(endpoint, access)
  }
  return access
}

function stepOf(sim: SimulationState, atUs: number): number {
  let step = sim.stepStartsUs.length - 1
  while (step > 0 && sim.stepStartsUs[step] > atUs) step -= 1
  return step
}

// Each distinct statement text is probed once (the eugene technique); a migration may change
// the locks a statement takes, so a committed migration forgets them all.
async function locksOfStatement(
  sim: SimulationState,
  sql: string,
  params: unknown[],
): Promise<StatementLocks> {
  const known = sim.statementLocks.get(sql)
  if (known) return known
  const probe = await sim.database.probeTransaction([{ sql, params }])
  const locks = probe.ok ? probe.statements[0].locks : await locksOfFailedStatement(sim, sql)
  const found = { locks, isRead: locks.every((lock) => lock.mode === 'AccessShareLock') }
  sim.statementLocks.set(sql, found)
  return found
}

// A statement Postgres refuses still locks the tables it names before it fails: old code
// reading a renamed column waits behind a migration's lock first, then gets its 42703.
async function locksOfFailedStatement(sim: SimulationState, sql: string): Promise<RelationLock[]> {
  const locks: RelationLock[] = []
  for (const { name, mode } of tablesNamedBy(sql)) {
    const found = await sim.database.query('select to_regclass($1)::text', [name])
    const relation = found.ok ? found.rows[0]?.[0] : null
    if (relation) locks.push({ relation, kind: 'table', mode })
  }
  return locks
}

/** Sessions by the names a person knows them by: an operator's label, `console`, or `app`. */
/** Owners as the session names a wait is recorded by: an operator's label, `console`, or `app`. */
export function labelsOf(sim: SimulationState, owners: number[]): string[] {
  const labels = owners.map((owner) => {
    for (const run of sim.operatorRuns) if (run.owner === owner) return run.label
    if (sim.console?.owner === owner) return 'console'
    return 'app'
  })
  return [...new Set(labels)].sort()
}
