import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { stopVersion } from './deployment-shares'

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
