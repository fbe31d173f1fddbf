import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { AppVersion, SimScenario, Step, StepAction } from './model'
import { runScenario, type ScenarioRun } from './run-scenario'
import { Simulation } from './simulation'

const setup = `
  create table users (id serial primary key, name text not null);
  insert into users (name) select 'user ' || g from generate_series(1, 200) g;`

const v1: AppVersion = {
  id: 'v1',
  label: 'v1.0.0',
  endpoints: [
    {
      name: 'GET /user',
      sql: 'select id, name from users where id = $1',
      params: [{ int: [1, 200] }],
      weight: 3,
    },
    {
      name: 'POST /user',
      sql: 'insert into users (name) values ($1)',
      params: [{ name: 2 }],
      weight: 1,
    },
  ],
  whenDatabaseDown: 'error',
  idleInTransactionAfterReads: false,
  connections: 8,
  timeoutMs: 5000,
}

function step(id: string, action: StepAction, more: Partial<Step> = {}): Step {
  return { id, title: id, action, withinMs: 60_000, observeMs: 2000, expect: {}, ...more }
}

async function simulate(steps: Step[], more: Partial<SimScenario> = {}): Promise<ScenarioRun> {
  const database = await openDatabase()
  try {
    const created = await database.runScript(setup)
    assert.equal(created.ok, true)
    return await runScenario(database, {
      seed: 'test',
      requestsPerSecond: 100,
      tableRows: {},
      versions: [v1],
      invariants: [],
      steps,
      ...more,
    })
  } finally {
    await database.close()
  }
}

const deployV1 = step(
  'deploy',
  { kind: 'deploy', shares: { v1: 100 } },
  { expect: { versions: { v1: 'ok' } } },
)
const openReport = step('report', {
  kind: 'open session',
  session: 'report',
  sql: 'select count(*) from users',
})

const claims = (run: ScenarioRun, stepId: string) =>
  run.steps
    .find((step) => step.id === stepId)!
    .expectations.map((result) => `${result.held ? 'held' : 'FAILED'}: ${result.claim} (${result.actual})`)

const alterUsers = 'alter table users add column first text'

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

describe('the lock queue', () => {
  it('stops every later request behind an ALTER TABLE that waits for a session idle in transaction', async () => {
    const run = await simulate([
      deployV1,
      openReport,
      step(
        'alter',
        { kind: 'migrate', sql: alterUsers },
        {
          withinMs: 10_000,
          expect: { versions: { v1: 'times out' }, lockWaitMs: { atLeast: 5000 } },
        },
      ),
    ])
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
      { versions: [reader, writer], tableRows: { users: 5_000_000 } },
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
    // the build takes 11 modelled seconds; writers give up at their 5 s timeout
    assert.equal(waited(run, 'writer'), 5_000_000)
  })

  it('CREATE INDEX CONCURRENTLY blocks neither reads nor writes', async () => {
    const run = await buildIndex('create index concurrently users_name on users (name)')
    assert.equal(run.simulation.actions[1].result?.ok, true)
    assert.deepEqual([waited(run, 'v1'), waited(run, 'writer')], [0, 0])
  })
})

describe('claims per endpoint', () => {
  it('tell a version’s reads going on from its writes waiting behind a CREATE INDEX', async () => {
    const run = await simulate(
      [
        deployV1,
        step(
          'index',
          { kind: 'migrate', sql: 'create index users_name on users (name)' },
          { expect: { endpoints: { 'v1 GET /user': 'ok', 'v1 POST /user': 'times out' } } },
        ),
      ],
      { tableRows: { users: 5_000_000 } },
    )
    assert.deepEqual(
      run.steps[1].expectations.map((result) => [result.claim, result.held]),
      [
        ['v1 GET /user serves every request', true],
        ['v1 POST /user times out', true],
      ],
    )
  })
})

describe('old code on a new schema', () => {
  it('breaks the old version with 42703 once a column it reads is renamed', async () => {
    const run = await simulate([
      deployV1,
      step(
        'rename',
        { kind: 'migrate', sql: 'alter table users rename column name to full_name' },
        {
          expect: { versions: { v1: { fails: '42703' } }, result: 'succeeds' },
        },
      ),
    ])
    assert.deepEqual(
      run.steps[1].expectations.map((result) => result.held),
      [true, true],
    )
    const codes = new Set(
      run.simulation.records
        .filter((record) => record.step === 1)
        .map((record) => record.code ?? record.outcome),
    )
    assert.ok(codes.has('42703'))
  })

  it('breaks old INSERTs with 23502 once a NOT NULL column loses its default', async () => {
    const run = await simulate([
      deployV1,
      step(
        'add-slug',
        {
          kind: 'migrate',
          sql: "alter table users add column slug text not null default ''; alter table users alter column slug drop default",
        },
        { expect: { versions: { v1: { fails: '23502' } } } },
      ),
    ])
    assert.equal(run.steps[1].expectations[0].held, true)
    const failures = run.simulation.records.filter((record) => record.code === '23502')
    assert.ok(failures.every((record) => record.endpoint === 'POST /user'))
  })
})

describe('the zero-downtime claim', () => {
  it('holds while every deployed version serves, and fails naming the version that does not', async () => {
    const v2: AppVersion = {
      ...v1,
      id: 'v2',
      label: 'v2.0.0',
      endpoints: [
        {
          name: 'GET /user',
          sql: 'select id, email from users where id = $1',
          params: [{ int: [1, 200] }],
          weight: 1,
        },
      ],
    }
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { expect: { allVersions: 'ok' } }),
        step('too-early', { kind: 'deploy', shares: { v1: 50, v2: 50 } }, { expect: { allVersions: 'ok' } }),
      ],
      { versions: [v1, v2] },
    )
    const [served, broken] = run.steps.map((report) => report.expectations[0])
    assert.deepEqual([served.claim, served.held], ['every version serves every request', true])
    assert.equal(broken.held, false)
    assert.match(broken.actual, /^v2: .*42703/)
  })
})

describe('sequence parameters', () => {
  it('go on from a given start, so a simulation resumed on written rows hands out new values', async () => {
    const database = await openDatabase()
    try {
      assert.equal((await database.runScript(setup)).ok, true)
      const writer: AppVersion = {
        ...v1,
        endpoints: [
          {
            name: 'POST /user',
            sql: 'insert into users (name) values ($1)',
            params: [{ sequence: 'user-' }],
            weight: 1,
          },
        ],
      }
      const simulation = await Simulation.start(database, {
        seed: 'test',
        requestsPerSecond: 20,
        tableRows: {},
        versions: [writer],
        invariants: [],
        steps: [],
      })
      simulation.continueSequencesFrom(2_000_000)
      simulation.applyNow({ kind: 'deploy', shares: { v1: 100 } })
      await simulation.runUntil(1_000_000)
      const names = await database.run("select name from users where name like 'user-%' order by id")
      assert.ok(names.ok && names.rows.length > 0)
      assert.deepEqual(names.rows[0], ['user-2000001'])
    } finally {
      await database.close()
    }
  })
})

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
