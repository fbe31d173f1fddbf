import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { splitCanary, stopVersion } from './deployment-shares'

describe('splitCanary', () => {
  it('gives the new version its share and the old one the rest', () => {
    assert.deepEqual(splitCanary('v1', 'v2', 10), { v1: 90, v2: 10 })
  })

  it('stops the side that gets nothing, at either end of the slider', () => {
    assert.deepEqual([splitCanary('v1', 'v2', 0), splitCanary('v1', 'v2', 100)], [{ v1: 100 }, { v2: 100 }])
  })

  it('clamps to 0–100 and rounds to whole percents', () => {
    assert.deepEqual(
      [splitCanary('v1', 'v2', 140), splitCanary('v1', 'v2', 12.6)],
      [{ v2: 100 }, { v1: 87, v2: 13 }],
    )
  })
})

describe('stopVersion', () => {
  it('hands a stopped version’s traffic to the one left', () => {
    assert.deepEqual(stopVersion({ v1: 90, v2: 10 }, 'v1'), { v2: 100 })
  })

  it('keeps the others’ proportions, in whole percents summing to 100', () => {
    assert.deepEqual(stopVersion({ v1: 40, v2: 30, v3: 30 }, 'v1'), { v2: 50, v3: 50 })
    assert.deepEqual(stopVersion({ v1: 1, v2: 33, v3: 33, v4: 33 }, 'v1'), { v2: 34, v3: 33, v4: 33 })
  })

  it('leaves nothing running when the last version stops, and others at 0% at 0%', () => {
    assert.deepEqual([stopVersion({ v1: 100 }, 'v1'), stopVersion({ v1: 100, v2: 0 }, 'v1')], [{}, { v2: 0 }])
  })
})
