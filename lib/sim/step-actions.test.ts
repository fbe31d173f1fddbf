import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { step } from './simulation-fixture'
import { stepWindowMs } from './step-actions'

describe('a step’s window', () => {
  it('is its `within`, or the time its action takes by its own terms when that is longer', () => {
    assert.deepEqual(
      [
        stepWindowMs(step('advance', { kind: 'advance', ms: 90_000 })),
        stepWindowMs(
          step('wait', { kind: 'check', verb: 'wait', condition: { database: 'up' }, withinMs: 70_000 }),
        ),
        stepWindowMs(step('deploy', { kind: 'deploy', shares: { v1: 100 } })),
      ],
      [90_000, 71_000, 60_000],
    )
  })
})
