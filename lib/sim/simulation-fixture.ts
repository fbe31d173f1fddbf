import assert from 'node:assert/strict'
import type { Database } from '../engine'
import { openDatabase } from '../engine/node'
import type { AppVersion, SimScenario, Step, StepAction } from './model'
import { runScenario, type ScenarioRun } from './run-scenario'
import { Simulation } from './simulation'

/** For the simulator's tests: a users table of 200 rows, the starting state of every scenario. */
export const setup = `
  create table users (id serial primary key, name text not null);
  insert into users (name) select 'user ' || g from generate_series(1, 200) g;`

/** For the simulator's tests: an app version that reads and writes users, 3 reads to a write. */
export const v1: AppVersion = {
  id: 'v1',
  label: 'v1.0.0',
  endpoints: [
    {
      name: 'GET /user',
      sql: 'select id, name from users where id = $1',
      params: [{ int: [1, 200] }],
      weight: 3,
    },
    {
      name: 'POST /user',
      sql: 'insert into users (name) values ($1)',
      params: [{ name: 2 }],
      weight: 1,
    },
  ],
  whenDatabaseDown: 'error',
  idleInTransactionAfterReads: false,
  connections: 8,
  timeoutMs: 5000,
}

/** For the simulator's tests: a step with a minute to settle and 2 s to observe, claiming nothing unless told. */
export function step(id: string, action: StepAction, more: Partial<Step> = {}): Step {
  return { id, title: id, action, withinMs: 60_000, observeMs: 2000, expect: {}, ...more }
}

/** For the simulator's tests: runs steps at 100 requests a second on a fresh database holding `setup`. */
export async function simulate(steps: Step[], more: Partial<SimScenario> = {}): Promise<ScenarioRun> {
  const database = await openDatabase()
  try {
    const created = await database.runScript(setup)
    assert.equal(created.ok, true)
    return await runScenario(database, {
      seed: 'test',
      requestsPerSecond: 100,
      tableRows: {},
      versions: [v1],
      invariants: [],
      steps,
      ...more,
    })
  } finally {
    await database.close()
  }
}

/** For the simulator's tests: a simulation of v1 without traffic or steps, for driving by hand. */
export function startWithoutTraffic(database: Database): Promise<Simulation> {
  return Simulation.start(database, {
    seed: 'test',
    requestsPerSecond: 0,
    tableRows: {},
    versions: [v1],
    invariants: [],
    steps: [],
  })
}

/** For the simulator's tests: v1 takes all the traffic, and serves it. */
export const deployV1 = step(
  'deploy',
  { kind: 'deploy', shares: { v1: 100 } },
  { expect: { versions: { v1: 'ok' } } },
)

/** For the simulator's tests: a session that read users and sits idle in its transaction. */
export const openReport = step('report', {
  kind: 'open session',
  session: 'report',
  sql: 'select count(*) from users',
})

/** For the simulator's tests: a step's claims as `held: claim (actual)` lines. */
export const claims = (run: ScenarioRun, stepId: string) =>
  run.steps
    .find((step) => step.id === stepId)!
    .expectations.map((result) => `${result.held ? 'held' : 'FAILED'}: ${result.claim} (${result.actual})`)

/** For the simulator's tests: an ALTER TABLE that needs ACCESS EXCLUSIVE on users. */
export const alterUsers = 'alter table users add column first text'
