import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildSnapshot, openDatabase, type PgliteDatabase } from './node'

const schema = `
create table users (id bigint generated always as identity primary key, name text not null, email text);
insert into users (name, email) values ('Ada Lovelace', 'ada@example.org'), ('Alan Turing', null);`

describe('PgliteDatabase', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    const setup = await database.runScript(schema)
    assert.equal(setup.ok, true)
  })
  after(() => database.close())

  it('returns rows as Postgres text, with NULL as null', async () => {
    const result = await database.run('select id, name, email, 1.50::numeric as price from users order by id')
    assert.equal(result.ok, true)
    if (!result.ok) return
    assert.deepEqual(
      { command: result.command, fields: result.fields.map((field) => field.name), rows: result.rows },
      {
        command: 'SELECT',
        fields: ['id', 'name', 'email', 'price'],
        rows: [
          ['1', 'Ada Lovelace', 'ada@example.org', '1.50'],
          ['2', 'Alan Turing', null, '1.50'],
        ],
      },
    )
  })

  it('runs a query with parameters', async () => {
    const result = await database.query('select name from users where id = $1', [2])
    assert.deepEqual(result.ok && result.rows, [['Alan Turing']])
  })

  it('returns an undefined column as 42703 data with its position', async () => {
    const result = await database.run('select nam from users')
    assert.deepEqual(!result.ok && result.error, {
      code: '42703',
      message: 'column "nam" does not exist',
      hint: 'Perhaps you meant to reference the column "users.name".',
      position: 8,
      severity: 'ERROR',
    })
  })

  it('returns a not-null violation as 23502 data with its detail', async () => {
    const result = await database.run("insert into users (name, email) values (null, 'x@example.org')")
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.deepEqual(
      {
        code: result.error.code,
        message: result.error.message,
        detail: result.error.detail,
        table: result.error.table,
        column: result.error.column,
      },
      {
        code: '23502',
        message: 'null value in column "name" of relation "users" violates not-null constraint',
        detail: 'Failing row contains (3, null, x@example.org).',
        table: 'users',
        column: 'name',
      },
    )
  })

  it('maps an error position in a script to the whole script and rolls back the open transaction', async () => {
    const script = "begin;\ninsert into users (name) values ('Grace');\nselect nope from users;\ncommit;"
    const result = await database.runScript(script)
    assert.equal(result.ok, false)
    assert.equal(result.rolledBack, true)
    assert.equal(result.error?.statementIndex, 2)
    assert.equal(script.slice((result.error?.position ?? 0) - 1).startsWith('nope'), true)
    const count = await database.run('select count(*) from users')
    assert.deepEqual(count.ok && count.rows, [['2']])
    assert.equal(await database.transactionState(), 'idle')
  })

  it('reports the transaction state as psql prompts show it', async () => {
    await database.run('begin')
    assert.equal(await database.transactionState(), 'open')
    await database.run('select 1/0')
    assert.equal(await database.transactionState(), 'failed')
    await database.run('rollback')
    assert.equal(await database.transactionState(), 'idle')
  })

  it('restores a snapshot: later changes are gone, earlier data is back', async () => {
    const snapshot = await database.snapshot()
    await database.runScript("insert into users (name) values ('Grace Hopper'); drop table users;")
    await database.restore(snapshot)
    const result = await database.run('select name from users order by id')
    assert.deepEqual(result.ok && result.rows, [['Ada Lovelace'], ['Alan Turing']])
  })
})

describe('a lesson snapshot', () => {
  it('has no template0, and CREATE DATABASE still works from template1', async () => {
    const built = await buildSnapshot('create table notes (body text);')
    assert.equal(built.ok, true)
    if (!built.ok) return
    const database = await openDatabase({ snapshot: built.snapshot })
    try {
      const names = await database.run('select datname from pg_database order by datname')
      assert.deepEqual(names.ok && names.rows, [['postgres'], ['template1']])
      const created = await database.run('create database scratch')
      assert.deepEqual(created.ok && created.command, 'CREATE')
    } finally {
      await database.close()
    }
  })
})
