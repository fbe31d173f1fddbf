import {
  commandTagOf,
  isolationLevelOf,
  normalizeStatement,
  transactionControlOf,
  withoutSleeps,
  type IsolationLevel,
  type PgError,
  type RunResult,
  type TransactionState,
} from '../engine'
import { probeInSimulation, signalCatalogRequests, withVisibleNotices } from './catalog'
import { migrationStatementMicros } from './cost-model'
import { acquireAll, watchForDeadlock } from './lock-waits'
import { notModelledReasonOf } from './not-modelled'
import { parseOperatorScript } from './operator-script'
import { endRun, executeForReal, failRun, startOperatorRun, type OperatorRun } from './operator-run'
import { busyConsole, connectionFailure, terminatedByAdministrator } from './simulated-errors'
import { microsPerMs, type SimulationState } from './simulation-state'

/** What a statement typed at the console returned, and where its session's transaction stands. */
export interface ConsoleAnswer {
  result: RunResult
  transaction: TransactionState
  /** Virtual µs from sending it to its answer: lock waits and its modelled duration. */
  elapsedUs: number
}

/**
 * The console's one session, as psql keeps one connection: autocommit, or a transaction
 * block held open across statements, its locks kept until COMMIT or ROLLBACK.
 */
export interface ConsoleConnection {
  owner: number
  transaction: TransactionState
  /** The open block's isolation level: BEGIN ISOLATION LEVEL, or SET TRANSACTION before any query. */
  isolation: IsolationLevel
  /** The block's statements so far; they run for real at COMMIT, all or none. */
  statements: string[]
  lockTimeoutMs?: number
  statementTimeoutMs?: number
  /** A statement waiting for its locks or running, and how to answer it. */
  pending?: { serial: number; sql: string; isWaitingForLock: boolean; answer: (result: RunResult) => void }
  /** An autocommit statement running as its own operator run. */
  autocommit?: OperatorRun
  serial: number
  sinceUs: number
  lastSql: string
  /** Terminated by an operator: the next statement learns its connection is gone. */
  wasTerminated: boolean
  /** A statement sent to a database that hangs, and whether Ctrl+C asked to cancel it meanwhile. */
  awaitingDatabase?: { isCancelled: boolean }
}

/**
 * Runs one statement typed at the console, in the console's own session, under the same
 * locks as the traffic. Outside a transaction it commits at once; after BEGIN each
 * statement takes its locks and keeps them, shows what it returns inside the transaction
 * (probed in a rolled-back one), and the block runs for real at COMMIT.
 */
export function runConsoleStatement(
  sim: SimulationState,
  sql: string,
  onAnswer: (answer: ConsoleAnswer) => void,
): void {
  sendConsoleStatement(sim, sql, onAnswer, sim.nowUs)
}

function sendConsoleStatement(
  sim: SimulationState,
  sql: string,
  onAnswer: (answer: ConsoleAnswer) => void,
  startedUs: number,
): void {
  const session = (sim.console ??= {
    owner: sim.nextOwner++,
    transaction: 'idle',
    isolation: 'read committed',
    statements: [],
    serial: 0,
    sinceUs: sim.nowUs,
    lastSql: '',
    wasTerminated: false,
  })
  const answer = (result: RunResult) =>
    onAnswer({ result, transaction: session.transaction, elapsedUs: sim.nowUs - startedUs })
  const fail = (error: PgError) => answer({ ok: false, error, durationMs: 0 })
  if (session.pending || session.autocommit || session.awaitingDatabase) return fail(busyConsole())
  if (session.wasTerminated) {
    session.wasTerminated = false
    return fail({ ...terminatedByAdministrator(), severity: 'FATAL' })
  }
  if (sim.databaseState === 'down') return fail(connectionFailure())
  if (sim.databaseState === 'hanging') {
    // psql sends it and waits, with no timeout of its own: it runs once the database answers
    // again, and a stop meanwhile fails it
    const awaiting = (session.awaitingDatabase = { isCancelled: false })
    sim.at(0, {
      kind: 'call',
      fire: () => {
        session.awaitingDatabase = undefined
        if (awaiting.isCancelled && sim.databaseState === 'up') return fail(cancelledByUser())
        sendConsoleStatement(sim, sql, onAnswer, startedUs)
      },
    })
    return
  }
  session.lastSql = sql
  session.sinceUs = sim.nowUs
  const control = transactionControlOf(sql)
  if (session.transaction === 'idle') {
    if (control === 'begin') {
      session.transaction = 'open'
      session.statements = []
      session.isolation = isolationLevelOf(sql) ?? 'read committed'
      return answer(commandOnly('BEGIN'))
    }
    return runConsoleAutocommit(sim, session, sql, answer, fail)
  }
  if (control === 'begin') return answer(commandOnly('BEGIN'))
  // before the block's first query it sets the block's level; after one, the probe shows
  // Postgres refusing it
  const isolation = isolationLevelOf(sql)
  // SET takes no snapshot, so SET LOCAL before it does not make it too late
  const hasQueried = session.statements.some((statement) => !/^set\b/.test(normalizeStatement(statement)))
  if (isolation && session.transaction === 'open' && !hasQueried) {
    session.isolation = isolation
    return answer(commandOnly('SET'))
  }
  if (control === 'rollback' || (control === 'commit' && session.transaction === 'failed')) {
    endConsoleTransaction(sim, session)
    return answer(commandOnly('ROLLBACK'))
  }
  if (control === 'commit') {
    const statements = session.statements
    sim.at(0, {
      kind: 'call',
      fire: async () => {
        // a COMMIT held back by a hang that ended in a stop never reached the server
        if (sim.databaseState === 'down') return fail(connectionFailure())
        const outcome =
          statements.length === 0
            ? undefined
            : await executeForReal(
                sim,
                {
                  kind: 'transaction',
                  statements,
                  isBlock: true,
                  runsOutsideTransaction: false,
                  rolledBack: false,
                },
                session.owner,
              )
        sim.statementLocks.clear()
        endConsoleTransaction(sim, session)
        if (outcome && !outcome.ok) return fail(outcome.error)
        sim.log({
          type: 'statement',
          atUs: sim.nowUs,
          session: 'console',
          sql: statements.join('; '),
          state: 'committed',
        })
        answer(commandOnly('COMMIT'))
      },
    })
    return
  }
  if (session.transaction === 'failed') {
    return fail({
      code: '25P02',
      message: 'current transaction is aborted, commands ignored until end of transaction block',
    })
  }
  runConsoleInTransaction(sim, session, sql, answer)
}

/**
 * Ctrl+C: cancels the console's statement if it waits or runs in the simulation. A database
 * that hangs gets the cancel request once it answers again, as it gets the statement.
 */
export function cancelConsole(sim: SimulationState): boolean {
  const session = sim.console
  if (!session) return false
  if (session.awaitingDatabase) {
    session.awaitingDatabase.isCancelled = true
    return true
  }
  if (!session.autocommit && !session.pending) return false
  const cancel = () => {
    if (session.autocommit) failRun(sim, session.autocommit, cancelledByUser(), session.lastSql)
    else failConsoleStatement(sim, session, cancelledByUser())
  }
  if (sim.databaseState === 'hanging') sim.at(0, { kind: 'call', fire: cancel })
  else cancel()
  return true
}

function runConsoleAutocommit(
  sim: SimulationState,
  session: ConsoleConnection,
  sql: string,
  answer: (result: RunResult) => void,
  fail: (error: PgError) => void,
): void {
  const parsed = parseOperatorScript(sql)
  const setting = parsed.ok && parsed.parts.length === 1 && parsed.parts[0]
  // the session keeps its timeouts, as Postgres's SET does for the connection
  if (setting && setting.kind === 'setting') {
    if (setting.name === 'lock_timeout') session.lockTimeoutMs = setting.ms || undefined
    else session.statementTimeoutMs = setting.ms || undefined
    return answer(commandOnly('SET'))
  }
  const run = startOperatorRun(sim, sql, 'console', undefined, false, (result) => {
    session.autocommit = undefined
    if (!result.ok) return fail(result.error)
    answer(result.last ?? commandOnly(commandTagOf(sql)))
  })
  if (!run) return
  run.owner = session.owner
  run.lockTimeoutMs = session.lockTimeoutMs
  run.statementTimeoutMs = session.statementTimeoutMs
  session.autocommit = run
}

// Probes the block so far plus this statement: its locks are what it adds, its rows what
// it would return inside the transaction. The locks are then taken for real in the queues.
function runConsoleInTransaction(
  sim: SimulationState,
  session: ConsoleConnection,
  sql: string,
  answer: (result: RunResult) => void,
): void {
  const serial = ++session.serial
  session.pending = { serial, sql, isWaitingForLock: true, answer }
  // an autocommit statement is an operator run, which says so itself
  const unmodelled = notModelledReasonOf(sql)
  if (unmodelled)
    sim.log({ type: 'not modelled', atUs: sim.nowUs, session: 'console', sql, reason: unmodelled })
  sim.at(0, {
    kind: 'call',
    fire: async () => {
      const probe = await probeInSimulation(
        sim,
        session.owner,
        [...session.statements, sql].map((statement) => ({ sql: withoutSleeps(statement) })),
      )
      if (session.pending?.serial !== serial) return
      if (!probe.ok) return failConsoleStatement(sim, session, probe.error)
      const statement = probe.statements[probe.statements.length - 1]
      // the statements before it ran already, and asked what they asked then
      signalCatalogRequests(sim, statement.notices)
      const started = sim.nowUs
      const granted = () => {
        if (session.pending?.serial !== serial) return
        session.pending.isWaitingForLock = false
        session.sinceUs = sim.nowUs
        const durationUs = migrationStatementMicros(sql, statement, (table) => sim.sizeOf(table))
        sim.at(durationUs, {
          kind: 'call',
          fire: () => {
            if (session.pending?.serial !== serial) return
            session.pending = undefined
            session.statements.push(sql)
            session.sinceUs = sim.nowUs
            answer(
              withVisibleNotices({
                ok: true,
                command: statement.command,
                fields: statement.fields,
                rows: statement.rows,
                rowCount: statement.rowCount,
                durationMs: 0,
                ...(statement.notices && { notices: statement.notices }),
              }),
            )
          },
        })
      }
      let isInsideAcquire = true
      let isGrantedAtOnce = false
      acquireAll(
        sim,
        session.owner,
        statement.locks,
        () => {
          if (isInsideAcquire) isGrantedAtOnce = true
          else sim.at(0, { kind: 'call', fire: granted })
        },
        statement.rowLocks,
      )
      isInsideAcquire = false
      if (isGrantedAtOnce) return granted()
      watchForDeadlock(sim, session.owner)
      sim.log({ type: 'statement', atUs: started, session: 'console', sql, state: 'waiting' })
      const timeoutMs = session.lockTimeoutMs ?? session.statementTimeoutMs
      if (timeoutMs === undefined) return
      const reason = session.lockTimeoutMs !== undefined ? 'lock timeout' : 'statement timeout'
      sim.at(timeoutMs * microsPerMs, {
        kind: 'call',
        fire: () => {
          if (session.pending?.serial !== serial || !session.pending.isWaitingForLock) return
          failConsoleStatement(sim, session, {
            code: reason === 'lock timeout' ? '55P03' : '57014',
            message: `canceling statement due to ${reason}`,
          })
        },
      })
    },
  })
}

/**
 * A failed statement aborts the block: its waits are withdrawn, the locks it holds stay
 * until ROLLBACK, as in Postgres.
 */
export function failConsoleStatement(sim: SimulationState, session: ConsoleConnection, error: PgError): void {
  const pending = session.pending
  if (!pending) return
  session.pending = undefined
  // an error aborts the transaction there and then: its locks go, though psql waits for ROLLBACK
  sim.locks.releaseAll(session.owner)
  session.transaction = 'failed'
  session.sinceUs = sim.nowUs
  pending.answer({ ok: false, error, durationMs: 0 })
}

/**
 * The console's connection is gone: what it held is released, and psql learns it at once
 * if it was waiting, or with its next statement. Returns whether there was anything to end.
 */
export function terminateConsole(sim: SimulationState, session: ConsoleConnection): boolean {
  const isBusy = session.autocommit !== undefined || session.pending !== undefined
  if (!isBusy && session.transaction === 'idle') return false
  const fatal: PgError = { ...terminatedByAdministrator(), severity: 'FATAL' }
  sim.log({ type: 'statement', atUs: sim.nowUs, session: 'console', sql: '', state: 'terminated' })
  if (session.autocommit) endRun(sim, session.autocommit, 'terminated', { ok: false, error: fatal })
  const pending = session.pending
  endConsoleTransaction(sim, session)
  if (pending) pending.answer({ ok: false, error: fatal, durationMs: 0 })
  else if (!isBusy) session.wasTerminated = true
  return true
}

/** Ends the console's transaction block, releasing what it held. */
export function endConsoleTransaction(sim: SimulationState, session: ConsoleConnection): void {
  sim.locks.releaseAll(session.owner)
  session.transaction = 'idle'
  session.isolation = 'read committed'
  session.statements = []
  session.pending = undefined
  session.sinceUs = sim.nowUs
}

function cancelledByUser(): PgError {
  return { code: '57014', message: 'canceling statement due to user request' }
}

/** A result with a command tag and nothing else, as psql shows `BEGIN` or `SET`. */
function commandOnly(command: string): RunResult {
  return { ok: true, command, fields: [], rows: [], rowCount: 0, durationMs: 0 }
}
