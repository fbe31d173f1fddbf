import type { PgError } from '../engine'
import { cancelConsole, failConsoleStatement, terminateConsole } from './console-connection'
import type { OperatorResult } from './event-log'
import type { OwnerLocks } from './lock-manager'
import { commitPart, currentSql, endRun, failRun, type OperatorRun } from './operator-run'
import { answer, freeConnection } from './request-lifecycle'
import { terminatedByAdministrator } from './simulated-errors'
import type { SimulationState } from './simulation-state'

/** One session of the simulation, as `pg_stat_activity` and `pg_locks` would show it. */
export interface SessionSnapshot {
  owner: number
  kind: 'app' | 'migration' | 'session' | 'console'
  label: string
  state: 'active' | 'waiting' | 'idle in transaction' | 'idle in transaction (aborted)'
  sql: string
  /** Virtual µs when it entered its state. */
  sinceUs: number
  locks: OwnerLocks['locks']
  blockedBy: number[]
}

/** A session as the page and the console show it: `sinceUs` in virtual ms. */
export type SessionView = Omit<SessionSnapshot, 'sinceUs'> & {
  /** Virtual ms when it entered its state. */
  sinceMs: number
}

/**
 * Ends one session as `pg_terminate_backend` would (pgAdmin's "clear lock"): its
 * transaction rolls back, its locks go, a request in flight gets 57P01 and a migration
 * fails with it. Returns whether there was such a session.
 */
export function terminate(sim: SimulationState, owner: number): boolean {
  const terminated = terminatedByAdministrator()
  const session = sim.console
  if (session && session.owner === owner) return terminateConsole(sim, session)
  for (const state of sim.versions.values()) {
    const connection = state.connections.find((candidate) => candidate.owner === owner)
    if (!connection) continue
    const request = connection.request
    // a stopped version's pool holds no backends; a running one's idle connection ends too, and
    // the pool finds out with its next request (57P01)
    if (!request && !connection.isIdleInTransaction && !state.isRunning) return false
    connection.isIdleInTransaction = false
    if (!request) state.hasTerminatedConnection = true
    sim.locks.releaseAll(owner)
    sim.log({
      type: 'statement',
      atUs: sim.nowUs,
      session: `${state.version.id} #${owner}`,
      sql: '',
      state: 'terminated',
    })
    if (request && request.phase !== 'done') {
      answer(sim, request, 'error', terminated.code, terminated.message)
      void freeConnection(sim, request)
    }
    return true
  }
  for (const run of sim.operatorRuns) {
    if (run.owner !== owner) continue
    endRun(sim, run, 'terminated', { ok: false, error: terminated, statement: currentSql(run) })
    return true
  }
  return false
}

/**
 * Cancels the statement a session is running or waiting in, as `pg_cancel_backend` does: it
 * fails with 57014 and its transaction aborts; a session idle in its transaction keeps it.
 * Returns whether there was a statement to cancel.
 */
export function cancelBackend(sim: SimulationState, owner: number): boolean {
  const cancelled: PgError = { code: '57014', message: 'canceling statement due to user request' }
  if (sim.console?.owner === owner) return cancelConsole(sim)
  for (const state of sim.versions.values()) {
    const connection = state.connections.find((candidate) => candidate.owner === owner)
    if (!connection) continue
    const request = connection.request
    // a request past its lock wait has run in PGlite already: the cancel comes too late for it
    if (request?.phase !== 'locking') return false
    request.lockWaitUs = sim.nowUs - (request.lockWaitStartUs ?? sim.nowUs)
    connection.isIdleInTransaction = false
    sim.locks.releaseAll(owner)
    answer(sim, request, 'error', cancelled.code, cancelled.message)
    void freeConnection(sim, request)
    return true
  }
  for (const run of sim.operatorRuns) {
    if (run.owner !== owner || run.isHolding) continue
    failRun(sim, run, cancelled, currentSql(run))
    return true
  }
  return false
}

/**
 * Ends the session a deadlock check found in a cycle: its own statement fails with 40P01 and
 * its transaction's locks go (docs: "Deadlocks"; measured: the first to wait is the one ended).
 */
export function endDeadlocked(sim: SimulationState, owner: number): void {
  const deadlock: PgError = { code: '40P01', message: 'deadlock detected' }
  for (const state of sim.versions.values()) {
    const connection = state.connections.find((candidate) => candidate.owner === owner)
    const request = connection?.request
    if (!connection || !request || request.phase !== 'locking') continue
    request.lockWaitUs = sim.nowUs - (request.lockWaitStartUs ?? sim.nowUs)
    connection.isIdleInTransaction = false
    sim.locks.releaseAll(owner)
    answer(sim, request, 'error', deadlock.code, deadlock.message)
    void freeConnection(sim, request)
    return
  }
  for (const run of sim.operatorRuns) {
    if (run.owner === owner) return failRun(sim, run, deadlock, currentSql(run))
  }
  if (sim.console?.owner === owner) failConsoleStatement(sim, sim.console, deadlock)
}

/**
 * Every session holding or waiting for a lock, or idle in transaction, as
 * `pg_stat_activity` joined with `pg_locks` would list it.
 */
export function listSessions(sim: SimulationState): SessionSnapshot[] {
  const described = sim.locks.describe()
  const sessions: SessionSnapshot[] = []
  const locksOf = (owner: number) => described.get(owner) ?? { locks: [], blockedBy: [] }
  for (const state of sim.versions.values()) {
    for (const connection of state.connections) {
      const request = connection.request
      const { locks, blockedBy } = locksOf(connection.owner)
      if (!request && !connection.isIdleInTransaction) continue
      if (request && request.phase !== 'locking' && request.phase !== 'running') continue
      const isWaiting = locks.some((lock) => !lock.granted)
      sessions.push({
        owner: connection.owner,
        kind: 'app',
        label: request ? `${state.version.label} · ${request.endpoint.name}` : state.version.label,
        state: request ? (isWaiting ? 'waiting' : 'active') : 'idle in transaction',
        sql: request ? request.endpoint.sql : connection.lastSql,
        sinceUs: request ? (request.lockWaitStartUs ?? request.arrivedUs) : connection.idleSinceUs,
        locks,
        blockedBy,
      })
    }
  }
  const session = sim.console
  if (session && !session.autocommit && (session.pending || session.transaction !== 'idle')) {
    const { locks, blockedBy } = locksOf(session.owner)
    sessions.push({
      owner: session.owner,
      kind: 'console',
      label: 'console',
      state: session.pending?.isWaitingForLock
        ? 'waiting'
        : session.pending
          ? 'active'
          : session.transaction === 'failed'
            ? 'idle in transaction (aborted)'
            : 'idle in transaction',
      sql: session.lastSql,
      sinceUs: session.sinceUs,
      locks,
      blockedBy,
    })
  }
  for (const run of sim.operatorRuns) {
    const { locks, blockedBy } = locksOf(run.owner)
    sessions.push({
      owner: run.owner,
      kind: run.label === 'migration' ? 'migration' : run.holdOpen ? 'session' : 'console',
      label: run.label,
      state: run.isWaitingForLock ? 'waiting' : run.isHolding ? 'idle in transaction' : 'active',
      // idle in its transaction, a session shows its last statement, as pg_stat_activity does
      sql: run.isHolding ? lastSqlOf(run) : currentSql(run),
      sinceUs: run.stateSinceUs,
      locks,
      blockedBy,
    })
  }
  return sessions
}

function lastSqlOf(run: OperatorRun): string {
  const part = run.parts[run.partIndex]
  return part?.kind === 'transaction' ? (part.statements.at(-1) ?? '') : ''
}

/** Terminates every app connection idle in transaction and every held session. */
export function terminateIdle(sim: SimulationState): void {
  for (const state of sim.versions.values()) {
    for (const connection of state.connections) {
      if (!connection.isIdleInTransaction) continue
      connection.isIdleInTransaction = false
      state.hasTerminatedConnection = true
      sim.locks.releaseAll(connection.owner)
    }
  }
  for (const [name, run] of sim.sessions) {
    endRun(sim, run, 'terminated')
    sim.sessions.delete(name)
  }
}

/** Ends a held session by name: it commits what it ran, or is terminated. */
export function endSession(
  sim: SimulationState,
  name: string,
  how: 'commit' | 'terminate',
  settle: (result: OperatorResult) => void,
): void {
  const run = sim.sessions.get(name)
  if (!run) return settle({ ok: false, error: { code: '08003', message: `no open session named ${name}` } })
  sim.sessions.delete(name)
  if (how === 'terminate') {
    endRun(sim, run, 'terminated')
    return settle({ ok: true })
  }
  run.holdOpen = false
  run.onSettled = settle
  sim.at(0, { kind: 'call', fire: () => commitPart(sim, run) })
}
