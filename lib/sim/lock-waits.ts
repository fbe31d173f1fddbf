import type { RelationLock } from '../engine'
import type { SimulationState } from './simulation-state'

// Postgres's default deadlock_timeout
const deadlockTimeoutUs = 1_000_000

/** Acquires locks one after another, as a statement does; `onAllGranted` runs once, possibly at once. */
export function acquireAll(
  sim: SimulationState,
  owner: number,
  locks: RelationLock[],
  onAllGranted: () => void,
): void {
  let index = 0
  const next = (): void => {
    while (index < locks.length) {
      const lock = locks[index++]
      if (!sim.locks.acquire(owner, lock.relation, lock.mode, next)) return
    }
    onAllGranted()
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
