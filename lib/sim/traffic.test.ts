import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openDatabase } from '../engine/node'
import type { AppVersion } from './model'
import { Simulation } from './simulation'
import { setup, v1, step, simulate } from './simulation-fixture'

describe('the zero-downtime claim', () => {
  it('holds while every deployed version serves, and fails naming the version that does not', async () => {
    const v2: AppVersion = {
      ...v1,
      id: 'v2',
      label: 'v2.0.0',
      endpoints: [
        {
          name: 'GET /user',
          sql: 'select id, email from users where id = $1',
          params: [{ int: [1, 200] }],
          weight: 1,
        },
      ],
    }
    const run = await simulate(
      [
        step('deploy', { kind: 'deploy', shares: { v1: 100 } }, { expect: { allVersions: 'ok' } }),
        step('too-early', { kind: 'deploy', shares: { v1: 50, v2: 50 } }, { expect: { allVersions: 'ok' } }),
      ],
      { versions: [v1, v2] },
    )
    const [served, broken] = run.steps.map((report) => report.expectations[0])
    assert.deepEqual([served.claim, served.held], ['every version serves every request', true])
    assert.equal(broken.held, false)
    assert.match(broken.actual, /^v2: .*42703/)
  })
})

describe('sequence parameters', () => {
  it('go on from a given start, so a simulation resumed on written rows hands out new values', async () => {
    const database = await openDatabase()
    try {
      assert.equal((await database.runScript(setup)).ok, true)
      const writer: AppVersion = {
        ...v1,
        endpoints: [
          {
            name: 'POST /user',
            sql: 'insert into users (name) values ($1)',
            params: [{ sequence: 'user-' }],
            weight: 1,
          },
        ],
      }
      const simulation = await Simulation.start(database, {
        seed: 'test',
        requestsPerSecond: 20,
        tableRows: {},
        versions: [writer],
        invariants: [],
        steps: [],
      })
      simulation.continueSequencesFrom(2_000_000)
      simulation.applyNow({ kind: 'deploy', shares: { v1: 100 } })
      await simulation.runUntil(1_000_000)
      const names = await database.run("select name from users where name like 'user-%' order by id")
      assert.ok(names.ok && names.rows.length > 0)
      assert.deepEqual(names.rows[0], ['user-2000001'])
    } finally {
      await database.close()
    }
  })
})
