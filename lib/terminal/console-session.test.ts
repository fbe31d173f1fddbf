import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from '../engine/node'
import type { ConsoleBackend, OperatorControls, OperatorView } from './console-backend'
import { ConsoleSession } from './console-session'
import { databaseBackend } from './database-backend'

describe('a console session', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    await database.runScript('create table accounts (id int primary key, owner text not null);')
  })
  after(() => database.close())

  // a session writing into strings, over the database (as `around` changes it), counting its cancels
  function openSession(around = (backend: ConsoleBackend) => backend) {
    const output = { out: '', err: '', cancels: 0 }
    const backend = around(databaseBackend(database, async () => void output.cancels++))
    const session = new ConsoleSession(backend, (text, stream) => (output[stream] += text))
    return { session, output }
  }

  it('hands each line to the interpreter and shows the prompt the line leaves', async () => {
    const { session, output } = openSession()
    assert.equal(await session.submitLine('select 1 as one'), 'continue')
    assert.equal(session.prompt, 'postgres-> ')
    assert.equal(session.hasPendingInput, true)
    await session.submitLine(';')
    assert.equal(output.out, ' one \n-----\n   1\n(1 row)\n\n')
    assert.equal(session.prompt, 'postgres=> ')
    assert.equal(await session.submitLine('\\q'), 'quit')
  })

  it('names the file and line of an error in a script it was given', async () => {
    const { session, output } = openSession()
    await session.submitLine('select nope;', { file: 'migration.sql', line: 3 })
    assert.match(output.err, /^psql:migration\.sql:3: ERROR: {2}column "nope" does not exist\n/)
  })

  it('is running while a statement runs, and on Ctrl+C then says so and asks the backend to cancel', async () => {
    let release = () => undefined as void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { session, output } = openSession((backend) => ({
      ...backend,
      execute: async (sql) => (await gate, backend.execute(sql)),
    }))
    const running = session.submitLine('select 1;')
    assert.equal(session.isRunning, true)
    session.cancel()
    assert.equal(output.out, 'Cancel request sent\n')
    assert.equal(output.cancels, 1)
    release()
    await running
    assert.equal(session.isRunning, false)
  })

  it('forgets the statement typed so far on Ctrl+C at the prompt', async () => {
    const { session } = openSession()
    await session.submitLine('select * from')
    session.interrupt()
    assert.equal(session.hasPendingInput, false)
    assert.equal(session.prompt, 'postgres=> ')
  })

  it('starts over with a fresh interpreter after \\q', async () => {
    const { session, output } = openSession()
    await session.submitLine('\\x')
    await session.submitLine('\\q')
    session.restart()
    await session.submitLine('select 1 as one;')
    assert.equal(output.out, 'Expanded display is on.\n one \n-----\n   1\n(1 row)\n\n')
  })

  it('completes the relations and columns it last read, and a simulation’s app versions and sessions', async () => {
    const { session } = openSession()
    assert.deepEqual(session.completeLine('select * from acc').candidates, [])
    await session.refreshNames()
    assert.deepEqual(session.completeLine('select * from acc'), { from: 14, candidates: ['accounts'] })
    assert.deepEqual(session.completeLine('select own').candidates, ['owner'])

    const view = {
      versions: [
        { id: 'v1', label: 'v1' },
        { id: 'v2', label: 'v2' },
      ],
      sessions: [{ owner: 7 }],
    } as OperatorView
    const simulated = openSession((backend) => ({
      ...backend,
      operator: { view: () => view } as OperatorControls,
    }))
    await simulated.session.refreshNames()
    assert.deepEqual(simulated.session.completeLine('deploy v').candidates, ['v1', 'v2'])
    assert.deepEqual(simulated.session.completeLine('terminate ').candidates, ['7'])
  })

  it('offers operator commands only at the start of a statement', async () => {
    const { session } = openSession()
    await session.refreshNames()
    assert.deepEqual(session.completeLine('deploy').candidates, ['deploy'])
    await session.submitLine('select 1')
    assert.deepEqual(session.completeLine('deploy').candidates, [])
    session.interrupt()
  })
})
