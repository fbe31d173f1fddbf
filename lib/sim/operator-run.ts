import {
  commandTagOf,
  isTransactionBlockOnly,
  withoutSleeps,
  type IsolationLevel,
  type PgError,
  type ProbedStatement,
  type RunResult,
} from '../engine'
import {
  probeInSimulation,
  readsSimulatedCatalog,
  runInSimulation,
  signalCatalogRequests,
  withVisibleNotices,
} from './catalog'
import { migrationStatementMicros } from './cost-model'
import type { OperatorResult } from './event-log'
import { labelsOf } from './request-lifecycle'
import { locksBeforeFailing } from './failed-statement-locks'
import { notModelledReasonOf } from './not-modelled'
import { acquireAll, watchForDeadlock } from './lock-waits'
import type { RetryPolicy } from './model'
import { parseOperatorScript, type ScriptPart } from './operator-script'
import { startPhases } from './phase-run'
import { leaveBehind, type Leftover, type Phase } from './phased-statements'
import { connectionFailure } from './simulated-errors'
import { microsPerMs, type SimulationState } from './simulation-state'

/** An operator's script (a migration, a held session, learner SQL) running statement by statement. */
export interface OperatorRun {
  owner: number
  label: string
  parts: ScriptPart[]
  partIndex: number
  retry?: RetryPolicy
  attempt: number
  lockTimeoutMs?: number
  statementTimeoutMs?: number
  /** Keep the last transaction open, holding its locks, instead of committing it. */
  holdOpen: boolean
  probe?: { statements: ProbedStatement[]; failedIndex?: number; error?: PgError }
  statementIndex: number
  statementStartUs: number
  /** Numbers each statement attempt, so a stale timer or grant for an earlier one is ignored. */
  statementSerial: number
  isWaitingForLock: boolean
  /** Virtual µs when the run entered its current state (waiting, running, idle). */
  stateSinceUs: number
  /** A held session that ran its SQL and now sits idle in its transaction. */
  isHolding: boolean
  /** The isolation level of the transaction it is in. */
  isolation: IsolationLevel
  /** A statement that cannot run in a transaction block, as its phases (lib/sim/phase-run.ts). */
  phases?: Phase[]
  phaseIndex?: number
  /** Numbers each wait of a phased statement, so a stale lock_timeout is ignored. */
  waitSerial?: number
  /** What a phased statement that fails from here on leaves behind: it committed it already. */
  leftover?: Leftover
  /** The session's timeouts before the current transaction's SET LOCALs. */
  sessionTimeouts?: { lockMs?: number; statementMs?: number }
  isEnded: boolean
  /** What the last transaction that committed returned from its last statement. */
  last?: RunResult
  onSettled: (result: OperatorResult) => void
}

type TransactionPart = Extract<ScriptPart, { kind: 'transaction' }>

/** Starts an operator's script as its own session; a script that does not parse settles at once with 42601. */
export function startOperatorRun(
  sim: SimulationState,
  sql: string,
  label: string,
  retry: RetryPolicy | undefined,
  holdOpen: boolean,
  onSettled: (result: OperatorResult) => void,
): OperatorRun | undefined {
  // a held session is one open transaction: BEGIN is implied, and it never commits by itself
  const parsed = parseOperatorScript(holdOpen ? `begin;\n${sql}\n;commit` : sql)
  if (!parsed.ok) {
    onSettled({ ok: false, error: { code: '42601', message: parsed.problem.message } })
    return undefined
  }
  if (sim.databaseState === 'down') {
    onSettled({ ok: false, error: connectionFailure() })
    return undefined
  }
  const run: OperatorRun = {
    owner: sim.nextOwner++,
    label,
    parts: parsed.parts,
    partIndex: 0,
    retry,
    attempt: 1,
    holdOpen,
    statementIndex: 0,
    statementStartUs: sim.nowUs,
    statementSerial: 0,
    isWaitingForLock: false,
    stateSinceUs: sim.nowUs,
    isHolding: false,
    isolation: 'read committed',
    isEnded: false,
    onSettled,
  }
  sim.operatorRuns.add(run)
  if (holdOpen) sim.sessions.set(label, run)
  sim.at(0, { kind: 'run part', run })
  return run
}

/** Runs the script's next part: a session setting, or a transaction probed for its locks. */
export async function runPart(sim: SimulationState, run: OperatorRun): Promise<void> {
  if (run.isEnded) return
  const part = run.parts[run.partIndex]
  if (!part) return endRun(sim, run, 'committed', { ok: true, ...(run.last && { last: run.last }) })
  if (part.kind === 'setting') {
    if (part.name === 'lock_timeout') run.lockTimeoutMs = part.ms
    else run.statementTimeoutMs = part.ms
    run.partIndex += 1
    return runPart(sim, run)
  }
  // the session's own timeouts come back when this transaction ends, whatever SET LOCAL did
  run.sessionTimeouts = { lockMs: run.lockTimeoutMs, statementMs: run.statementTimeoutMs }
  for (const setting of part.localSettings ?? []) {
    if (setting.name === 'lock_timeout') run.lockTimeoutMs = setting.ms
    else run.statementTimeoutMs = setting.ms
  }
  run.isolation = part.isolation ?? 'read committed'
  if (part.runsOutsideTransaction) return startPhases(sim, run, part)
  run.probe = await probePart(sim, run, part)
  run.statementIndex = 0
  nextStatement(sim, run)
}

async function probePart(
  sim: SimulationState,
  run: OperatorRun,
  part: TransactionPart,
): Promise<OperatorRun['probe']> {
  // the probe runs it in a block, where it is allowed: alone, Postgres refuses it before it locks
  if (!part.isBlock && isTransactionBlockOnly(part.statements[0])) {
    const message = `${commandTagOf(part.statements[0])} TABLE can only be used in transaction blocks`
    return { statements: [], failedIndex: 0, error: { code: '25P01', message } }
  }
  // pg_sleep is modelled time: PGlite runs the statement without it
  const probe = await probeInSimulation(
    sim,
    run.owner,
    part.statements.map((sql) => ({ sql: withoutSleeps(sql) })),
  )
  // pg_terminate_backend and pg_cancel_backend act as the transaction starts, not at its commit
  for (const statement of probe.statements) signalCatalogRequests(sim, statement.notices)
  return probe.ok ? { statements: probe.statements } : probe
}

/**
 * Takes the statement's locks (waiting in the queues if it must), then lets its modelled
 * duration pass; the last statement of a transaction leads to its commit.
 */
export function nextStatement(sim: SimulationState, run: OperatorRun): void {
  const part = run.parts[run.partIndex]
  if (part.kind !== 'transaction' || !run.probe) return
  if (run.statementIndex === part.statements.length) {
    if (run.holdOpen && run.partIndex === run.parts.length - 1) {
      run.stateSinceUs = sim.nowUs
      run.isHolding = true
      sim.log({
        type: 'statement',
        atUs: sim.nowUs,
        session: run.label,
        sql: part.statements.join('; '),
        state: 'holding',
      })
      return run.onSettled({ ok: true })
    }
    sim.at(0, { kind: 'call', fire: () => commitPart(sim, run) })
    return
  }
  const sql = part.statements[run.statementIndex]
  const serial = ++run.statementSerial
  const unmodelled = notModelledReasonOf(sql)
  if (unmodelled)
    sim.log({ type: 'not modelled', atUs: sim.nowUs, session: run.label, sql, reason: unmodelled })
  run.statementStartUs = sim.nowUs
  run.stateSinceUs = sim.nowUs
  run.isWaitingForLock = true
  let isInsideAcquire = true
  let isGrantedAtOnce = false
  // a statement Postgres will refuse still queues for its lock first, and fails once granted
  const refusal = refusalOf(run)
  const probed = refusal ? undefined : run.probe.statements[run.statementIndex]
  const locks = probed
    ? probed.locks
    : refusal && failsBeforeLocking(refusal)
      ? []
      : locksBeforeFailing(sql).map(({ name, mode }) => ({ relation: name, kind: 'table', mode }))
  const onReady = () => {
    if (isInsideAcquire) isGrantedAtOnce = true
    else sim.at(0, { kind: 'statement granted', run, serial })
  }
  acquireAll(sim, run.owner, locks, onReady, probed?.rowLocks)
  isInsideAcquire = false
  if (run.statementTimeoutMs !== undefined) {
    sim.at(run.statementTimeoutMs * microsPerMs, { kind: 'statement timeout', run, serial })
  }
  if (isGrantedAtOnce) return runStatement(sim, run)
  watchForDeadlock(sim, run.owner)
  sim.log({ type: 'statement', atUs: sim.nowUs, session: run.label, sql, state: 'waiting' })
  recordOperatorWaitStart(sim, run)
  if (run.lockTimeoutMs !== undefined)
    sim.at(run.lockTimeoutMs * microsPerMs, { kind: 'lock timeout', run, serial })
}

// Parse analysis refuses these before it opens a table: a syntax error, a table or object that
// does not exist. Everything else (a missing column, NULLs in the way) is found under the lock.
function failsBeforeLocking(error: PgError): boolean {
  return error.code === '42601' || error.code === '42P01' || error.code === '42704'
}

// the error Postgres gave the statement the run is at when it was probed, if it refused it
function refusalOf(run: OperatorRun): PgError | undefined {
  return run.probe?.failedIndex === run.statementIndex ? run.probe.error : undefined
}

/** Its locks granted, the statement runs for its modelled duration, or fails as Postgres refused it. */
export function runStatement(sim: SimulationState, run: OperatorRun): void {
  const part = run.parts[run.partIndex]
  if (part.kind !== 'transaction' || !run.probe) return
  const sql = part.statements[run.statementIndex]
  const refusal = refusalOf(run)
  if (refusal) return failRun(sim, run, refusal, sql)
  run.isWaitingForLock = false
  run.stateSinceUs = sim.nowUs
  const waitedUs = sim.nowUs - run.statementStartUs
  recordOperatorWait(sim, waitedUs)
  const statement = run.probe.statements[run.statementIndex]
  const durationUs = migrationStatementMicros(sql, statement, (table) => sim.sizeOf(table))
  logGranted(sim, run, sql, waitedUs, durationUs)
  sim.at(durationUs, { kind: 'statement done', run, serial: run.statementSerial })
}

/**
 * Logs that a statement got its locks and will hold them `durationUs` (the cost model's answer,
 * which the real-server replay holds too).
 */
export function logGranted(
  sim: SimulationState,
  run: OperatorRun,
  sql: string,
  waitedUs: number,
  durationUs: number,
): void {
  sim.log({
    type: 'statement',
    atUs: sim.nowUs,
    session: run.label,
    sql,
    state: 'granted',
    waitedUs,
    durationUs,
  })
}

function restoreSessionTimeouts(run: OperatorRun): void {
  if (!run.sessionTimeouts) return
  run.lockTimeoutMs = run.sessionTimeouts.lockMs
  run.statementTimeoutMs = run.sessionTimeouts.statementMs
  run.sessionTimeouts = undefined
}

/** Notes that the run's statement began to wait, behind whom: a step's `waits` claim reads it. */
export function recordOperatorWaitStart(sim: SimulationState, run: OperatorRun): void {
  const blockedBy = labelsOf(sim, sim.locks.blockersOf(run.owner))
  sim.operatorWaits.push({ step: sim.stepIndex, session: run.label, blockedBy })
}

export function recordOperatorWait(sim: SimulationState, waitedUs: number): void {
  const step = sim.stepIndex
  sim.operatorLockWaitUs[step] = Math.max(sim.operatorLockWaitUs[step] ?? 0, waitedUs)
}

/** A lock_timeout or statement_timeout fires; a timer set for a statement that has since finished or failed does nothing. */
export function cancelStatement(
  sim: SimulationState,
  run: OperatorRun,
  serial: number,
  code: string,
  reason: string,
): void {
  if (!isCurrent(run, serial)) return
  failRun(sim, run, { code, message: `canceling statement due to ${reason}` }, currentSql(run))
}

/** Whether an event for statement attempt `serial` still concerns the run. */
export function isCurrent(run: OperatorRun, serial: number): boolean {
  return !run.isEnded && run.statementSerial === serial
}

/** The commit point: the transaction's SQL runs in PGlite now, all of it or none. */
export async function commitPart(sim: SimulationState, run: OperatorRun): Promise<void> {
  const part = run.parts[run.partIndex]
  if (run.isEnded || part.kind !== 'transaction') return
  const outcome = part.rolledBack ? undefined : await executeForReal(sim, part, run.owner)
  if (outcome && !outcome.ok) return failRun(sim, run, outcome.error, outcome.sql)
  if (outcome) run.last = withVisibleNotices(catalogAnswerOf(run, part) ?? outcome.last)
  sim.statementLocks.clear()
  sim.log({
    type: 'statement',
    atUs: sim.nowUs,
    session: run.label,
    sql: part.statements.join('; '),
    state: 'committed',
  })
  sim.locks.releaseAll(run.owner)
  run.phases = undefined
  run.leftover = undefined
  restoreSessionTimeouts(run)
  run.partIndex += 1
  run.probe = undefined
  run.attempt = 1
  sim.at(0, { kind: 'run part', run })
}

// A statement that read the simulated catalog answers as it ran, in its probe: by its commit a
// session it terminated is gone, and reading the catalog again would not show it.
function catalogAnswerOf(run: OperatorRun, part: TransactionPart): RunResult | undefined {
  const probed = run.probe?.statements.at(-1)
  const last = part.statements.at(-1)
  if (!probed || last === undefined || !readsSimulatedCatalog(last)) return undefined
  const { command, fields, rows, rowCount, notices } = probed
  return { ok: true, command, fields, rows, rowCount, durationMs: 0, ...(notices && { notices }) }
}

/**
 * Runs a transaction's statements in the database, all or none, as session `owner`; the
 * failing statement comes back.
 */
export async function executeForReal(
  sim: SimulationState,
  part: TransactionPart,
  owner?: number,
): Promise<{ ok: true; last: RunResult } | { ok: false; error: PgError; sql: string }> {
  if (!part.isBlock) {
    const result = await runInSimulation(sim, owner, withoutSleeps(part.statements[0]))
    return result.ok
      ? { ok: true, last: result }
      : { ok: false, error: result.error, sql: part.statements[0] }
  }
  await sim.database.run('begin')
  let last: RunResult | undefined
  for (const sql of part.statements) {
    last = await runInSimulation(sim, owner, withoutSleeps(sql))
    if (!last.ok) {
      await sim.database.run('rollback')
      return { ok: false, error: last.error, sql }
    }
  }
  const committed = await sim.database.run('commit')
  if (!committed.ok) return { ok: false, error: committed.error, sql: 'commit' }
  return { ok: true, last: last ?? committed }
}

/** A statement failed: its transaction's locks go, and the run retries a lock timeout or ends. */
export function failRun(sim: SimulationState, run: OperatorRun, error: PgError, sql?: string): void {
  // a statement that gave up waiting (lock_timeout, a cancel) waited all that time too
  if (run.isWaitingForLock) recordOperatorWait(sim, sim.nowUs - run.statementStartUs)
  sim.locks.releaseAll(run.owner)
  restoreSessionTimeouts(run)
  const leftover = run.leftover
  run.leftover = undefined
  run.phases = undefined
  if (leftover) sim.at(0, { kind: 'call', fire: () => leaveBehind(sim, leftover) })
  run.statementSerial += 1
  run.isWaitingForLock = false
  sim.log({
    type: 'statement',
    atUs: sim.nowUs,
    session: run.label,
    sql: sql ?? '',
    state: 'failed',
    code: error.code,
  })
  const retry = run.retry
  if (error.code === '55P03' && retry && run.attempt < retry.attempts) {
    const backoffMs = retry.backoffMs * retry.factor ** (run.attempt - 1)
    run.attempt += 1
    run.probe = undefined
    sim.at(backoffMs * microsPerMs, { kind: 'run part', run })
    return
  }
  endRun(sim, run, 'failed', { ok: false, error, ...(sql !== undefined && { statement: sql }) })
}

/** Ends a run for good: its locks go, it leaves the sessions, and it settles with `result` if given. */
export function endRun(
  sim: SimulationState,
  run: OperatorRun,
  how: 'committed' | 'failed' | 'terminated',
  result?: OperatorResult,
): void {
  if (run.isEnded) return
  run.isEnded = true
  run.statementSerial += 1
  sim.locks.releaseAll(run.owner)
  // a concurrent build terminated past its catalog entry leaves it, INVALID, as a failure does
  const leftover = run.leftover
  run.leftover = undefined
  if (leftover && how !== 'committed') sim.at(0, { kind: 'call', fire: () => leaveBehind(sim, leftover) })
  sim.operatorRuns.delete(run)
  if (sim.sessions.get(run.label) === run) sim.sessions.delete(run.label)
  if (how === 'terminated') {
    sim.log({ type: 'statement', atUs: sim.nowUs, session: run.label, sql: '', state: 'terminated' })
  }
  if (result) run.onSettled(result)
}

/** The statement the run is at, or '' between transactions. */
export function currentSql(run: OperatorRun): string {
  const part = run.parts[run.partIndex]
  return part?.kind === 'transaction' ? (part.statements[run.statementIndex] ?? '') : ''
}
