import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import { notModelledReasonOf } from './not-modelled'
import { startWithoutTraffic } from './simulation-fixture'

describe('what the simulator says it does not model', () => {
  it('that settings Postgres acts on and the simulator ignores are named, and modelled ones are not', () => {
    const said = [
      "set idle_in_transaction_session_timeout = '5s'",
      'SET SESSION transaction_timeout TO 1000',
      'set deadlock_timeout = 100',
      'set session characteristics as transaction isolation level serializable',
      "set lock_timeout = '1s'",
      'select 1',
    ].map((sql) => notModelledReasonOf(sql) !== undefined)
    assert.deepEqual(said, [true, true, true, true, false, false])
  })

  it('that the console says so when it runs one, in a transaction or not', async () => {
    const database = await openDatabase()
    try {
      const simulation = await startWithoutTraffic(database)
      const send = (sql: string) =>
        new Promise<void>((resolve) => simulation.runConsoleStatement(sql, () => resolve()))
      const run = async (sql: string) => {
        const answered = send(sql)
        await simulation.runUntil(simulation.nowUs + 100_000)
        await answered
      }
      await run("set idle_in_transaction_session_timeout = '5s'")
      await run('begin')
      await run("set local deadlock_timeout = '100ms'")
      const notes = simulation.events.filter((event) => event.type === 'not modelled')
      assert.deepEqual(
        notes.map((event) => (event.type === 'not modelled' ? [event.session, event.sql] : [])),
        [
          ['console', "set idle_in_transaction_session_timeout = '5s'"],
          ['console', "set local deadlock_timeout = '100ms'"],
        ],
      )
    } finally {
      await database.close()
    }
  })
})
