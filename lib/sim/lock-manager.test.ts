import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LockManager } from './lock-manager'

describe('LockManager', () => {
  it('queues a SELECT behind a waiting ACCESS EXCLUSIVE although the SELECT conflicts with nothing granted', () => {
    const locks = new LockManager()
    const granted: string[] = []
    assert.equal(
      locks.acquire(1, 'users', 'AccessShareLock', () => granted.push('reader 1')),
      true,
    )
    assert.equal(
      locks.acquire(2, 'users', 'AccessExclusiveLock', () => granted.push('alter')),
      false,
    )
    assert.equal(
      locks.acquire(3, 'users', 'AccessShareLock', () => granted.push('reader 3')),
      false,
    )
    locks.releaseAll(1)
    assert.deepEqual(granted, ['alter'])
    locks.releaseAll(2)
    assert.deepEqual(granted, ['alter', 'reader 3'])
  })

  it('waits for the writers holding the table when a concurrent build looks, not for readers or later writers', () => {
    const locks = new LockManager()
    locks.acquire(1, 'orders', 'RowExclusiveLock', () => undefined)
    locks.acquire(2, 'orders', 'AccessShareLock', () => undefined)
    locks.acquire(3, 'orders', 'ShareUpdateExclusiveLock', () => undefined)
    let isDone = false
    assert.equal(
      locks.waitForLockers(3, 'orders', 'ShareLock', () => (isDone = true)),
      false,
    )
    assert.deepEqual(locks.describe().get(3)?.blockedBy, [1])
    locks.acquire(4, 'orders', 'RowExclusiveLock', () => undefined)
    locks.releaseAll(2)
    assert.equal(isDone, false)
    locks.releaseAll(1)
    assert.equal(isDone, true)
    assert.equal(
      locks.waitForLockers(3, 'orders', 'ShareLock', () => undefined),
      false,
      'writer 4 came later: a second look waits for it',
    )
  })

  it('lets the queue move on when a waiter withdraws, as after a lock_timeout', () => {
    const locks = new LockManager()
    const granted: string[] = []
    locks.acquire(1, 'users', 'AccessShareLock', () => undefined)
    locks.acquire(2, 'users', 'AccessExclusiveLock', () => granted.push('alter'))
    locks.acquire(3, 'users', 'AccessShareLock', () => granted.push('reader 3'))
    locks.cancelWaits(2)
    assert.deepEqual(granted, ['reader 3'])
  })

  it('lets an owner that already holds a lock on the table go ahead of a waiter', () => {
    const locks = new LockManager()
    locks.acquire(1, 'users', 'AccessShareLock', () => undefined)
    locks.acquire(2, 'users', 'AccessExclusiveLock', () => undefined)
    assert.equal(
      locks.acquire(1, 'users', 'RowExclusiveLock', () => undefined),
      true,
    )
  })

  it('lets a reader past writers waiting on CREATE INDEX, then grants the writers together, in order', () => {
    const locks = new LockManager()
    const granted: number[] = []
    locks.acquire(1, 'orders', 'ShareLock', () => undefined)
    for (const owner of [2, 3]) locks.acquire(owner, 'orders', 'RowExclusiveLock', () => granted.push(owner))
    assert.equal(
      locks.acquire(4, 'orders', 'AccessShareLock', () => undefined),
      true,
    )
    assert.deepEqual(granted, [])
    locks.releaseAll(1)
    assert.deepEqual(granted, [2, 3])
  })

  it('describes a lock queue as pg_blocking_pids would: the ALTER waits on the reader, the later reader on both', () => {
    const locks = new LockManager()
    locks.acquire(1, 'users', 'AccessShareLock', () => undefined)
    locks.acquire(2, 'users', 'AccessExclusiveLock', () => undefined)
    locks.acquire(3, 'users', 'AccessShareLock', () => undefined)
    assert.deepEqual(Object.fromEntries(locks.describe()), {
      1: { locks: [{ relation: 'users', mode: 'AccessShareLock', granted: true }], blockedBy: [] },
      2: { locks: [{ relation: 'users', mode: 'AccessExclusiveLock', granted: false }], blockedBy: [1] },
      3: { locks: [{ relation: 'users', mode: 'AccessShareLock', granted: false }], blockedBy: [2] },
    })
  })
})
