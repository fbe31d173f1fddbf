import type { LockMode, RowLockSet } from '../engine'
import { lockModesConflict } from './lock-conflicts'

interface Waiter {
  owner: number
  mode: LockMode
  onGranted: () => void
}

/** What one owner holds and waits for, and whom it waits behind. */
export interface OwnerLocks {
  locks: { relation: string; mode: LockMode; granted: boolean }[]
  blockedBy: number[]
}

// CREATE INDEX CONCURRENTLY waiting for the transactions that held a conflicting lock when it
// looked: not a place in the queue, a wait for each of them to end (lmgr.c, WaitForLockers)
interface LockerWait {
  owner: number
  relation: string
  mode: LockMode
  holders: Set<number>
  onDone: () => void
}

interface RelationLocks {
  /** Modes granted, by owner. */
  granted: Map<number, Set<LockMode>>
  /** Requests not granted yet, in arrival order. */
  waiting: Waiter[]
}

/**
 * Table locks as Postgres grants them: the conflict matrix, and one FIFO wait queue per
 * relation. A request waits when it conflicts with a lock another owner holds, or with an
 * earlier request still waiting — which is why one queued ACCESS EXCLUSIVE stops every later
 * SELECT (docs: "Table-level Lock Modes"; lock.c, LockCheckConflicts and ProcSleep).
 */
export class LockManager {
  private readonly relations = new Map<string, RelationLocks>()
  private readonly heldBy = new Map<number, Set<string>>()
  private lockerWaits: LockerWait[] = []
  // rows locked until their transaction ends, by table and owner: their keys, or every row
  private readonly rowLocks = new Map<string, Map<number, Set<string> | 'all'>>()

  /**
   * Asks for a lock. Returns true when granted at once; otherwise the request queues and
   * `onGranted` runs when it is granted (from inside a later release or cancel).
   */
  acquire(owner: number, relation: string, mode: LockMode, onGranted: () => void): boolean {
    const locks = this.locksOf(relation)
    const held = locks.granted.get(owner)
    if (held?.has(mode)) return true
    // An owner that already holds a lock here goes ahead of the waiters, as Postgres lets it
    // (otherwise it would deadlock with a waiter that waits for it).
    const mustQueue =
      this.conflictsWithGranted(locks, owner, mode) ||
      (held === undefined && locks.waiting.some((waiter) => lockModesConflict(mode, waiter.mode)))
    if (mustQueue) {
      locks.waiting.push({ owner, mode, onGranted })
      return false
    }
    this.grant(locks, relation, owner, mode)
    return true
  }

  /** The other owners that hold a lock on the relation conflicting with `mode`, now. */
  lockersOf(owner: number, relation: string, mode: LockMode): Set<number> {
    const holders = new Set<number>()
    for (const [holder, modes] of this.relations.get(relation)?.granted ?? []) {
      if (holder === owner) continue
      for (const held of modes) if (lockModesConflict(mode, held)) holders.add(holder)
    }
    return holders
  }

  /**
   * Waits until every other owner that holds a lock conflicting with `mode` on the relation now
   * has ended its transaction; later arrivals do not count. Returns true when there is nobody
   * to wait for; otherwise `onDone` runs when the last of them releases.
   */
  waitForLockers(owner: number, relation: string, mode: LockMode, onDone: () => void): boolean {
    return this.waitForTransactions(owner, relation, mode, this.lockersOf(owner, relation, mode), onDone)
  }

  /**
   * Waits until each of `holders` has ended its transaction (Postgres waits on their virtual
   * transaction ids); `relation` and `mode` say what the wait is for, as pg_locks would show
   * it. Returns true when there is nobody to wait for; otherwise `onDone` runs when the last ends.
   */
  waitForTransactions(
    owner: number,
    relation: string,
    mode: LockMode,
    holders: Set<number>,
    onDone: () => void,
  ): boolean {
    holders.delete(owner)
    if (holders.size === 0) return true
    this.lockerWaits.push({ owner, relation, mode, holders, onDone })
    return false
  }

  /** The other owners holding a lock on any of these rows: a writer of the same row waits for them. */
  rowHolders(owner: number, rows: readonly RowLockSet[]): Set<number> {
    const holders = new Set<number>()
    for (const { table, keys } of rows) {
      for (const [holder, held] of this.rowLocks.get(table) ?? []) {
        if (holder === owner) continue
        if (held === 'all' || keys === 'all' || keys.some((key) => held.has(key))) holders.add(holder)
      }
    }
    return holders
  }

  /**
   * Locks, of each set, the rows before the first one another owner holds: a statement that
   * meets a locked row has already locked the rows it wrote before it, in the order it found
   * them, and keeps them while it waits.
   */
  takeRowsBeforeConflict(owner: number, rows: readonly RowLockSet[]): void {
    for (const { table, keys } of rows) {
      if (keys === 'all') continue
      const prefix: string[] = []
      for (const key of keys) {
        if (this.rowHolders(owner, [{ table, keys: [key] }]).size > 0) break
        prefix.push(key)
      }
      this.takeRows(owner, [{ table, keys: prefix }])
    }
  }

  /** Locks rows for the owner until its transaction ends. */
  takeRows(owner: number, rows: readonly RowLockSet[]): void {
    for (const { table, keys } of rows) {
      let byOwner = this.rowLocks.get(table)
      if (!byOwner) this.rowLocks.set(table, (byOwner = new Map()))
      const held = byOwner.get(owner)
      if (keys === 'all' || held === 'all') byOwner.set(owner, 'all')
      else byOwner.set(owner, new Set([...(held ?? []), ...keys]))
    }
  }

  /** Withdraws an owner's waiting requests (a lock_timeout, an app timeout) and wakes who can go. */
  cancelWaits(owner: number): void {
    this.lockerWaits = this.lockerWaits.filter((wait) => wait.owner !== owner)
    for (const [relation, locks] of this.relations) {
      const before = locks.waiting.length
      locks.waiting = locks.waiting.filter((waiter) => waiter.owner !== owner)
      if (locks.waiting.length !== before) this.wake(relation, locks)
    }
  }

  /** Ends an owner's transaction: its locks are released and its waits withdrawn. */
  releaseAll(owner: number): void {
    for (const byOwner of this.rowLocks.values()) byOwner.delete(owner)
    this.cancelWaits(owner)
    this.endLockerWaitsOn(owner)
    const relations = this.heldBy.get(owner)
    if (!relations) return
    this.heldBy.delete(owner)
    for (const relation of relations) {
      const locks = this.relations.get(relation)
      if (!locks) continue
      locks.granted.delete(owner)
      this.wake(relation, locks)
    }
  }

  /**
   * Every owner holding or waiting for a lock, with the owners each waiter waits behind:
   * holders of a conflicting mode and earlier waiters of a conflicting one (as `pg_blocking_pids`).
   */
  describe(): Map<number, OwnerLocks> {
    const owners = new Map<number, OwnerLocks>()
    const ownerOf = (owner: number) => {
      let found = owners.get(owner)
      if (!found) owners.set(owner, (found = { locks: [], blockedBy: [] }))
      return found
    }
    for (const [relation, locks] of this.relations) {
      for (const [owner, modes] of locks.granted) {
        for (const mode of modes) ownerOf(owner).locks.push({ relation, mode, granted: true })
      }
      locks.waiting.forEach((waiter, position) => {
        const described = ownerOf(waiter.owner)
        described.locks.push({ relation, mode: waiter.mode, granted: false })
        const blockers = new Set(described.blockedBy)
        for (const [holder, modes] of locks.granted) {
          if (holder === waiter.owner) continue
          for (const held of modes) if (lockModesConflict(waiter.mode, held)) blockers.add(holder)
        }
        for (const earlier of locks.waiting.slice(0, position)) {
          if (earlier.owner !== waiter.owner && lockModesConflict(waiter.mode, earlier.mode))
            blockers.add(earlier.owner)
        }
        described.blockedBy = [...blockers]
      })
    }
    for (const wait of this.lockerWaits) {
      const described = ownerOf(wait.owner)
      described.locks.push({ relation: wait.relation, mode: wait.mode, granted: false })
      described.blockedBy = [...new Set([...described.blockedBy, ...wait.holders])]
    }
    return owners
  }

  /**
   * Whom the owner waits behind now, as `pg_blocking_pids` names them: holders of a lock its
   * waiting requests conflict with, earlier waiters of a conflicting mode, and the transactions
   * a wait for lockers, snapshots or rows waits on.
   */
  blockersOf(owner: number): number[] {
    const blockers = new Set<number>()
    for (const locks of this.relations.values()) {
      locks.waiting.forEach((waiter, position) => {
        if (waiter.owner !== owner) return
        for (const [holder, modes] of locks.granted) {
          if (holder === owner) continue
          for (const held of modes) if (lockModesConflict(waiter.mode, held)) blockers.add(holder)
        }
        for (const earlier of locks.waiting.slice(0, position)) {
          if (earlier.owner !== owner && lockModesConflict(waiter.mode, earlier.mode))
            blockers.add(earlier.owner)
        }
      })
    }
    for (const wait of this.lockerWaits)
      if (wait.owner === owner) for (const holder of wait.holders) blockers.add(holder)
    return [...blockers]
  }

  /**
   * Whether the owner waits in a cycle of waits: for a holder that waits, in turn, for a holder
   * … that waits for the owner. Only waits for granted locks count (Postgres's hard edges; it
   * resolves a cycle through queue order alone by reordering the queue, which we do not model).
   */
  isDeadlocked(owner: number): boolean {
    const seen = new Set<number>()
    const stack = [...this.holdersBlocking(owner)]
    while (stack.length > 0) {
      const next = stack.pop() as number
      if (next === owner) return true
      if (seen.has(next)) continue
      seen.add(next)
      stack.push(...this.holdersBlocking(next))
    }
    return false
  }

  /** Whether the owner is waiting for a lock, or for the lockers of a concurrent build. */
  isWaiting(owner: number): boolean {
    if (this.lockerWaits.some((wait) => wait.owner === owner)) return true
    for (const locks of this.relations.values())
      if (locks.waiting.some((waiter) => waiter.owner === owner)) return true
    return false
  }

  private holdersBlocking(owner: number): number[] {
    const holders = new Set<number>()
    for (const locks of this.relations.values()) {
      for (const waiter of locks.waiting) {
        if (waiter.owner !== owner) continue
        for (const [holder, modes] of locks.granted) {
          if (holder === owner) continue
          for (const held of modes) if (lockModesConflict(waiter.mode, held)) holders.add(holder)
        }
      }
    }
    for (const wait of this.lockerWaits)
      if (wait.owner === owner) for (const holder of wait.holders) holders.add(holder)
    return [...holders]
  }

  /** Forgets every lock and wait: the server stopped. */
  clear(): void {
    this.relations.clear()
    this.heldBy.clear()
    this.lockerWaits = []
    this.rowLocks.clear()
  }

  private endLockerWaitsOn(holder: number): void {
    const done: LockerWait[] = []
    for (const wait of this.lockerWaits) {
      if (wait.holders.delete(holder) && wait.holders.size === 0) done.push(wait)
    }
    if (done.length === 0) return
    this.lockerWaits = this.lockerWaits.filter((wait) => !done.includes(wait))
    for (const wait of done) wait.onDone()
  }

  private locksOf(relation: string): RelationLocks {
    let locks = this.relations.get(relation)
    if (!locks) {
      locks = { granted: new Map(), waiting: [] }
      this.relations.set(relation, locks)
    }
    return locks
  }

  private conflictsWithGranted(locks: RelationLocks, owner: number, mode: LockMode): boolean {
    for (const [holder, modes] of locks.granted) {
      if (holder === owner) continue
      for (const held of modes) if (lockModesConflict(mode, held)) return true
    }
    return false
  }

  private grant(locks: RelationLocks, relation: string, owner: number, mode: LockMode): void {
    let modes = locks.granted.get(owner)
    if (!modes) locks.granted.set(owner, (modes = new Set()))
    modes.add(mode)
    let relations = this.heldBy.get(owner)
    if (!relations) this.heldBy.set(owner, (relations = new Set()))
    relations.add(relation)
  }

  // Grants waiters in queue order while they conflict neither with what is granted nor with
  // an earlier waiter that stays queued (lock.c, ProcLockWakeup).
  private wake(relation: string, locks: RelationLocks): void {
    const stillWaiting: Waiter[] = []
    const granted: Waiter[] = []
    for (const waiter of locks.waiting) {
      const blocked =
        this.conflictsWithGranted(locks, waiter.owner, waiter.mode) ||
        stillWaiting.some((earlier) => lockModesConflict(waiter.mode, earlier.mode))
      if (blocked) {
        stillWaiting.push(waiter)
      } else {
        this.grant(locks, relation, waiter.owner, waiter.mode)
        granted.push(waiter)
      }
    }
    locks.waiting = stillWaiting
    for (const waiter of granted) waiter.onGranted()
  }
}
