import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { step, simulate, deployV1, openReport, alterUsers } from './simulation-fixture'

describe('determinism', () => {
  const steps = () => [
    deployV1,
    openReport,
    step('alter', {
      kind: 'migrate' as const,
      sql: `set lock_timeout = '500ms'; ${alterUsers}`,
      retry: { attempts: 3, backoffMs: 200, factor: 2 },
    }),
  ]

  it('gives the same event log for the same scenario and seed, and another for another seed', async () => {
    const first = await simulate(steps())
    const second = await simulate(steps())
    const reseeded = await simulate(steps(), { seed: 'another' })
    assert.equal(first.eventLogHash, second.eventLogHash)
    assert.deepEqual(first.simulation.records, second.simulation.records)
    assert.notEqual(first.eventLogHash, reseeded.eventLogHash)
  })
})
