import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { ConsoleAnswer } from './console-connection'
import type { Simulation } from './simulation'
import { setup, startWithoutTraffic } from './simulation-fixture'

describe('the console session', () => {
  let database: Awaited<ReturnType<typeof openDatabase>>
  before(async () => {
    database = await openDatabase()
    assert.equal((await database.runScript(setup)).ok, true)
  })
  after(() => database.close())

  const start = () => startWithoutTraffic(database)
  // types a statement and lets virtual time pass until it has been answered
  const type = async (simulation: Simulation, sql: string) => {
    let answer: ConsoleAnswer | undefined
    simulation.runConsoleStatement(sql, (answered) => (answer = answered))
    await simulation.runUntil(simulation.nowUs + 10_000_000)
    assert.ok(answer, `no answer to ${sql}`)
    return answer
  }
  const countUsers = async () => {
    const counted = await database.run('select count(*) from users')
    return counted.ok ? Number(counted.rows[0][0]) : undefined
  }

  it('runs a transaction block for real only at COMMIT', async () => {
    const simulation = await start()
    const answers = [
      await type(simulation, 'begin'),
      await type(simulation, "insert into users (name) values ('typed')"),
    ]
    const countedInside = await countUsers()
    answers.push(await type(simulation, 'commit'))
    assert.deepEqual(
      answers.map(({ result, transaction }) => [result.ok && result.command, transaction]),
      [
        ['BEGIN', 'open'],
        ['INSERT', 'open'],
        ['COMMIT', 'idle'],
      ],
    )
    assert.deepEqual([countedInside, await countUsers()], [200, 201])
  })

  it('ignores statements after an error with 25P02 until ROLLBACK', async () => {
    const simulation = await start()
    const answers = []
    for (const sql of ['begin', 'select nope from users', 'select 1', 'rollback'])
      answers.push(await type(simulation, sql))
    assert.deepEqual(
      answers.map(({ result, transaction }) => [result.ok ? result.command : result.error.code, transaction]),
      [
        ['BEGIN', 'open'],
        ['42703', 'failed'],
        ['25P02', 'failed'],
        ['ROLLBACK', 'idle'],
      ],
    )
  })

  it('waits with a database that hangs, answers once it answers again, and Ctrl+C meanwhile cancels it then', async () => {
    const simulation = await start()
    const answers: string[] = []
    const send = (sql: string) =>
      simulation.runConsoleStatement(sql, ({ result, elapsedUs }) =>
        answers.push(`${result.ok ? result.command : result.error.code} after ${elapsedUs / 1000} ms`),
      )
    simulation.applyNow({ kind: 'database', state: 'hang' })
    send('select count(*) from users')
    await simulation.runUntil(simulation.nowUs + 10_000_000)
    const whileHanging = [...answers]
    simulation.applyNow({ kind: 'database', state: 'start' })
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    simulation.applyNow({ kind: 'database', state: 'hang' })
    send('select count(*) from users')
    simulation.cancelConsole()
    await simulation.runUntil(simulation.nowUs + 2_000_000)
    simulation.applyNow({ kind: 'database', state: 'start' })
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    assert.deepEqual([whileHanging, answers], [[], ['SELECT after 10001 ms', '57014 after 2000 ms']])
  })
})
