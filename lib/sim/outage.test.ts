import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AppVersion } from './model'
import { v1, step, simulate } from './simulation-fixture'

describe('a database outage', () => {
  it('errors a version without a fallback with 08006 and degrades one with it, until Postgres has started again', async () => {
    const withFallback: AppVersion = { ...v1, id: 'fixed', whenDatabaseDown: 'fallback' }
    const run = await simulate(
      [
        step(
          'deploy',
          { kind: 'deploy', shares: { v1: 50, fixed: 50 } },
          // requests still in flight when the database stops fail too, as they would
        ),
        step(
          'stop',
          { kind: 'database', state: 'stop' },
          { expect: { versions: { v1: { fails: '08006' }, fixed: 'degraded' } } },
        ),
        // a real server accepts connections only once it has started (costModel.databaseStartMs)
        step(
          'start',
          { kind: 'database', state: 'start' },
          { expect: { versions: { v1: { fails: '08006' }, fixed: 'degraded' }, result: 'succeeds' } },
        ),
        step('after', { kind: 'advance', ms: 1000 }, { expect: { versions: { v1: 'ok', fixed: 'ok' } } }),
      ],
      { versions: [v1, withFallback] },
    )
    assert.deepEqual(
      run.steps.map((report) => report.expectations.map((result) => result.held)),
      [[], [true, true], [true, true, true], [true, true]],
    )
    const started = run.steps[2]
    assert.match(started.expectations[2].actual, /^succeeded after 300 ms$/)
  })

  it('runs a Delmo-style wait that fails without a fallback and passes with one', async () => {
    const outage = (version: AppVersion) =>
      simulate(
        [
          step('deploy', { kind: 'deploy', shares: { [version.id]: 100 } }),
          step('stop', { kind: 'database', state: 'stop' }),
          step(
            'home-page',
            {
              kind: 'check',
              verb: 'wait',
              condition: { request: { version: version.id, endpoint: 'GET /user' } },
              withinMs: 5000,
            },
            { withinMs: 6000, expect: { result: 'succeeds' } },
          ),
        ],
        { versions: [version] },
      )
    const red = await outage(v1)
    const green = await outage({ ...v1, whenDatabaseDown: 'fallback' })
    assert.deepEqual([red.steps[2].expectations[0].held, green.steps[2].expectations[0].held], [false, true])
  })
})
