import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RunResult } from '../../engine'
import { openDatabase } from '../../engine/node'
import type { ConsoleAnswer } from '../console-connection'
import type { OperatorResult } from '../event-log'
import type { Simulation } from '../simulation'
import { setup, startWithoutTraffic } from '../simulation-fixture'
import { rewriteCatalogReferences } from './catalog-sql'

// The Postgres wiki's "Lock Monitoring" query, as people paste it in an incident
const wikiLockMonitoring = `
SELECT blocked_locks.pid     AS blocked_pid,
       blocked_activity.usename  AS blocked_user,
       blocking_locks.pid     AS blocking_pid,
       blocking_activity.usename AS blocking_user,
       blocked_activity.query    AS blocked_statement,
       blocking_activity.query   AS current_statement_in_blocking_process
 FROM  pg_catalog.pg_locks         blocked_locks
  JOIN pg_catalog.pg_stat_activity blocked_activity  ON blocked_activity.pid = blocked_locks.pid
  JOIN pg_catalog.pg_locks         blocking_locks
      ON blocking_locks.locktype = blocked_locks.locktype
      AND blocking_locks.database IS NOT DISTINCT FROM blocked_locks.database
      AND blocking_locks.relation IS NOT DISTINCT FROM blocked_locks.relation
      AND blocking_locks.page IS NOT DISTINCT FROM blocked_locks.page
      AND blocking_locks.tuple IS NOT DISTINCT FROM blocked_locks.tuple
      AND blocking_locks.virtualxid IS NOT DISTINCT FROM blocked_locks.virtualxid
      AND blocking_locks.transactionid IS NOT DISTINCT FROM blocked_locks.transactionid
      AND blocking_locks.classid IS NOT DISTINCT FROM blocked_locks.classid
      AND blocking_locks.objid IS NOT DISTINCT FROM blocked_locks.objid
      AND blocking_locks.objsubid IS NOT DISTINCT FROM blocked_locks.objsubid
      AND blocking_locks.pid != blocked_locks.pid
  JOIN pg_catalog.pg_stat_activity blocking_activity ON blocking_activity.pid = blocking_locks.pid
 WHERE NOT blocked_locks.granted`

describe('the catalog over the simulated sessions', () => {
  let database: Awaited<ReturnType<typeof openDatabase>>
  before(async () => {
    database = await openDatabase()
    assert.equal((await database.runScript(setup)).ok, true)
  })
  after(() => database.close())

  // a session idle in its transaction after a read, and a migration queued behind it; each
  // adds its own column, as the tests share one database
  let migrations = 0
  const freeze = async () => {
    const alter = `alter table users add column c${++migrations} text`
    const simulation = await startWithoutTraffic(database)
    simulation.applyNow({ kind: 'open session', session: 'report', sql: 'select count(*) from users' })
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    let migrated: OperatorResult | undefined
    simulation.applyNow({ kind: 'migrate', sql: alter }, (result) => (migrated = result))
    await simulation.runUntil(simulation.nowUs + 2_000_000)
    const pidOf = (label: string) =>
      simulation.listSessions().find((session) => session.label === label)!.owner
    return {
      simulation,
      alter,
      report: pidOf('report'),
      migration: pidOf('migration'),
      migrated: () => migrated,
    }
  }
  const type = async (simulation: Simulation, sql: string): Promise<ConsoleAnswer> => {
    let answer: ConsoleAnswer | undefined
    simulation.runConsoleStatement(sql, (answered) => (answer = answered))
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    assert.ok(answer, `no answer to ${sql}`)
    return answer
  }
  const rowsOf = (result: RunResult) => {
    assert.ok(result.ok, result.ok ? '' : result.error.message)
    return result.rows
  }

  it('shows the panel’s sessions in pg_stat_activity, with their pids, states, waits and idle times', async () => {
    const { simulation, report, migration } = await freeze()
    const { result } = await type(
      simulation,
      `select pid, application_name, state, wait_event_type, now() - state_change > interval '2.5 seconds'
       from pg_stat_activity where pid <> pg_backend_pid() order by pid`,
    )
    assert.deepEqual(rowsOf(result), [
      [String(report), 'report', 'idle in transaction', null, 't'],
      [String(migration), 'migration', 'active', 'Lock', 'f'],
    ])
    // the console sees itself, running this query
    const own = await type(
      simulation,
      'select state, query from pg_stat_activity where pid = pg_backend_pid()',
    )
    assert.deepEqual(rowsOf(own.result), [
      ['active', 'select state, query from pg_stat_activity where pid = pg_backend_pid()'],
    ])
  })

  it('shows granted and awaited locks in pg_locks by relation oid, and pg_blocking_pids names who is in front', async () => {
    const { simulation, report, migration } = await freeze()
    const { result } = await type(
      simulation,
      `select pid, relation::regclass::text, mode, granted from pg_locks
       where relation = 'users'::regclass order by pid, mode`,
    )
    assert.deepEqual(rowsOf(result), [
      [String(report), 'users', 'AccessShareLock', 't'],
      [String(migration), 'users', 'AccessExclusiveLock', 'f'],
    ])
    const blocking = await type(
      simulation,
      `select pg_blocking_pids(${migration}), pg_blocking_pids(${report})`,
    )
    assert.deepEqual(rowsOf(blocking.result), [[`{${report}}`, '{}']])
  })

  it('answers the Postgres wiki’s lock-monitoring query, pg_catalog-qualified as pasted', async () => {
    const { simulation, alter, report, migration } = await freeze()
    const { result } = await type(simulation, wikiLockMonitoring)
    assert.deepEqual(
      rowsOf(result).map((row) => [row[0], row[2], row[4], row[5]]),
      [[String(migration), String(report), alter, 'select count(*) from users']],
    )
  })

  it('ends the sessions a terminate sweep over pg_stat_activity selects, and the migration then lands', async () => {
    const { simulation, report, migrated } = await freeze()
    const { result } = await type(
      simulation,
      `select pid, pg_terminate_backend(pid) from pg_stat_activity
       where state = 'idle in transaction' and now() - state_change > interval '1 second'`,
    )
    assert.deepEqual(rowsOf(result), [[String(report), 't']])
    await simulation.runUntil(simulation.nowUs + 2_000_000)
    assert.equal(migrated()?.ok, true)
    assert.deepEqual(
      simulation.listSessions().map((session) => session.label),
      [],
    )
  })

  it('cancels the waiting migration with pg_cancel_backend: it fails with 57014 and the holder stays', async () => {
    const { simulation, migration, migrated } = await freeze()
    await type(simulation, `select pg_cancel_backend(${migration})`)
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    const result = migrated()
    assert.equal(result?.ok === false && result.error.code, '57014')
    assert.deepEqual(
      simulation.listSessions().map((session) => [session.label, session.state]),
      [['report', 'idle in transaction']],
    )
  })

  it('ends an idle pooled connection: the app finds out with its next request, 57P01', async () => {
    const simulation = await startWithoutTraffic(database)
    simulation.applyNow({ kind: 'deploy', shares: { v1: 100 } })
    await simulation.runUntil(simulation.nowUs + 100_000)
    const { result } = await type(
      simulation,
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'v1.0.0' and state = 'idle' limit 1",
    )
    assert.deepEqual(rowsOf(result), [['t']])
    simulation.applyNow({
      kind: 'check',
      verb: 'assert',
      condition: { request: { endpoint: 'GET /user' } },
      withinMs: 0,
    })
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    assert.deepEqual(
      simulation.records.map((record) => record.code),
      ['57P01'],
    )
  })

  it('warns, as Postgres does, when asked to end a pid that is no backend', async () => {
    const { simulation } = await freeze()
    const { result } = await type(simulation, 'select pg_terminate_backend(99999)')
    assert.ok(result.ok)
    assert.deepEqual(result.rows, [['f']])
    assert.deepEqual(result.notices, [
      { severity: 'WARNING', message: 'PID 99999 is not a PostgreSQL backend process' },
    ])
  })

  it('reads the catalog inside a transaction block, and terminates as the statement runs', async () => {
    const { simulation, migration, migrated } = await freeze()
    await type(simulation, 'begin')
    const { result } = await type(
      simulation,
      `select pg_terminate_backend(pid) from unnest(pg_blocking_pids(${migration})) as pid`,
    )
    assert.deepEqual(rowsOf(result), [['t']])
    await simulation.runUntil(simulation.nowUs + 1_000_000)
    assert.equal(migrated()?.ok, true)
    await type(simulation, 'commit')
  })

  it('points an error in a statement that reads the catalog where the learner wrote it', async () => {
    const { simulation } = await freeze()
    const sql = 'select pid, nope from pg_stat_activity'
    const { result } = await type(simulation, sql)
    assert.equal(result.ok, false)
    assert.equal(!result.ok && result.error.position, sql.indexOf('nope') + 1)
  })
})

describe('pointing a statement at the simulated catalog', () => {
  it('rewrites bare and pg_catalog-qualified names, and leaves strings, comments, columns and aliases alone', () => {
    const rewrite = rewriteCatalogReferences(
      `select 'pg_locks', a.pg_locks, 1 as pg_locks -- pg_locks
       from pg_catalog.pg_locks, PG_STAT_ACTIVITY a where pg_backend_pid() > 0`,
    )
    assert.equal(
      rewrite?.sql,
      `select 'pg_locks', a.pg_locks, 1 as pg_locks -- pg_locks
       from cutover_sim.pg_locks, cutover_sim.pg_stat_activity a where cutover_sim.pg_backend_pid() > 0`,
    )
    assert.equal(rewriteCatalogReferences('select * from users'), undefined)
  })

  it('maps a position after a rewritten name back into the statement as written', () => {
    const sql = 'select nope from pg_locks where ñ = 1'
    const rewrite = rewriteCatalogReferences(sql)!
    const positionInRewritten = Array.from(rewrite.sql).indexOf('ñ') + 1
    assert.equal(rewrite.toOriginalPosition(positionInRewritten), Array.from(sql).indexOf('ñ') + 1)
    assert.equal(rewrite.toOriginalPosition(8), 8)
  })
})
