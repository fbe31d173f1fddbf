// The simulator's share of `npm run bench`, in Node: its throughput next to a raw PGlite loop
// running the very statements it ran, and the wall time of ten virtual minutes of traffic.
import type { Database } from '../lib/engine'
import { buildSnapshot, openDatabase } from '../lib/engine/node'
import { runScenario, type AppVersion, type SimScenario, type Step, type StepAction } from '../lib/sim'

const setup = `
  create table users (id bigint generated always as identity primary key, name text not null);
  insert into users (name) select 'user ' || g from generate_series(1, 1000) g;`

const version = (id: string): AppVersion => ({
  id,
  label: id,
  endpoints: [
    {
      name: 'GET /user',
      sql: 'select id, name from users where id = $1',
      params: [{ int: [1, 1000] }],
      weight: 6,
    },
    {
      name: 'PATCH /user',
      sql: 'update users set name = $2 where id = $1',
      params: [{ int: [1, 1000] }, { name: 2 }],
      weight: 3,
    },
    { name: 'POST /user', sql: 'insert into users (name) values ($1)', params: [{ name: 2 }], weight: 1 },
  ],
  whenDatabaseDown: 'error',
  idleInTransactionAfterReads: false,
  connections: 10,
  timeoutMs: 5000,
})

const step = (id: string, action: StepAction, observeMs = 0): Step => ({
  id,
  title: id,
  action,
  withinMs: 60_000,
  observeMs,
  expect: {},
})

// Records every statement the simulator sends, so the raw loop can replay exactly those.
function recording(database: Database, statements: [string, readonly unknown[]][]): Database {
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (sql: string, params: readonly unknown[]) => {
          statements.push([sql, params])
          return target.query(sql, params)
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function throughputRatio(
  snapshot: Blob,
): Promise<{ ratio: number; simPerSecond: number; rawPerSecond: number }> {
  const ratios: number[] = []
  const sims: number[] = []
  const raws: number[] = []
  // run 0 warms up the JIT for both loops and is not counted: whichever ran first lost otherwise
  for (let run = 0; run < 4; run++) {
    const statements: [string, readonly unknown[]][] = []
    const simDatabase = await openDatabase({ snapshot })
    const scenario: SimScenario = {
      seed: `throughput-${run}`,
      requestsPerSecond: 400,
      tableRows: {},
      versions: [version('v1')],
      invariants: [],
      steps: [step('deploy', { kind: 'deploy', shares: { v1: 100 } }, 30_000)],
    }
    const simStarted = performance.now()
    const result = await runScenario(recording(simDatabase, statements), scenario, { keepEvents: false })
    const simSeconds = (performance.now() - simStarted) / 1000
    await simDatabase.close()

    const rawDatabase = await openDatabase({ snapshot })
    const rawStarted = performance.now()
    for (const [sql, params] of statements) await rawDatabase.query(sql, params)
    const rawSeconds = (performance.now() - rawStarted) / 1000
    await rawDatabase.close()

    if (run === 0) continue
    sims.push(result.requests / simSeconds)
    raws.push(statements.length / rawSeconds)
    ratios.push(result.requests / simSeconds / (statements.length / rawSeconds))
  }
  return { ratio: median(ratios), simPerSecond: median(sims), rawPerSecond: median(raws) }
}

async function tenMinutes(snapshot: Blob): Promise<{ wallSeconds: number; requests: number }> {
  const database = await openDatabase({ snapshot })
  const scenario: SimScenario = {
    seed: 'ten-minutes',
    requestsPerSecond: 200,
    tableRows: { users: 10_000_000 },
    versions: [version('v1'), version('v2')],
    invariants: [{ name: 'every user has a name', sql: "select id from users where name = ''" }],
    steps: [
      step('deploy', { kind: 'deploy', shares: { v1: 50, v2: 50 } }),
      step('five-minutes', { kind: 'advance', ms: 300_000 }),
      step('migrate', {
        kind: 'migrate',
        sql: "set lock_timeout = '1s'; alter table users add column first text",
      }),
      step('five-more', { kind: 'advance', ms: 300_000 }),
    ],
  }
  const started = performance.now()
  const result = await runScenario(database, scenario, { keepEvents: false })
  const wallSeconds = (performance.now() - started) / 1000
  await database.close()
  return { wallSeconds, requests: result.requests }
}

/** Runs both measurements and returns the bench keys. */
export async function benchSimulator(): Promise<Record<string, number>> {
  const built = await buildSnapshot(setup)
  if (!built.ok) throw new Error(built.error)
  const throughput = await throughputRatio(built.snapshot)
  const ten = await tenMinutes(built.snapshot)
  console.log(
    `\nsimulator, Node: ${throughput.simPerSecond.toFixed(0)} requests/s vs raw PGlite ${throughput.rawPerSecond.toFixed(0)} statements/s (median of 3)`,
  )
  console.log(
    `10 virtual minutes, 2 versions × 100 requests/s, one migration: ${ten.requests} requests in ${ten.wallSeconds.toFixed(1)} s`,
  )
  return {
    sim_throughput_ratio: Number(throughput.ratio.toFixed(3)),
    sim_requests_per_s: Math.round(throughput.simPerSecond),
    raw_pglite_statements_per_s: Math.round(throughput.rawPerSecond),
    sim_10min_wall_s: Number(ten.wallSeconds.toFixed(1)),
  }
}
