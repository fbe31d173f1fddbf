import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { RealWork } from './simulation-state'
import { Simulation } from './simulation'
import { alterUsers, deployV1, openReport, setup, simulate, step, v1 } from './simulation-fixture'
import { stepWindowMs } from './step-actions'

describe('a step’s window', () => {
  it('is its `within`, or the time its action takes by its own terms when that is longer', () => {
    assert.deepEqual(
      [
        stepWindowMs(step('advance', { kind: 'advance', ms: 90_000 })),
        stepWindowMs(
          step('wait', { kind: 'check', verb: 'wait', condition: { database: 'up' }, withinMs: 70_000 }),
        ),
        stepWindowMs(step('deploy', { kind: 'deploy', shares: { v1: 100 } })),
      ],
      [90_000, 71_000, 60_000],
    )
  })
})

describe('a gated deploy', () => {
  const gated = (sql: string) =>
    step(
      'canary',
      { kind: 'deploy', shares: { v1: 100 }, gate: { sql, name: 'the gate' } },
      {
        expect: { result: 'succeeds' },
      },
    )

  it('goes ahead when the gate finds nothing, and is refused when it finds a row or cannot answer', async () => {
    const outcomes = []
    for (const sql of ['select 1 where false', 'select 1', 'select * from no_such_table']) {
      const run = await simulate([gated(sql)])
      const result = run.simulation.actions[0].result
      outcomes.push([result?.ok ? 'deployed' : result?.error.message, run.simulation.records.length > 0])
    }
    assert.deepEqual(outcomes, [
      ['deployed', true],
      ['the deploy was refused: expected the gate to return no row; it returned 1 row: 1', false],
      [
        'the deploy was refused: expected the gate to return no row; it returned an error, 42P01 relation "no_such_table" does not exist',
        false,
      ],
    ])
  })
})

// v1 under traffic on a fresh database holding the fixture's users
async function startLive(onRealWork?: (work: RealWork) => void) {
  const database = await openDatabase()
  assert.equal((await database.runScript(setup)).ok, true)
  const simulation = await Simulation.start(
    database,
    { seed: 'test', requestsPerSecond: 100, tableRows: {}, versions: [v1], invariants: [], steps: [] },
    { onRealWork },
  )
  await simulation.runStep(deployV1)
  return { database, simulation }
}

const columnsOfUsers = async (database: Awaited<ReturnType<typeof openDatabase>>) => {
  const result = await database.run(
    "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_name = 'users'",
  )
  assert.ok(result.ok)
  return result.rows[0][0]
}

describe('cancelling a running step', () => {
  it('fails the statement its migration waits on with 57014, and the requests queued behind it are served again', async () => {
    const { database, simulation } = await startLive()
    try {
      await simulation.runStep(openReport)
      const progress = simulation.beginStep(step('alter', { kind: 'migrate', sql: alterUsers }))
      await simulation.runUntil(simulation.nowUs + 2_000_000)
      const cancelledAtUs = simulation.nowUs
      assert.deepEqual(simulation.cancelStep(progress), { sql: alterUsers })
      await simulation.runUntil(simulation.nowUs + 1_000_000)
      assert.equal(progress.result?.ok, false)
      assert.deepEqual(progress.result?.ok === false && progress.result.error.code, '57014')
      assert.deepEqual(progress.result?.ok === false && progress.result.statement, alterUsers)
      const servedAfter = simulation.records.filter(
        (record) => record.arrivedUs > cancelledAtUs && record.outcome === 'ok',
      )
      assert.ok(
        servedAfter.length > 50,
        `${servedAfter.length} requests served in the second after the cancel`,
      )
      assert.equal(await columnsOfUsers(database), 'id,name')
      // the event log says it as Postgres would: the statement failed with 57014, and the step settled so
      const logged = simulation.events.filter(
        (event) =>
          (event.type === 'statement' && event.session === 'migration' && event.state === 'failed') ||
          event.type === 'step settled',
      )
      assert.deepEqual(
        logged.map((event) => ('code' in event ? `${event.type} ${event.code}` : event.type)),
        ['step settled', 'step settled', 'statement 57014', 'step settled 57014'],
      )
    } finally {
      await database.close()
    }
  })

  it('keeps what the migration committed before the statement it cancels, as Postgres would', async () => {
    const { database, simulation } = await startLive()
    try {
      const sql = [
        'alter table users add column nickname text;',
        'begin;',
        'alter table users add column email text;',
        'select pg_sleep(30);',
        'commit;',
      ].join('\n')
      const progress = simulation.beginStep(step('two parts', { kind: 'migrate', sql }))
      await simulation.runUntil(simulation.nowUs + 5_000_000)
      assert.deepEqual(simulation.cancelStep(progress), { sql: 'select pg_sleep(30)' })
      await simulation.runUntil(simulation.nowUs + 100_000)
      assert.equal(progress.result?.ok === false && progress.result.error.code, '57014')
      assert.equal(await columnsOfUsers(database), 'id,name,nickname')
    } finally {
      await database.close()
    }
  })

  it('has nothing to cancel once the step’s action settled, or when it is not a session’s SQL', async () => {
    const { database, simulation } = await startLive()
    try {
      const migration = simulation.beginStep(step('add', { kind: 'migrate', sql: alterUsers }))
      await simulation.runUntil(simulation.nowUs + 1_000_000)
      assert.equal(migration.result?.ok, true)
      assert.equal(simulation.cancelStep(migration), undefined)
      const deployment = simulation.beginStep(deployV1)
      assert.equal(simulation.cancelStep(deployment), undefined)
    } finally {
      await database.close()
    }
  })

  it('tells which session is about to send a statement to Postgres for real', async () => {
    const heard: RealWork[] = []
    const { database, simulation } = await startLive((work) => heard.push(work))
    try {
      simulation.beginStep(step('add', { kind: 'migrate', sql: alterUsers }))
      await simulation.runUntil(simulation.nowUs + 1_000_000)
      // probed at its start, run for real at its commit
      assert.deepEqual(
        heard.filter((work) => work.session === 'migration'),
        [
          { session: 'migration', sql: alterUsers },
          { session: 'migration', sql: alterUsers },
        ],
      )
    } finally {
      await database.close()
    }
  })
})
