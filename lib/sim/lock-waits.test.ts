import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { AppVersion } from './model'
import { runScenario } from './run-scenario'
import { step, v1 } from './simulation-fixture'

describe('the deadlock watch', () => {
  it('ends a migration and an app transaction waiting on each other with 40P01 for the migration, which waited first', async () => {
    const leaky: AppVersion = {
      ...v1,
      idleInTransactionAfterReads: true,
      endpoints: [
        { name: 'GET /a', sql: 'select v from a where id = $1', params: [{ int: [1, 200] }], weight: 3 },
        { name: 'POST /b', sql: 'insert into b (v) values ($1)', params: [{ int: [1, 200] }], weight: 1 },
      ],
    }
    const database = await openDatabase()
    try {
      const created = await database.runScript(
        `create table a (id serial primary key, v int); create table b (id serial primary key, v int);
         insert into a (v) select n from generate_series(1, 200) as n;`,
      )
      assert.equal(created.ok, true)
      const run = await runScenario(database, {
        seed: 'test',
        requestsPerSecond: 100,
        tableRows: {},
        versions: [leaky],
        invariants: [],
        steps: [
          step('deploy', { kind: 'deploy', shares: { v1: 100 } }),
          // it takes b at once, then waits for a behind v1's open read transactions; the next
          // POST /b on one of those connections waits for b: each waits for the other
          step(
            'migrate',
            {
              kind: 'migrate',
              sql: 'begin;\nlock table b in access exclusive mode;\nalter table a add column x int;\ncommit;',
            },
            { withinMs: 3000, expect: { versions: { v1: 'ok' }, result: { fails: '40P01' } } },
          ),
        ],
      })
      assert.deepEqual(
        run.steps[1].expectations.map((result) => result.held),
        [true, true],
      )
      assert.equal(run.simulation.actions[1].result?.ok, false)
    } finally {
      await database.close()
    }
  })
})
