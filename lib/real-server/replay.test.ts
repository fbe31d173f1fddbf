import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type pg from 'pg'
import { checkExpectations, type SimScenario, type Step } from '../sim'
import { replayOnRealServer } from './replay'
import { useRealServer } from './real-server-fixture'
import { createDatabase } from './server'

const server = useRealServer()

async function freshDatabase(name: string): Promise<void> {
  await createDatabase(server(), name, {
    setupSql: `create table users (id serial primary key, name text);
      insert into users (name) select 'user ' || n from generate_series(1, 200) as n`,
  })
}

async function connected(database: string, label: string): Promise<pg.Client> {
  const client = server().client(database)
  client.on('error', () => undefined)
  await client.connect()
  await client.query(`set application_name = '${label}'`)
  return client
}

async function pidOf(client: pg.Client): Promise<number> {
  return Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid)
}

// polls the server's own view until it shows what we wait for, or gives up after a few seconds
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + 5000
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error('the server never showed it')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('the real PostgreSQL server', () => {
  it('is PostgreSQL 18 from node_modules', () => {
    assert.match(server().version, /^PostgreSQL 18\./)
  })

  it('queues a SELECT behind an ALTER TABLE that waits on a session idle in transaction', async () => {
    await freshDatabase('queue_chain')
    const idle = await connected('queue_chain', 'idle session')
    const migration = await connected('queue_chain', 'migration')
    const reader = await connected('queue_chain', 'reader')
    const [idlePid, migrationPid, readerPid] = await Promise.all([idle, migration, reader].map(pidOf))
    await idle.query('begin')
    await idle.query('select id from users where id = 1')
    const altering = migration.query('alter table users add column first text')
    await eventually(async () => (await blockersOf(idle, migrationPid)).length > 0 || undefined)
    const reading = reader.query('select id from users where id = 2')
    const readerBlockers = await eventually(async () => {
      const blockers = await blockersOf(idle, readerPid)
      return blockers.length > 0 ? blockers : undefined
    })
    // the reader waits behind the waiting ALTER, which waits behind the idle session
    assert.deepEqual(readerBlockers, [migrationPid])
    assert.deepEqual(await blockersOf(idle, migrationPid), [idlePid])
    await idle.query('commit')
    await altering
    assert.equal((await reading).rowCount, 1)
    await Promise.all([idle.end(), migration.end(), reader.end()])
  })

  it('gives up on the ALTER with 55P03 after lock_timeout, and the SELECTs behind it go on', async () => {
    await freshDatabase('queue_timeout')
    const idle = await connected('queue_timeout', 'idle session')
    const migration = await connected('queue_timeout', 'migration')
    const reader = await connected('queue_timeout', 'reader')
    const migrationPid = await pidOf(migration)
    await idle.query('begin')
    await idle.query('select id from users where id = 1')
    await migration.query(`set lock_timeout = '1s'`)
    const started = performance.now()
    const altering = migration.query('alter table users add column first text').then(
      () => undefined,
      (error: { code?: string }) => ({ code: error.code, afterMs: performance.now() - started }),
    )
    await eventually(async () => (await blockersOf(idle, migrationPid)).length > 0 || undefined)
    const reading = reader.query('select id from users where id = 2')
    const failure = await altering
    assert.equal(failure?.code, '55P03')
    assert.ok(failure.afterMs >= 950 && failure.afterMs < 2000, `gave up after ${failure.afterMs} ms`)
    const readAt = performance.now()
    assert.equal((await reading).rowCount, 1)
    assert.ok(performance.now() - readAt < 500, 'the reader went on once the ALTER gave up')
    await idle.query('rollback')
    await Promise.all([idle.end(), migration.end(), reader.end()])
  })
})

describe('CREATE INDEX CONCURRENTLY on the real server', () => {
  // each case: what an idle session did before it went idle, and whether the build waited on it
  const cases: [string, string[], boolean][] = [
    ['a READ COMMITTED read of the table', ['begin', 'select count(*) from orders'], false],
    ['a write to the table', ['begin', 'update orders set total = total where id = 1'], true],
    ['a write to another table', ['begin', 'update other set id = 1'], false],
    [
      'a REPEATABLE READ read of another table',
      ['begin isolation level repeatable read', 'select * from other'],
      true,
    ],
  ]
  for (const [what, statements, stalls] of cases) {
    it(`${stalls ? 'waits' : 'does not wait'} for a session idle in transaction after ${what}`, async () => {
      const name = `cic_${cases.findIndex(([candidate]) => candidate === what)}`
      await createDatabase(server(), name, {
        setupSql: `create table orders (id serial primary key, total int); create table other (id int);
          insert into orders (total) select g from generate_series(1, 1000) as g; insert into other values (1)`,
      })
      const setup = await connected(name, 'setup')
      const idle = await connected(name, 'idle session')
      for (const statement of statements) await idle.query(statement)
      const builder = await connected(name, 'builder')
      await builder.query(`set lock_timeout = '500ms'`)
      const outcome = await builder.query('create index concurrently orders_total on orders (total)').then(
        () => 'built',
        (error: { code?: string }) => error.code,
      )
      assert.equal(outcome, stalls ? '55P03' : 'built')
      // a build that gave up leaves its index behind, INVALID
      const { rows } = await setup.query(
        `select indisvalid from pg_index where indexrelid = to_regclass('orders_total')`,
      )
      assert.deepEqual(rows, [{ indisvalid: !stalls }])
      await idle.query('rollback')
      await Promise.all([setup.end(), idle.end(), builder.end()])
    })
  }
})

async function blockersOf(client: pg.Client, pid: number): Promise<number[]> {
  const { rows } = await client.query('select pg_blocking_pids($1) as blockers', [pid])
  return (rows[0].blockers as number[]).map(Number)
}

function lockQueueScenario(migration: string): SimScenario {
  const step = (id: string, action: Step['action'], expect: Step['expect'], observeMs = 2000): Step => ({
    id,
    title: id,
    action,
    withinMs: 10_000,
    observeMs,
    expect,
  })
  return {
    seed: 'replay-test',
    requestsPerSecond: 100,
    tableRows: { users: 2_000_000 },
    versions: [
      {
        id: 'v1',
        label: 'v1',
        whenDatabaseDown: 'error',
        idleInTransactionAfterReads: false,
        connections: 8,
        timeoutMs: 5000,
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
      },
    ],
    invariants: [],
    steps: [
      step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { versions: { v1: 'ok' } }),
      step('open', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }, {}),
      step('migrate', { kind: 'migrate', sql: migration }, {}, 3000),
    ],
  }
}

describe('a replay on the real server', () => {
  it('times requests out behind a migration that waits on an open session, and names the chain', async () => {
    await freshDatabase('replay_naive')
    const scenario = lockQueueScenario('alter table users add column first text')
    const run = await replayOnRealServer(server(), 'replay_naive', scenario, {
      timeScale: 8,
      modelledMicros: new Map(),
    })
    const migrate = 2
    const timeouts = run.records.filter((record) => record.step === migrate && record.outcome === 'timeout')
    assert.ok(timeouts.length > 0, 'requests behind the waiting ALTER time out')
    assert.equal(
      run.actions[migrate].result,
      undefined,
      'the migration is still waiting when the replay ends',
    )
    const migrationWait = run.waits.find((wait) => wait.label === 'migration')
    assert.deepEqual(migrationWait?.blockedBy, ['session report'])
    assert.ok(run.waits.some((wait) => wait.label.startsWith('v1 #') && wait.blockedBy.includes('migration')))
  })

  it('keeps every request answered when the migration gives up after its lock_timeout', async () => {
    await freshDatabase('replay_safe')
    const scenario = lockQueueScenario(`set lock_timeout = '1s';\nalter table users add column first text;`)
    const run = await replayOnRealServer(server(), 'replay_safe', scenario, {
      timeScale: 8,
      modelledMicros: new Map(),
    })
    const migrate = 2
    const verdicts = checkExpectations(run, [
      ...scenario.steps.slice(0, migrate),
      { ...scenario.steps[migrate], expect: { versions: { v1: 'ok' }, result: { fails: '55P03' } } },
    ])
    assert.deepEqual(
      verdicts[migrate].map((verdict) => [verdict.claim, verdict.held]),
      [
        ['v1 serves every request', true],
        ['the step fails with 55P03', true],
      ],
    )
    // a lock_timeout of 1 virtual s: the wait the server reports, scaled back, is about that
    assert.ok(run.operatorLockWaitUs[migrate] >= 900_000 && run.operatorLockWaitUs[migrate] < 2_000_000)
  })
})

describe('a hang on the real server', () => {
  it('freezes the postmaster and its backends: a query and a connect wait until it goes on', async () => {
    await freshDatabase('hang_freeze')
    const open = await connected('hang_freeze', 'open')
    server().hangPostmaster()
    let queried: 'waiting' | 'answered' = 'waiting'
    let connecting: 'waiting' | 'connected' = 'waiting'
    const query = open.query('select count(*) from users').then(() => (queried = 'answered'))
    const late = server().client('hang_freeze')
    const connect = late.connect().then(() => (connecting = 'connected'))
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual([queried, connecting, server().isHanging], ['waiting', 'waiting', true])
    } finally {
      server().resumePostmaster()
    }
    await Promise.all([query, connect])
    assert.deepEqual([queried, connecting, server().isHanging], ['answered', 'connected', false])
    await Promise.all([open.end(), late.end()])
  })

  it('times requests out, fails them after a network timeout so the fallback answers, and answers again once it goes on', async () => {
    await freshDatabase('hang_replay')
    const run = await replayOnRealServer(server(), 'hang_replay', hangScenario(), {
      timeScale: 8,
      modelledMicros: new Map(),
    })
    // what the requests that arrived during each step and were answered before the network
    // healed came to (the last ones still waiting then are answered as it heals), and the quickest
    const healedUs = run.stepStartsUs[3]
    const answers = (step: number) => {
      const records = run.records.filter(
        (record) => record.step === step && (step === 3 || record.endedUs < healedUs),
      )
      return {
        outcomes: [...new Set(records.map((record) => record.outcome))].sort(),
        fastestMs: Math.min(...records.map((record) => (record.endedUs - record.arrivedUs) / 1000)),
      }
    }
    const [hang, bounded, healed] = [answers(1), answers(2), answers(3)]
    assert.deepEqual([hang.outcomes, bounded.outcomes, healed.outcomes], [['timeout'], ['degraded'], ['ok']])
    // in virtual ms, on a scaled wall clock: about the app's 5 s timeout, and the 1 s network timeout
    assert.ok(hang.fastestMs >= 4800, `timed out after ${hang.fastestMs} ms`)
    assert.ok(bounded.fastestMs >= 900 && bounded.fastestMs < 2000, `fell back after ${bounded.fastestMs} ms`)
    assert.equal(server().isHanging, false)
  })
})

// v1 waits for a database that hangs until its timeout; v2 gives up after a second, with
// connections enough for 10 requests a second to wait that long
function hangScenario(): SimScenario {
  const endpoints = [
    {
      name: 'GET /user',
      sql: 'select id, name from users where id = $1',
      params: [{ int: [1, 200] as [number, number] }],
      weight: 1,
    },
  ]
  const version = {
    whenDatabaseDown: 'fallback' as const,
    idleInTransactionAfterReads: false,
    timeoutMs: 5000,
    endpoints,
  }
  const step = (id: string, action: Step['action'], observeMs: number): Step => ({
    id,
    title: id,
    action,
    withinMs: 10_000,
    observeMs,
    expect: {},
  })
  return {
    seed: 'hang-test',
    requestsPerSecond: 10,
    tableRows: {},
    versions: [
      { ...version, id: 'v1', label: 'v1', connections: 5 },
      { ...version, id: 'v2', label: 'v2', connections: 30, networkTimeoutMs: 1000 },
    ],
    invariants: [],
    steps: [
      step('deploy', { kind: 'deploy', shares: { v1: 100 } }, 2000),
      step('hang', { kind: 'database', state: 'hang' }, 4000),
      step('bound', { kind: 'deploy', shares: { v2: 100 } }, 6000),
      step('heal', { kind: 'database', state: 'start' }, 2000),
    ],
  }
}
