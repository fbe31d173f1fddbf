import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AppVersion, Expectations } from './model'
import type { ScenarioRun } from './run-scenario'
import { v1, step, simulate, deployV1, openReport, claims, alterUsers } from './simulation-fixture'

// retries every 500 ms; the step moves on after `withinMs` while the retries go on
const alterWithRetries = (withinMs: number) =>
  step(
    'alter',
    {
      kind: 'migrate',
      sql: `set lock_timeout = '1s'; ${alterUsers}`,
      retry: { attempts: 10, backoffMs: 500, factor: 1 },
    },
    { withinMs, observeMs: 0 },
  )

// v1 under traffic, a report idle in its transaction, and an ALTER TABLE queued behind it
const alterBehindReport = (expect: Expectations) =>
  simulate([
    deployV1,
    openReport,
    step('alter', { kind: 'migrate', sql: alterUsers }, { withinMs: 10_000, expect }),
  ])

describe('the lock queue', () => {
  it('stops every later request behind an ALTER TABLE that waits for a session idle in transaction', async () => {
    const run = await alterBehindReport({ versions: { v1: 'times out' }, lockWaitMs: { atLeast: 5000 } })
    assert.deepEqual(
      run.steps[2].expectations.map((result) => result.held),
      [true, true],
    )
    // not one request that arrived after the ALTER queued was served while it waited
    const alterQueuedUs = run.simulation.stepStartsUs[2]
    const servedAfter = run.simulation.records.filter(
      (record) =>
        record.arrivedUs > alterQueuedUs &&
        record.outcome === 'ok' &&
        record.arrivedUs < alterQueuedUs + 10_000_000,
    )
    assert.deepEqual(servedAfter, [])
    assert.equal(run.simulation.actions[2].result, undefined)
  })

  it('claims who queued behind whom: the migration behind the idle report, the requests behind the migration', async () => {
    const run = await alterBehindReport({
      waits: { migration: 'report', v1: 'migration', report: 'migration' },
    })
    assert.deepEqual(claims(run, 'alter'), [
      'held: migration waits behind report (migration waited behind report)',
      'held: v1 waits behind migration (v1 waited behind migration)',
      'FAILED: report waits behind migration (report did not wait)',
    ])
  })

  it('with lock_timeout = 1s, fails the ALTER with 55P03 and lets traffic resume', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      step(
        'alter',
        { kind: 'migrate', sql: `set lock_timeout = '1s'; ${alterUsers}` },
        {
          observeMs: 3000,
          expect: { result: { fails: '55P03' }, versions: { v1: 'ok' }, lockWaitMs: { below: 1100 } },
        },
      ),
    ])
    assert.deepEqual(
      claims(run, 'alter').map((claim) => claim.split(':')[0]),
      ['held', 'held', 'held'],
    )
    const failed = run.simulation.actions[2]
    assert.equal(failed.settledUs! - run.simulation.stepStartsUs[2], 1_000_000)
  })

  it('with lock_timeout and retries, succeeds once the blocking session is terminated', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      alterWithRetries(3000),
      step('clear-lock', { kind: 'end session', session: 'report', how: 'terminate' }, { observeMs: 3000 }),
    ])
    const alter = run.simulation.actions[2]
    assert.equal(alter.result?.ok, true)
    assert.ok(
      alter.settledUs! > run.simulation.stepStartsUs[3],
      'the ALTER went through only after the terminate',
    )
    const servedAfterwards = run.simulation.records.filter(
      (record) => record.arrivedUs > alter.settledUs! && record.outcome === 'ok',
    )
    assert.ok(servedAfterwards.length > 100, `${servedAfterwards.length} requests served after the ALTER`)
  })

  it('with retries, succeeds once the blocking session commits by itself', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      alterWithRetries(2500),
      step(
        'report-done',
        { kind: 'end session', session: 'report', how: 'commit' },
        {
          observeMs: 3000,
          expect: { versions: { v1: 'ok' } },
        },
      ),
    ])
    assert.equal(run.simulation.actions[2].result?.ok, true)
    assert.match(claims(run, 'report-done')[0], /^held/)
  })

  it('keeps an app version that leaves reads idle in transaction blocking the ALTER until it is stopped', async () => {
    // reads only: a write would commit the open transaction and release what it held
    const leaky: AppVersion = {
      ...v1,
      id: 'leaky',
      endpoints: [v1.endpoints[0]],
      idleInTransactionAfterReads: true,
    }
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { leaky: 100 } }),
        step(
          'alter',
          { kind: 'migrate', sql: `set lock_timeout = '1s'; ${alterUsers}` },
          {
            expect: { result: { fails: '55P03' } },
          },
        ),
        step('stop-leaky', { kind: 'deploy', shares: { v1: 100 } }),
        step(
          'alter-again',
          { kind: 'migrate', sql: `set lock_timeout = '1s'; ${alterUsers}` },
          {
            expect: { result: 'succeeds', versions: { v1: 'ok' } },
          },
        ),
      ],
      { versions: [v1, leaky] },
    )
    assert.deepEqual(
      run.steps.flatMap((report) => report.expectations.map((result) => result.held)),
      [true, true, true],
    )
  })
})

describe('index builds', () => {
  const reader: AppVersion = { ...v1, endpoints: [v1.endpoints[0]] }
  const writer: AppVersion = { ...v1, id: 'writer', endpoints: [v1.endpoints[1]] }
  const buildIndex = (sql: string) =>
    simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 50, writer: 50 } }),
        step('index', { kind: 'migrate', sql }, { expect: { result: 'succeeds' } }),
      ],
      { versions: [reader, writer], tableRows: { users: 20_000_000 } },
    )
  const waited = (run: ScenarioRun, version: string) =>
    Math.max(
      ...run.simulation.records
        .filter((record) => record.step === 1 && record.version === version)
        .map((record) => record.lockWaitUs),
    )

  it('CREATE INDEX makes writes wait for the whole build but lets reads through', async () => {
    const run = await buildIndex('create index users_name on users (name)')
    assert.equal(run.simulation.actions[1].result?.ok, true)
    assert.equal(waited(run, 'v1'), 0)
    // the build takes 9.6 modelled seconds; writers give up at their 5 s timeout
    assert.equal(waited(run, 'writer'), 5_000_000)
  })

  it('CREATE INDEX CONCURRENTLY blocks neither reads nor writes', async () => {
    const run = await buildIndex('create index concurrently users_name on users (name)')
    assert.equal(run.simulation.actions[1].result?.ok, true)
    assert.deepEqual([waited(run, 'v1'), waited(run, 'writer')], [0, 0])
  })
})

describe('CREATE INDEX CONCURRENTLY', () => {
  it('waits for a session that wrote to the table and gives up with 55P03, leaving an INVALID index', async () => {
    const run = await simulate(
      [
        deployV1,
        step('refund', {
          kind: 'open session',
          session: 'refund',
          sql: "update users set name = 'x' where id = 7",
        }),
        step(
          'build',
          {
            kind: 'migrate',
            sql: "set lock_timeout = '2s';\ncreate index concurrently users_name on users (name);",
          },
          {
            expect: {
              versions: { v1: 'ok' },
              lockWaitMs: { atLeast: 2000, below: 2100 },
              result: { fails: '55P03' },
            },
          },
        ),
        step(
          'invalid',
          {
            kind: 'check',
            verb: 'assert',
            condition: {
              sql: "select 1 from pg_index where indexrelid = to_regclass('users_name') and not indisvalid",
            },
            withinMs: 0,
          },
          { expect: { result: 'succeeds' } },
        ),
      ],
      { tableRows: { users: 1_000_000 } },
    )
    assert.deepEqual(
      run.steps.slice(2).map((report) => report.expectations.map((result) => [result.claim, result.held])),
      [
        [
          ['v1 serves every request', true],
          ['longest lock wait below 2100 ms and longest lock wait at least 2000 ms', true],
          ['the step fails with 55P03', true],
        ],
        [['the step succeeds', true]],
      ],
    )
  })

  it('builds at once when the only open transaction read the table', async () => {
    const run = await simulate(
      [
        deployV1,
        step('report', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }),
        step(
          'build',
          {
            kind: 'migrate',
            sql: "set lock_timeout = '2s';\ncreate index concurrently users_name on users (name);",
          },
          { expect: { result: 'succeeds', lockWaitMs: { below: 100 } } },
        ),
      ],
      { tableRows: { users: 1_000_000 } },
    )
    assert.deepEqual(
      run.steps[2].expectations.map((result) => result.held),
      [true, true],
    )
  })
})

describe('statements Postgres refuses', () => {
  it('that an ADD COLUMN … NOT NULL that will fail with 23502 first queues for its lock: behind an idle reader, lock_timeout fails it with 55P03', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      step(
        'alter',
        { kind: 'migrate', sql: "set lock_timeout = '1s';\nalter table users add column code text not null" },
        { expect: { result: { fails: '55P03' }, versions: { v1: 'ok' } } },
      ),
      step('end report', { kind: 'end session', session: 'report', how: 'commit' }),
      step(
        'again',
        { kind: 'migrate', sql: 'alter table users add column code text not null' },
        { expect: { result: { fails: '23502' } } },
      ),
    ])
    assert.deepEqual(
      run.steps[2].expectations.map((result) => result.held),
      [true, true],
      claims(run, 'alter').join('\n'),
    )
    assert.deepEqual(
      run.steps[4].expectations.map((result) => result.held),
      [true],
    )
  })

  it('that a statement Postgres cannot parse fails at once, without queueing behind a reader', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      step(
        'typo',
        { kind: 'migrate', sql: "set lock_timeout = '1s';\nalter table users add colum x int" },
        { expect: { result: { fails: '42601' }, lockWaitMs: { below: 1 } } },
      ),
    ])
    assert.deepEqual(
      run.steps[2].expectations.map((result) => result.held),
      [true, true],
    )
  })

  it('that LOCK TABLE outside a transaction block is refused at once with 25P01, as Postgres does', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      step(
        'lock',
        { kind: 'migrate', sql: 'lock table users in access exclusive mode' },
        { expect: { result: { fails: '25P01' }, lockWaitMs: { below: 1 } } },
      ),
    ])
    assert.deepEqual(
      run.steps[2].expectations.map((result) => result.held),
      [true, true],
    )
  })
})
