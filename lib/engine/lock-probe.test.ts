import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from './node'

const tableLocks = (probe: Awaited<ReturnType<PgliteDatabase['probeLocks']>>) =>
  probe.ok
    ? probe.locks.filter((lock) => lock.kind === 'table').map((lock) => `${lock.relation} ${lock.mode}`)
    : probe

describe('probeLocks', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    await database.runScript(`
      create table users (id int primary key, name text);
      insert into users select g, 'user ' || g from generate_series(1, 100) g;`)
  })
  after(() => database.close())

  it('reports ADD COLUMN as ACCESS EXCLUSIVE without a rewrite', async () => {
    const probe = await database.probeLocks('alter table users add column first text')
    assert.deepEqual(tableLocks(probe), ['users AccessExclusiveLock'])
    assert.deepEqual(probe.ok && probe.rewrites, [])
  })

  it('reports CREATE INDEX as SHARE', async () => {
    const probe = await database.probeLocks('create index users_name on users (name)')
    assert.deepEqual(tableLocks(probe), ['users ShareLock'])
  })

  it('reports a table renamed or dropped under the name it had, the name other sessions ask for', async () => {
    const renamed = await database.probeLocks('alter table users rename to customers')
    assert.deepEqual(tableLocks(renamed), ['users AccessExclusiveLock'])
    const dropped = await database.probeLocks('drop table users')
    assert.deepEqual(tableLocks(dropped), ['users AccessExclusiveLock'])
  })

  it('reports SELECT as ACCESS SHARE', async () => {
    const probe = await database.probeLocks('select * from users where id = 1')
    assert.deepEqual(tableLocks(probe), ['users AccessShareLock'])
  })

  it('reports a volatile-default ADD COLUMN as a rewrite, and a constant default as none', async () => {
    const volatile = await database.probeLocks('alter table users add column r float default random()')
    assert.deepEqual(volatile.ok && volatile.rewrites, ['users'])
    const constant = await database.probeLocks("alter table users add column s text default 'x'")
    assert.deepEqual(constant.ok && constant.rewrites, [])
  })

  it('reports the scan that SET NOT NULL does to verify existing rows', async () => {
    const probe = await database.probeLocks('alter table users alter column name set not null')
    assert.deepEqual(probe.ok && probe.scans, ['users'])
  })

  it('keeps nothing the probed statement did', async () => {
    await database.probeLocks('drop table users')
    const result = await database.run('select count(*) from users')
    assert.deepEqual(result.ok && result.rows, [['100']])
  })

  it('reports the documented SHARE UPDATE EXCLUSIVE for CREATE INDEX CONCURRENTLY', async () => {
    const probe = await database.probeLocks('create index concurrently users_name on users (name)')
    assert.deepEqual(probe, {
      ok: true,
      locks: [{ relation: 'users', kind: 'table', mode: 'ShareUpdateExclusiveLock' }],
      rewrites: [],
      scans: [],
      source: 'known',
    })
  })

  it('returns the statement’s own error as data', async () => {
    const probe = await database.probeLocks('alter table nope add column x int')
    assert.deepEqual(!probe.ok && probe.error.code, '42P01')
  })

  it('probes a transaction in order: each statement sees the ones before it and reports only the locks it adds', async () => {
    const probe = await database.probeTransaction([
      { sql: 'alter table users add column first text' },
      { sql: "update users set first = split_part(name, ' ', 1) where id <= $1", params: [40] },
    ])
    assert.equal(probe.ok, true)
    const [alter, backfill] = probe.statements
    assert.deepEqual(
      alter.locks.filter((lock) => lock.kind === 'table').map((lock) => lock.mode),
      ['AccessExclusiveLock'],
    )
    assert.deepEqual([backfill.command, backfill.rowCount], ['UPDATE', 40])
    assert.deepEqual(
      backfill.locks.filter((lock) => lock.kind === 'table').map((lock) => lock.mode),
      ['RowExclusiveLock'],
    )
    const after = await database.run(
      'select count(*) from information_schema.columns where column_name = $$first$$',
    )
    assert.deepEqual(after.ok && after.rows, [['0']])
  })

  it('names the statement of a transaction that Postgres refused, with the ones before it', async () => {
    const probe = await database.probeTransaction([
      { sql: 'alter table users add column nickname text' },
      { sql: 'alter table users alter column nickname set not null' },
    ])
    assert.deepEqual(!probe.ok && [probe.failedIndex, probe.error.code, probe.statements.length], [
      1,
      '23502',
      1,
    ])
  })
})
