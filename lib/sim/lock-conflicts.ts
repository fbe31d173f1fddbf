import { LOCK_MODES, type LockMode } from '../engine'

// LOCK_MODES runs weakest first, and every mode conflicts with all modes from some point of
// that list on (docs: "Table-level Lock Modes", Table "Conflicting Lock Modes") — except
// SHARE, which does not conflict with itself. The relation is symmetric.
const strongerFrom = (mode: LockMode) => LOCK_MODES.slice(LOCK_MODES.indexOf(mode))

const conflictsOf: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: strongerFrom('AccessExclusiveLock'),
  RowShareLock: strongerFrom('ExclusiveLock'),
  RowExclusiveLock: strongerFrom('ShareLock'),
  ShareUpdateExclusiveLock: strongerFrom('ShareUpdateExclusiveLock'),
  ShareLock: strongerFrom('RowExclusiveLock').filter((mode) => mode !== 'ShareLock'),
  ShareRowExclusiveLock: strongerFrom('RowExclusiveLock'),
  ExclusiveLock: strongerFrom('RowShareLock'),
  AccessExclusiveLock: LOCK_MODES,
}

/** Whether a lock in mode `requested` must wait for one held, or queued, in mode `other`. */
export function lockModesConflict(requested: LockMode, other: LockMode): boolean {
  return conflictsOf[requested].includes(other)
}
