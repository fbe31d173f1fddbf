import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import type { Snapshot } from '../engine'
import { buildSnapshot, openDatabase } from '../engine/node'
import { runScenario } from '../sim'
import { scenarioSchema } from './scenario'
import { toSimScenario } from './sim-scenario'
import { parseSystemTestSpec } from './system-test'

const tasks = {
  'home-page-running': { request: { endpoint: 'GET /' } },
  'db-stopped': { database: 'down' },
} as const

// Delmo demo's test: the home page is up, the database goes, the home page must stay up.
const delmoSpec = `- wait: home-page-running
- stop: [db]
- wait: db-stopped
- wait: home-page-running
`

function scenarioWith(whenDatabaseDown: 'error' | 'fallback', timeout = '30s', within = 'within: 2min') {
  return scenarioSchema.parse(
    parseYaml(`
seed: delmo
requestsPerSecond: 20
versions:
  - id: blog
    whenDatabaseDown: ${whenDatabaseDown}
    endpoints:
      - { name: GET /, sql: 'select id, title from posts order by id' }
steps:
  - id: deploy
    title: The blog serves its posts
    deploy: { blog: 100 }
  - id: test
    title: The database goes away
    systemTest:
      timeout: ${timeout}
      tasks:
        home-page-running: { request: { endpoint: GET / } }
        db-stopped: { database: down }
      spec: |
${delmoSpec.replace(/^/gm, '        ')}
    ${within}
  - id: after
    title: The next step
    advance: 5s
`),
  )
}

// one initdb for the file: each run opens the blog's database from its snapshot
let blog: Snapshot
before(async () => {
  const built = await buildSnapshot(
    "create table posts (id serial primary key, title text); insert into posts (title) values ('Hello, Delmo');",
  )
  assert.ok(built.ok)
  blog = built.snapshot
})

async function runTest(whenDatabaseDown: 'error' | 'fallback', timeout?: string, within?: string) {
  const database = await openDatabase({ snapshot: blog })
  try {
    const run = await runScenario(
      database,
      toSimScenario(scenarioWith(whenDatabaseDown, timeout, within), 'main'),
    )
    // the test settles inside its own step, however long its waits, before the next step begins
    assert.ok((run.simulation.actions[1]?.settledUs ?? Infinity) <= run.simulation.stepStartsUs[2])
    // torn down as Delmo does: the database the test stopped is answering again
    assert.equal(run.simulation.databaseState, 'up')
    return run.simulation.actions[1]?.result
  } finally {
    await database.close()
  }
}

describe('a system test in Delmo’s vocabulary', () => {
  it('reads a spec into tasks, each check resolved to the condition its scenario declares', () => {
    const parsed = parseSystemTestSpec(delmoSpec, tasks, 30_000)
    assert.deepEqual(parsed, {
      ok: true,
      tasks: [
        { verb: 'wait', task: 'home-page-running', condition: tasks['home-page-running'], withinMs: 30_000 },
        { verb: 'stop', service: 'db' },
        { verb: 'wait', task: 'db-stopped', condition: tasks['db-stopped'], withinMs: 30_000 },
        { verb: 'wait', task: 'home-page-running', condition: tasks['home-page-running'], withinMs: 30_000 },
      ],
    })
  })

  it('says which line is wrong: an unknown task, a service other than db, a verb Delmo lacks, broken YAML', () => {
    const problemOf = (spec: string) => {
      const parsed = parseSystemTestSpec(spec, tasks, 30_000)
      return parsed.ok ? 'read fine' : `${parsed.problem.line}: ${parsed.problem.message}`
    }
    assert.equal(
      problemOf('- wait: home-page-running\n- wait: home-page-up\n'),
      '2: task 2: no task named home-page-up (the tasks are home-page-running, db-stopped)',
    )
    assert.equal(
      problemOf('- stop: [db]\n- stop: [web]\n'),
      '2: task 2: the only service the test can stop or start here is db',
    )
    assert.match(problemOf('- wait: db-stopped\n- sleep: 5\n'), /^2: task 2: expected one of wait, assert/)
    assert.match(problemOf('- wait: db-stopped\n- stop: [db'), /^2: not a YAML list of tasks/)
  })

  it('goes red against an app without a fallback: the last wait times out on its 500s', async () => {
    const result = await runTest('error')
    assert.ok(result && !result.ok)
    assert.equal(result.error.code, 'CHECK')
    assert.match(result.error.message, /^task 4 \(wait: home-page-running\) failed: timed out/)
  })

  it('waits as long as its waits need, even past the step’s default window of 60 s', async () => {
    const result = await runTest('error', '90s', '')
    assert.match(result && !result.ok ? result.error.message : 'passed', /^task 4 .* timed out/)
  })

  it('goes green against the app with the fallback: the static page answers while the database is down', async () => {
    assert.deepEqual(await runTest('fallback'), { ok: true })
  })

  it('refuses a scenario whose spec names a task it did not declare, naming the field', () => {
    const parsed = scenarioSchema.safeParse(
      parseYaml(`
versions: [{ id: blog, endpoints: [{ name: GET /, sql: select 1 }] }]
steps:
  - id: test
    title: A test
    systemTest: { tasks: { up: { request: { endpoint: GET / } } }, spec: "- wait: down" }
`),
    )
    assert.equal(parsed.success, false)
    const issue = parsed.error?.issues[0]
    assert.deepEqual(
      [issue?.path.join('.'), issue?.message],
      ['steps.0.systemTest.spec', 'line 1: task 1: no task named down (the tasks are up)'],
    )
  })
})
