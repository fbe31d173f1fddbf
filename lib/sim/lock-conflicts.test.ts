import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LOCK_MODES } from '../engine'
import { lockModesConflict } from './lock-conflicts'

// The docs' table "Conflicting Lock Modes", row by row, as a grid of X (conflict) and . (none),
// columns in the same order as the rows: ACCESS SHARE … ACCESS EXCLUSIVE.
const documentedTable = [
  '.......X', // ACCESS SHARE
  '......XX', // ROW SHARE
  '....XXXX', // ROW EXCLUSIVE
  '...XXXXX', // SHARE UPDATE EXCLUSIVE
  '..XX.XXX', // SHARE
  '..XXXXXX', // SHARE ROW EXCLUSIVE
  '.XXXXXXX', // EXCLUSIVE
  'XXXXXXXX', // ACCESS EXCLUSIVE
]

describe('lockModesConflict', () => {
  it('matches all 64 pairs of the documented conflict table', () => {
    const computed = LOCK_MODES.map((requested) =>
      LOCK_MODES.map((other) => (lockModesConflict(requested, other) ? 'X' : '.')).join(''),
    )
    assert.deepEqual(computed, documentedTable)
  })

  it('is symmetric: whoever asks first, the pair conflicts or not alike', () => {
    for (const a of LOCK_MODES) {
      for (const b of LOCK_MODES)
        assert.equal(lockModesConflict(a, b), lockModesConflict(b, a), `${a} / ${b}`)
    }
  })

  it('lets readers share a table with writers but not with ACCESS EXCLUSIVE', () => {
    assert.equal(lockModesConflict('AccessShareLock', 'RowExclusiveLock'), false)
    assert.equal(lockModesConflict('AccessShareLock', 'AccessExclusiveLock'), true)
  })

  it('makes CREATE INDEX (SHARE) block writes but not reads, and CONCURRENTLY block neither', () => {
    assert.equal(lockModesConflict('ShareLock', 'RowExclusiveLock'), true)
    assert.equal(lockModesConflict('ShareLock', 'AccessShareLock'), false)
    assert.equal(lockModesConflict('ShareUpdateExclusiveLock', 'RowExclusiveLock'), false)
    assert.equal(lockModesConflict('ShareUpdateExclusiveLock', 'AccessShareLock'), false)
  })
})
