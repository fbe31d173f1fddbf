import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import { checkExpectations, runScenario, type AppVersion, type SimScenario, type Step } from '../sim'
import { replayOnRealServer } from './replay'
import { useRealServer } from './real-server-fixture'
import { createDatabase } from './server'

// Statements no lesson makes yet, each run by the simulator and replayed on the real server:
// the claims they make must hold on both, or the model is wrong.

const server = useRealServer()
let databases = 0

/** Every claim of every step, as held or not: by the simulator, and on the real server. */
async function judgeOnBoth(
  setupSql: string,
  scenario: SimScenario,
): Promise<{ simulator: boolean[][]; server: boolean[][] }> {
  const local = await openDatabase()
  let simulator: boolean[][]
  let modelledMicros: Map<string, number>
  try {
    assert.equal((await local.runScript(setupSql)).ok, true)
    const run = await runScenario(local, scenario)
    simulator = run.steps.map((step) => step.expectations.map((result) => result.held))
    modelledMicros = run.modelledMicros
  } finally {
    await local.close()
  }
  const name = `conformance_${++databases}`
  await createDatabase(server(), name, { setupSql })
  const real = await replayOnRealServer(server(), name, scenario, { timeScale: 8, modelledMicros })
  return {
    simulator,
    server: checkExpectations(real, scenario.steps).map((step) => step.map((result) => result.held)),
  }
}

function step(id: string, action: Step['action'], expect: Step['expect'] = {}, observeMs = 2000): Step {
  return { id, title: id, action, withinMs: 10_000, observeMs, expect }
}

function version(id: string, sql: string): AppVersion {
  return {
    id,
    label: id,
    whenDatabaseDown: 'error',
    idleInTransactionAfterReads: false,
    connections: 8,
    timeoutMs: 5000,
    endpoints: [{ name: 'GET /user', sql, params: [{ int: [1, 200] }], weight: 1 }],
  }
}

function scenario(versions: AppVersion[], steps: Step[]): SimScenario {
  return {
    seed: 'conformance',
    requestsPerSecond: 100,
    tableRows: { users: 5_000_000 },
    versions,
    invariants: [],
    steps,
  }
}

const users = `create table users (id serial primary key, full_name text);
  insert into users (full_name) select 'user ' || n from generate_series(1, 200) as n;`

describe('the simulator and the real server agree', () => {
  it('that old code reading a renamed column waits behind a lock on its table before it fails with 42703', async () => {
    const verdicts = await judgeOnBoth(
      users,
      scenario(
        [version('old', 'select name from users where id = $1')],
        [
          step('deploy', { kind: 'deploy', shares: { old: 100 } }, { versions: { old: { fails: '42703' } } }),
          step(
            'maintenance',
            {
              kind: 'open session',
              session: 'maintenance',
              sql: 'lock table users in access exclusive mode',
            },
            { versions: { old: 'times out' } },
            6000,
          ),
          step(
            'done',
            { kind: 'end session', session: 'maintenance', how: 'commit' },
            { versions: { old: { fails: '42703' } } },
          ),
        ],
      ),
    )
    assert.deepEqual(verdicts.simulator, [[true], [true], [true]])
    assert.deepEqual(verdicts.server, verdicts.simulator)
  })

  it('that SET LOCAL lock_timeout ends with its transaction: the ALTER after it waits, and requests queue behind it', async () => {
    const verdicts = await judgeOnBoth(
      users,
      scenario(
        [version('v1', 'select full_name from users where id = $1')],
        [
          step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { versions: { v1: 'ok' } }),
          step('report', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }),
          step(
            'migrate',
            {
              kind: 'migrate',
              sql: "begin;\nset local lock_timeout = '1s';\nselect 1;\ncommit;\nalter table users add column x int;",
            },
            { versions: { v1: 'times out' }, lockWaitMs: { atLeast: 5000 } },
            6000,
          ),
        ],
      ),
    )
    assert.deepEqual(verdicts.simulator, [[true], [], [true, true]])
    assert.deepEqual(verdicts.server, verdicts.simulator)
  })

  it('that a migration and an app transaction waiting on each other end in 40P01 for the one that waited first', async () => {
    const leaky: AppVersion = {
      ...version('v1', 'select v from a where id = $1'),
      idleInTransactionAfterReads: true,
      endpoints: [
        { name: 'GET /a', sql: 'select v from a where id = $1', params: [{ int: [1, 200] }], weight: 3 },
        { name: 'POST /b', sql: 'insert into b (v) values ($1)', params: [{ int: [1, 200] }], weight: 1 },
      ],
    }
    const verdicts = await judgeOnBoth(
      `create table a (id serial primary key, v int); create table b (id serial primary key, v int);
       insert into a (v) select n from generate_series(1, 200) as n;`,
      scenario(
        [leaky],
        [
          step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { versions: { v1: 'ok' } }),
          // it takes b at once, then waits for a behind v1's open read transactions; the next
          // POST /b on one of those connections waits for b: each waits for the other
          step(
            'migrate',
            {
              kind: 'migrate',
              sql: 'begin;\nlock table b in access exclusive mode;\nalter table a add column x int;\ncommit;',
            },
            { versions: { v1: 'ok' }, result: { fails: '40P01' } },
            3000,
          ),
        ],
      ),
    )
    assert.deepEqual(verdicts.simulator, [[true], [true, true]])
    assert.deepEqual(verdicts.server, verdicts.simulator)
  })

  it('that statement_timeout counts a statement’s lock wait and its run: 57014 for either', async () => {
    const verdicts = await judgeOnBoth(
      users,
      scenario(
        [version('v1', 'select full_name from users where id = $1')],
        [
          step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { versions: { v1: 'ok' } }),
          step('report', { kind: 'open session', session: 'report', sql: 'select count(*) from users' }),
          // waits for the report's lock, and is cancelled while it waits
          step(
            'waits',
            { kind: 'migrate', sql: "set statement_timeout = '1s';\nalter table users add column x int;" },
            { result: { fails: '57014' }, lockWaitMs: { atLeast: 900, below: 1500 } },
          ),
          step('end report', { kind: 'end session', session: 'report', how: 'commit' }),
          // an index on 5 million declared rows runs for about 2.4 s: cancelled while it builds
          step(
            'runs',
            {
              kind: 'migrate',
              sql: "set statement_timeout = '1s';\ncreate index users_full_name on users (full_name);",
            },
            { result: { fails: '57014' } },
          ),
        ],
      ),
    )
    assert.deepEqual(verdicts.simulator, [[true], [], [true, true], [], [true]])
    assert.deepEqual(verdicts.server, verdicts.simulator)
  })
})
