import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildSnapshot, startWorkerDatabase } from './node'
import type { WorkerDatabase } from './worker-client'

describe('WorkerDatabase in a worker thread', () => {
  let database: WorkerDatabase
  before(async () => {
    const built = await buildSnapshot("create table notes (body text); insert into notes values ('kept');")
    assert.equal(built.ok, true)
    if (!built.ok) return
    database = await startWorkerDatabase(built.snapshot)
  })
  after(() => database.close())

  it('answers a query across the RPC', async () => {
    const result = await database.run('select body from notes')
    assert.deepEqual(result.ok && result.rows, [['kept']])
  })

  it('brings back an error as data across the RPC', async () => {
    const result = await database.run('select 1 +')
    assert.deepEqual(!result.ok && [result.error.code, result.error.position], ['42601', 11])
  })

  it('keeps a write that asked for a restore point when a statement queued right behind it is cancelled', async () => {
    await database.runScript("insert into notes values ('saved before the runaway')", {
      keepRestorePoint: true,
    })
    const running = database.run('select pg_sleep(600)')
    await database.whenRunning()
    await database.cancel()
    assert.deepEqual((await running).ok, false)
    const after = await database.run('select body from notes order by body')
    assert.deepEqual(after.ok && after.rows, [['kept'], ['saved before the runaway']])
    await database.run("delete from notes where body <> 'kept'")
    await database.saveRestorePoint()
  })

  it('cancels a running pg_sleep by promoting the standby, and answers again from the restore point', async () => {
    await database.run("insert into notes values ('lost when cancelled')")
    const running = database.run('select pg_sleep(600)')
    await database.whenRunning()
    assert.equal(await database.cancel(), 'standby')
    const result = await running
    assert.deepEqual(!result.ok && result.error.code, '57014')
    const after = await database.run('select body from notes')
    assert.deepEqual(after.ok && after.rows, [['kept']])
  })
})

describe('WorkerDatabase without a standby', () => {
  it('cancels by opening the restore point in a fresh worker', async () => {
    const built = await buildSnapshot("create table notes (body text); insert into notes values ('kept');")
    assert.equal(built.ok, true)
    if (!built.ok) return
    const database = await startWorkerDatabase(built.snapshot, { standby: false })
    try {
      const running = database.run('select pg_sleep(600)')
      await database.whenRunning()
      assert.equal(await database.cancel(), 'fresh worker')
      assert.deepEqual(!(await running).ok && 'cancelled', 'cancelled')
      const after = await database.run('select body from notes')
      assert.deepEqual(after.ok && after.rows, [['kept']])
    } finally {
      await database.close()
    }
  })
})

describe('WorkerDatabase.isAt', () => {
  it('is at the snapshot it opened from until a statement runs, and at one it restored until the next', async () => {
    const built = await buildSnapshot('create table notes (body text);')
    assert.equal(built.ok, true)
    if (!built.ok) return
    const database = await startWorkerDatabase(built.snapshot, { standby: false })
    try {
      assert.equal(database.isAt(built.snapshot), true)
      // an equal copy is not the same snapshot: only the object it opened from counts
      assert.equal(database.isAt(built.snapshot.slice()), false)
      await database.transactionState()
      assert.equal(database.isAt(built.snapshot), true, 'asking the transaction state changes nothing')
      const running = database.run("insert into notes values ('a write')")
      assert.equal(database.isAt(built.snapshot), false, 'a call counts from the moment it is made')
      await running
      assert.equal(database.isAt(built.snapshot), false)
      await database.restore(built.snapshot)
      assert.equal(database.isAt(built.snapshot), true)
      const rows = await database.run('select count(*) from notes')
      assert.deepEqual(rows.ok && rows.rows, [['0']])
    } finally {
      await database.close()
    }
  })
})
