import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from './node'
import { rowLockOfKeyedWrite } from './row-locks'

describe('row locks', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    await database.runScript(`
      create table users (id int primary key, name text);
      insert into users select g, 'user ' || g from generate_series(1, 20) g;
      create table notes (body text);
      insert into notes values ('a'), ('b');`)
  })
  after(() => database.close())

  const rowLocksOf = async (...statements: string[]) => {
    const probe = await database.probeTransaction(statements.map((sql) => ({ sql })))
    assert.ok(probe.ok)
    return probe.statements.map((statement) => statement.rowLocks ?? [])
  }

  it('that the probe names the rows an UPDATE, a DELETE and SELECT … FOR UPDATE lock, by primary key', async () => {
    assert.deepEqual(await rowLocksOf('update users set name = name where id between 2 and 3'), [
      [{ table: 'users', keys: ['id=2', 'id=3'] }],
    ])
    assert.deepEqual(await rowLocksOf('delete from users where id = 20'), [
      [{ table: 'users', keys: ['id=20'] }],
    ])
    assert.deepEqual(await rowLocksOf('select * from users where id = 7 for update'), [
      [{ table: 'users', keys: ['id=7'] }],
    ])
  })

  it('that a later statement of the same transaction reports only the rows it adds', async () => {
    assert.deepEqual(
      await rowLocksOf(
        'update users set name = name where id < 3',
        'update users set name = name where id < 5',
      ),
      [[{ table: 'users', keys: ['id=1', 'id=2'] }], [{ table: 'users', keys: ['id=3', 'id=4'] }]],
    )
  })

  it('that a table without a one-column primary key is locked whole, and a read locks nothing', async () => {
    assert.deepEqual(
      await rowLocksOf("update notes set body = 'c' where body = 'a'", 'select * from users'),
      [[{ table: 'notes', keys: 'all' }], []],
    )
  })

  it('that an app statement by key names its row from its parameter or literal, and others name none', () => {
    assert.deepEqual(
      [
        rowLockOfKeyedWrite('update users set name = $2 where id = $1', [7, 'x']),
        rowLockOfKeyedWrite('delete from users where id = 3', []),
        rowLockOfKeyedWrite('update users set name = name where id > $1', [1]),
        rowLockOfKeyedWrite('select * from users where id = $1', [1]),
      ],
      [{ table: 'users', keys: ['id=7'] }, { table: 'users', keys: ['id=3'] }, undefined, undefined],
    )
  })
})
