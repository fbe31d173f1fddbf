import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import { runScenario, type ScenarioRun } from './run-scenario'
import { claims, deployV1, setup, simulate, startWithoutTraffic, step, v1 } from './simulation-fixture'
import type { Step } from './model'

// the fixture's users table, with an index to rebuild or drop, and runs that keep the database
// so what a failure left behind can be read
async function simulateAndList(steps: Step[]): Promise<{ run: ScenarioRun; indexes: string[] }> {
  const database = await openDatabase()
  try {
    assert.equal((await database.runScript(`${setup}\ncreate index users_name on users (name);`)).ok, true)
    const run = await runScenario(database, {
      seed: 'test',
      requestsPerSecond: 100,
      tableRows: { users: 1_000_000 },
      versions: [v1],
      invariants: [],
      steps,
    })
    const listed = await database.run(
      `select c.relname || case when i.indisvalid then '' else ' INVALID' end
       from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = 'users'::regclass order by 1`,
    )
    return { run, indexes: listed.ok ? listed.rows.map(([name]) => name ?? '') : [] }
  } finally {
    await database.close()
  }
}

const behind = (sql: string, expect: Step['expect']) =>
  step('statement', { kind: 'migrate', sql: `set lock_timeout = '1s';\n${sql}` }, { expect, observeMs: 500 })

const repeatableReadReport = step('report', {
  kind: 'open session',
  session: 'report',
  sql: 'set transaction isolation level repeatable read;\nselect count(*) from users',
})

const idleWriter = step('writer', {
  kind: 'open session',
  session: 'writer',
  sql: 'update users set name = name where id = 1',
})

describe('statements that run outside a transaction block, phase by phase', () => {
  it('that CREATE INDEX CONCURRENTLY waits for a REPEATABLE READ snapshot, fails with 55P03 under lock_timeout and leaves its index INVALID', async () => {
    const { run, indexes } = await simulateAndList([
      deployV1,
      repeatableReadReport,
      behind('create index concurrently users_name_id on users (name, id)', {
        result: { fails: '55P03' },
        versions: { v1: 'ok' },
      }),
    ])
    assert.deepEqual(
      claims(run, 'statement').map((line) => line.split(':')[0]),
      ['held', 'held'],
    )
    assert.deepEqual(indexes, ['users_name', 'users_name_id INVALID', 'users_pkey'])
  })

  it('that CREATE INDEX CONCURRENTLY behind a READ COMMITTED reader idle in its transaction builds the index', async () => {
    const { run, indexes } = await simulateAndList([
      deployV1,
      step('report', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }),
      behind('create index concurrently users_name_id on users (name, id)', { result: 'succeeds' }),
    ])
    assert.deepEqual(
      claims(run, 'statement').map((line) => line.split(':')[0]),
      ['held'],
    )
    assert.deepEqual(indexes, ['users_name', 'users_name_id', 'users_pkey'])
  })

  it('that DROP INDEX CONCURRENTLY waits for an idle reader of the table, and its failure leaves the index there, INVALID', async () => {
    const { run, indexes } = await simulateAndList([
      deployV1,
      step('report', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }),
      behind('drop index concurrently users_name', { result: { fails: '55P03' } }),
    ])
    assert.deepEqual(
      claims(run, 'statement').map((line) => line.split(':')[0]),
      ['held'],
    )
    assert.deepEqual(indexes, ['users_name INVALID', 'users_pkey'])
  })

  it('that REINDEX INDEX CONCURRENTLY behind an idle writer leaves an INVALID copy named _ccnew', async () => {
    const { indexes } = await simulateAndList([
      deployV1,
      idleWriter,
      behind('reindex index concurrently users_name', { result: { fails: '55P03' } }),
    ])
    assert.deepEqual(indexes, ['users_name', 'users_name_ccnew INVALID', 'users_pkey'])
  })

  it('that a unique concurrent build failing on duplicate rows leaves its index, INVALID', async () => {
    const { run, indexes } = await simulateAndList([
      deployV1,
      step('duplicate', { kind: 'migrate', sql: "insert into users (name) values ('user 1')" }),
      behind('create unique index concurrently users_name_unique on users (name)', {
        result: { fails: '23505' },
      }),
    ])
    assert.deepEqual(
      claims(run, 'statement').map((line) => line.split(':')[0]),
      ['held'],
    )
    assert.deepEqual(indexes, ['users_name', 'users_name_unique INVALID', 'users_pkey'])
  })

  it('that a concurrent build terminated while it waits leaves its index, INVALID, as a failure does', async () => {
    const database = await openDatabase()
    try {
      await database.runScript(setup)
      const simulation = await startWithoutTraffic(database)
      simulation.applyNow({
        kind: 'open session',
        session: 'writer',
        sql: 'update users set name = name where id = 1',
      })
      await simulation.runUntil(100_000)
      simulation.applyNow({
        kind: 'migrate',
        sql: 'create index concurrently users_name_idx on users (name)',
      })
      await simulation.runUntil(1_000_000)
      const build = simulation.listSessions().find((session) => session.label === 'migration')
      assert.equal(build?.state, 'waiting')
      assert.equal(simulation.terminate(build.owner), true)
      await simulation.runUntil(2_000_000)
      const listed = await database.run(
        "select indisvalid::text from pg_index where indexrelid = to_regclass('users_name_idx')",
      )
      assert.deepEqual(listed.ok && listed.rows, [['false']])
    } finally {
      await database.close()
    }
  })

  it('that VACUUM FULL takes ACCESS EXCLUSIVE and holds it while it rewrites: requests queue behind it', async () => {
    const { run } = await simulateAndList([
      deployV1,
      step(
        'vacuum',
        { kind: 'migrate', sql: 'vacuum full users' },
        { expect: { result: 'succeeds', lockWaitMs: { atLeast: 1400 } }, observeMs: 0 },
      ),
    ])
    assert.deepEqual(
      claims(run, 'vacuum').map((line) => line.split(':')[0]),
      ['held', 'held'],
    )
  })

  it('that plain VACUUM runs beside traffic and an idle writer', async () => {
    const { run } = await simulateAndList([
      deployV1,
      idleWriter,
      behind('vacuum users', { result: 'succeeds', versions: { v1: 'ok' } }),
    ])
    assert.deepEqual(
      claims(run, 'statement').map((line) => line.split(':')[0]),
      ['held', 'held'],
    )
  })

  it('that DETACH PARTITION CONCURRENTLY is said to be not modelled, with the reason', async () => {
    const database = await openDatabase()
    try {
      await database.runScript(`
        create table ledger (id int not null, amount int) partition by range (id);
        create table ledger_1 partition of ledger for values from (1) to (1000);`)
      const run = await runScenario(database, {
        seed: 'test',
        requestsPerSecond: 0,
        tableRows: {},
        versions: [v1],
        invariants: [],
        steps: [
          step('detach', {
            kind: 'migrate',
            sql: 'alter table ledger detach partition ledger_1 concurrently',
          }),
        ],
      })
      const said = run.simulation.events.filter((event) => event.type === 'not modelled')
      assert.equal(said.length, 1)
      assert.match(said[0].type === 'not modelled' ? said[0].reason : '', /detach pending/)
    } finally {
      await database.close()
    }
  })
})

describe('row locks', () => {
  const writes = (ids: [number, number]): typeof v1 => ({
    ...v1,
    endpoints: [
      {
        name: 'PATCH /user',
        sql: 'update users set name = name where id = $1',
        params: [{ int: ids }],
        weight: 1,
      },
    ],
  })
  const held = (run: ScenarioRun) =>
    run.steps.map((report) => report.expectations.map((result) => result.held))

  it('that an app UPDATE by key waits for a session that updated every row, until it commits', async () => {
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { expect: { versions: { v1: 'ok' } } }),
        step(
          'backfill',
          { kind: 'open session', session: 'backfill', sql: "update users set name = name || '!'" },
          { expect: { versions: { v1: 'times out' } }, observeMs: 6000 },
        ),
        step(
          'commit',
          { kind: 'end session', session: 'backfill', how: 'commit' },
          { expect: { versions: { v1: 'ok' } } },
        ),
      ],
      { requestsPerSecond: 50, versions: [writes([1, 200])] },
    )
    assert.deepEqual(held(run), [[true], [true], [true]])
  })

  it('that an UPDATE of one row leaves updates of other rows free, and a statement meeting a locked row fails under lock_timeout', async () => {
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }),
        step(
          'one row',
          { kind: 'open session', session: 'writer', sql: 'update users set name = name where id = 150' },
          { expect: { versions: { v1: 'ok' } } },
        ),
        step(
          'every row',
          { kind: 'migrate', sql: "set lock_timeout = '1s';\nupdate users set name = name" },
          { expect: { result: { fails: '55P03' } } },
        ),
      ],
      { requestsPerSecond: 50, versions: [writes([1, 100])] },
    )
    assert.deepEqual(held(run).slice(1), [[true], [true]])
  })
})
