import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeRecords } from './expectations'
import type { AppVersion } from './model'
import type { ScenarioRun } from './run-scenario'
import { claims, v1, step, simulate } from './simulation-fixture'

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

describe('a database that hangs', () => {
  const withFallback: AppVersion = { ...v1, whenDatabaseDown: 'fallback' }
  const hang = step('hang', { kind: 'database', state: 'hang' }, { observeMs: 8000 })
  // what the requests that arrived during a step came to, `outcome` or `outcome code`, and
  // how long the quickest and the slowest took
  const answersIn = (run: ScenarioRun, stepIndex: number) => {
    const records = run.simulation.records.filter((record) => record.step === stepIndex)
    const tookMs = records.map((record) => (record.endedUs - record.arrivedUs) / 1000)
    return {
      outcomes: [
        ...new Set(records.map((record) => [record.outcome, record.code].filter(Boolean).join(' '))),
      ],
      fastestMs: Math.min(...tookMs),
      slowestMs: Math.max(...tookMs),
    }
  }

  it('times every request out at the app’s timeout, and a fallback never answers: no error ever comes', async () => {
    const run = await simulate([step('deploy', { kind: 'deploy', shares: { v1: 100 } }), hang], {
      versions: [withFallback],
    })
    assert.deepEqual(answersIn(run, 1), { outcomes: ['timeout'], fastestMs: 5000, slowestMs: 5000 })
    assert.match(run.simulation.records.at(-1)?.message ?? '', /waited for (the database|a free connection)/)
  })

  it('fails requests with 08006 after a version’s network timeout, and its fallback answers after that wait', async () => {
    const bounded = (version: AppVersion): AppVersion => ({
      ...version,
      networkTimeoutMs: 1000,
      connections: 50,
    })
    const outage = (version: AppVersion) =>
      simulate([step('deploy', { kind: 'deploy', shares: { v1: 100 } }), hang], {
        versions: [bounded(version)],
        requestsPerSecond: 20,
      })
    assert.deepEqual(answersIn(await outage(v1), 1), {
      outcomes: ['error 08006'],
      fastestMs: 1000,
      slowestMs: 1000,
    })
    assert.deepEqual(answersIn(await outage(withFallback), 1), {
      outcomes: ['degraded'],
      fastestMs: 1000,
      slowestMs: 1000,
    })
  })

  it('answers the requests stuck in it once the network heals, late, and the next ones at once', async () => {
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }),
        step('hang', { kind: 'database', state: 'hang' }, { observeMs: 2000 }),
        step(
          'heal',
          { kind: 'database', state: 'start' },
          { expect: { versions: { v1: 'ok' }, result: 'succeeds' } },
        ),
      ],
      { requestsPerSecond: 20 },
    )
    // each answered as the network healed: a statement's few ms, eight connections working off the queue
    const healedUs = run.simulation.stepStartsUs[2]
    const stuck = run.simulation.records.filter((record) => record.step === 1)
    const whenAnswered = (endedUs: number) =>
      endedUs >= healedUs && endedUs < healedUs + 100_000 ? 'as it healed' : 'at another time'
    assert.deepEqual(
      [...new Set(stuck.map((record) => `${record.outcome} ${whenAnswered(record.endedUs)}`))],
      ['ok as it healed'],
    )
    assert.deepEqual(claims(run, 'heal'), [
      `held: v1 serves every request (${describeRecords(run.simulation.records.filter((record) => record.step === 2))})`,
      'held: the step succeeds (succeeded after 0 ms)',
    ])
  })

  it('fails what it holds with 08006 when it is stopped instead', async () => {
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }),
        step('hang', { kind: 'database', state: 'hang' }, { observeMs: 1000 }),
        step('stop', { kind: 'database', state: 'stop' }),
      ],
      { requestsPerSecond: 20 },
    )
    assert.deepEqual(answersIn(run, 1).outcomes, ['error 08006'])
    assert.deepEqual(
      run.simulation.events.filter((event) => event.type === 'database').map((event) => event.state),
      ['hang', 'stop'],
    )
  })

  it('holds a migration until it answers again, and fails it when it is stopped', async () => {
    const migrateDuring = async (end: 'start' | 'stop') => {
      const run = await simulate(
        [
          step('hang', { kind: 'database', state: 'hang' }),
          step(
            'migrate',
            { kind: 'migrate', sql: 'alter table users add column nickname text' },
            { withinMs: 1000 },
          ),
          step('end', { kind: 'database', state: end }, { observeMs: 100 }),
        ],
        { requestsPerSecond: 0 },
      )
      const migration = run.simulation.actions[1]
      return [
        migration.result?.ok ? 'committed' : migration.result?.error.code,
        ((migration.settledUs ?? 0) - run.simulation.stepStartsUs[2]) / 1000,
      ]
    }
    assert.deepEqual(await migrateDuring('start'), ['committed', 5])
    assert.deepEqual(await migrateDuring('stop'), ['08006', 0])
  })

  it('is down to pg_isready once its timeout of 3 s runs out, and cannot hang while stopped', async () => {
    const run = await simulate(
      [
        hang,
        step('check', { kind: 'check', verb: 'assert', condition: { database: 'down' }, withinMs: 0 }),
        step('start', { kind: 'database', state: 'start' }),
        step('stop', { kind: 'database', state: 'stop' }),
        step('hang while stopped', { kind: 'database', state: 'hang' }),
      ],
      { requestsPerSecond: 0 },
    )
    const [, checked, , , refused] = run.simulation.actions
    assert.deepEqual(
      [checked.result?.ok, ((checked.settledUs ?? 0) - run.simulation.stepStartsUs[1]) / 1000],
      [true, 3000],
    )
    assert.deepEqual(refused.result, {
      ok: false,
      error: { code: '55000', message: 'the database is stopped: only a running one can hang' },
    })
  })
})
