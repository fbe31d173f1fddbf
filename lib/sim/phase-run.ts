import type { ScriptPart } from './operator-script'
import { acquireAll, watchForDeadlock } from './lock-waits'
import {
  cancelStatement,
  commitPart,
  failRun,
  isCurrent,
  logGranted,
  recordOperatorWait,
  recordOperatorWaitStart,
  type OperatorRun,
} from './operator-run'
import { planPhases, snapshotHolders } from './phased-statements'
import { microsPerMs, type SimulationState } from './simulation-state'

type TransactionPart = Extract<ScriptPart, { kind: 'transaction' }>

/**
 * Runs a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM
 * FULL, …) phase by phase: its first lock, then its waits and its work, each wait under the
 * session's `lock_timeout` on its own. Once the last phase is done it runs for real in PGlite.
 * A statement the model has no phases for is reported as not modelled and run for real at once.
 */
export async function startPhases(
  sim: SimulationState,
  run: OperatorRun,
  part: TransactionPart,
): Promise<void> {
  const sql = part.statements[0]
  run.statementIndex = 0
  run.statementSerial += 1
  run.statementStartUs = sim.nowUs
  run.stateSinceUs = sim.nowUs
  const known = await sim.database.probeLocks(sql)
  const plan = known.ok ? await planPhases(sim, sql, known.locks) : undefined
  if (!known.ok) return failRun(sim, run, known.error, sql)
  if (!plan?.ok) {
    sim.log({ type: 'not modelled', atUs: sim.nowUs, session: run.label, sql, reason: plan?.reason ?? '' })
    run.phases = []
    run.phaseIndex = 0
    return nextPhase(sim, run)
  }
  run.phases = plan.phases
  run.phaseIndex = 0
  const serial = run.statementSerial
  if (run.statementTimeoutMs !== undefined)
    sim.at(run.statementTimeoutMs * microsPerMs, { kind: 'statement timeout', run, serial })
  nextPhase(sim, run)
}

/** Runs the run's current phase; after the last, the statement runs for real and commits. */
export function nextPhase(sim: SimulationState, run: OperatorRun): void {
  const phases = run.phases ?? []
  const phase = phases[run.phaseIndex ?? 0]
  const serial = run.statementSerial
  const sql = currentPhasedSql(run)
  const advance = () => {
    if (!isCurrent(run, serial)) return
    run.phaseIndex = (run.phaseIndex ?? 0) + 1
    nextPhase(sim, run)
  }
  if (!phase) {
    run.isWaitingForLock = false
    // through the queue, so the loop awaits PGlite running it before virtual time moves on
    sim.at(0, { kind: 'call', fire: () => commitPart(sim, run) })
    return
  }
  switch (phase.kind) {
    case 'commit point':
      run.leftover = phase.leaves
      // what follows is not what Postgres would do: said as soon as it starts, not only on failure
      if (phase.leaves.kind === 'not modelled')
        sim.log({
          type: 'not modelled',
          atUs: sim.nowUs,
          session: run.label,
          sql,
          reason: phase.leaves.reason,
        })
      return advance()
    case 'work':
      run.isWaitingForLock = false
      run.stateSinceUs = sim.nowUs
      sim.at(phase.micros, { kind: 'call', fire: advance })
      return
    case 'lock':
      return waitThen(sim, run, sql, advance, (done) => {
        acquireAll(sim, run.owner, phase.locks, () => {
          // the statement holds its first lock throughout: what it adds to traffic's waits
          if (run.phaseIndex === 0) {
            const durationUs = phases.reduce(
              (total, next) => total + (next.kind === 'work' ? next.micros : 0),
              0,
            )
            logGranted(sim, run, sql, sim.nowUs - run.statementStartUs, durationUs)
          }
          done()
        })
        return false
      })
    case 'wait for lockers':
      return waitThen(sim, run, sql, advance, (done) =>
        sim.locks.waitForLockers(run.owner, phase.table, phase.mode, done),
      )
    case 'wait for snapshots':
      return waitThen(sim, run, sql, advance, (done) =>
        sim.locks.waitForTransactions(run.owner, phase.table, 'ShareLock', snapshotHolders(sim), done),
      )
  }
}

// Starts a wait: `begin` returns true, or calls `done` before it returns, when there is nothing
// to wait for. Otherwise the run waits, under its own lock_timeout, and goes on when `done` runs.
function waitThen(
  sim: SimulationState,
  run: OperatorRun,
  sql: string,
  advance: () => void,
  begin: (done: () => void) => boolean,
): void {
  const serial = run.statementSerial
  const wait = (run.waitSerial = (run.waitSerial ?? 0) + 1)
  const startedUs = sim.nowUs
  let isInsideBegin = true
  let isDoneAtOnce = false
  const done = () => {
    if (isInsideBegin) {
      isDoneAtOnce = true
      return
    }
    sim.at(0, {
      kind: 'call',
      fire: () => {
        if (!isCurrent(run, serial) || run.waitSerial !== wait) return
        run.isWaitingForLock = false
        recordOperatorWait(sim, sim.nowUs - startedUs)
        advance()
      },
    })
  }
  const isFree = begin(done)
  isInsideBegin = false
  if (isFree || isDoneAtOnce) return advance()
  run.isWaitingForLock = true
  run.stateSinceUs = sim.nowUs
  run.statementStartUs = sim.nowUs
  watchForDeadlock(sim, run.owner)
  sim.log({ type: 'statement', atUs: sim.nowUs, session: run.label, sql, state: 'waiting' })
  recordOperatorWaitStart(sim, run)
  if (run.lockTimeoutMs === undefined) return
  sim.at(run.lockTimeoutMs * microsPerMs, {
    kind: 'call',
    fire: () => {
      if (run.waitSerial === wait && run.isWaitingForLock)
        cancelStatement(sim, run, serial, '55P03', 'lock timeout')
    },
  })
}

function currentPhasedSql(run: OperatorRun): string {
  const part = run.parts[run.partIndex]
  return part?.kind === 'transaction' ? part.statements[0] : ''
}
