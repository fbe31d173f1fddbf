import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { AppVersion } from './model'
import { deployV1, setup, simulate, startWithoutTraffic, step, v1 } from './simulation-fixture'

describe('terminating idle connections', () => {
  it('fails the next request the app sends once with 57P01, then serves, as a pool without a pre-ping does', async () => {
    const leaky: AppVersion = { ...v1, idleInTransactionAfterReads: true }
    const run = await simulate(
      [
        deployV1,
        step('sweep', { kind: 'terminate idle' }, { expect: { versions: { v1: { fails: '57P01' } } } }),
        step('after', { kind: 'advance', ms: 1000 }, { expect: { versions: { v1: 'ok' } } }),
      ],
      { versions: [leaky] },
    )
    const swept = run.simulation.records.filter((record) => record.step === 1)
    assert.equal(swept.filter((record) => record.outcome === 'error').length, 1)
    assert.equal(swept[0].code, '57P01')
    assert.deepEqual(
      run.steps.map((report) => report.expectations.map((result) => result.held)),
      [[true], [true], [true]],
    )
  })
})

describe('listing sessions', () => {
  it('shows a held session idle in transaction with the lock it keeps, until it is terminated', async () => {
    const database = await openDatabase()
    try {
      assert.equal((await database.runScript(setup)).ok, true)
      const simulation = await startWithoutTraffic(database)
      simulation.applyNow({ kind: 'open session', session: 'report', sql: 'select count(*) from users' })
      await simulation.runUntil(1_000_000)
      const listed = simulation.listSessions()
      assert.deepEqual(
        listed.map(({ kind, label, state, locks }) => ({ kind, label, state, locks })),
        [
          {
            kind: 'session',
            label: 'report',
            state: 'idle in transaction',
            locks: [
              { relation: 'users', mode: 'AccessShareLock', granted: true },
              { relation: 'users_pkey', mode: 'AccessShareLock', granted: true },
            ],
          },
        ],
      )
      assert.equal(simulation.terminate(listed[0].owner), true)
      assert.deepEqual(simulation.listSessions(), [])
    } finally {
      await database.close()
    }
  })
})
