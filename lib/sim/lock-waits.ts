import { LOCK_MODES, type RelationLock, type RowLockSet } from '../engine'
import type { SimulationState } from './simulation-state'

// Postgres's default deadlock_timeout
const deadlockTimeoutUs = 1_000_000

/**
 * Acquires locks one after another, as a statement does, then the rows it writes: a row another
 * transaction holds means waiting for that transaction to end, and looking again. `onAllGranted`
 * runs once, possibly at once.
 */
export function acquireAll(
  sim: SimulationState,
  owner: number,
  locks: RelationLock[],
  onAllGranted: () => void,
  rows: readonly RowLockSet[] = [],
): void {
  // Postgres opens a table with the strongest lock the statement needs on it (ALTER TABLE …
  // ADD UNIQUE asks for ACCESS EXCLUSIVE, and its index build's SHARE comes with it): the mode
  // it queues with is the strongest, so it is asked for first
  const relations = [...new Set(locks.map((lock) => lock.relation))]
  const ordered = relations.flatMap((relation) =>
    locks
      .filter((lock) => lock.relation === relation)
      .sort((a, b) => LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode)),
  )
  const takeRows = (): void => {
    const holders = sim.locks.rowHolders(owner, rows)
    if (holders.size > 0) {
      // a row lock wait is a wait on the holder's transaction id (pg_locks: transactionid, ShareLock)
      sim.locks.takeRowsBeforeConflict(owner, rows)
      sim.locks.waitForTransactions(owner, rows[0].table, 'ShareLock', holders, takeRows)
      // a cycle can close through a row as through a table: it is looked for from this wait too
      watchForDeadlock(sim, owner)
      return
    }
    sim.locks.takeRows(owner, rows)
    onAllGranted()
  }
  let index = 0
  const next = (): void => {
    while (index < ordered.length) {
      const lock = ordered[index++]
      if (!sim.locks.acquire(owner, lock.relation, lock.mode, next)) return
    }
    takeRows()
  }
  next()
}

/**
 * Looks for a deadlock once a lock wait has lasted deadlock_timeout (1 s by default), as the
 * waiting backend does; the 'deadlock check' event ends the session if it closes a cycle.
 */
export function watchForDeadlock(sim: SimulationState, owner: number): void {
  if (!sim.locks.isWaiting(owner)) return
  sim.at(deadlockTimeoutUs, { kind: 'deadlock check', owner })
}

/** Whether a session still waits, deadlock_timeout after it began, in a cycle of waits. */
export function isDeadlocked(sim: SimulationState, owner: number): boolean {
  return sim.locks.isWaiting(owner) && sim.locks.isDeadlocked(owner)
}
