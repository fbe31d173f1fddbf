import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeFailedCheck } from './checks'
import { simulate, step } from './simulation-fixture'

describe('a failed check', () => {
  it('reads as a sentence for each verb and kind of condition: what was expected, and what was found', () => {
    assert.deepEqual(
      [
        describeFailedCheck('wait', { database: 'up' }),
        describeFailedCheck('assert', { invariants: 'hold' }),
        describeFailedCheck('fail', { sql: 'select 1', name: 'the drift check' }, '1 row: 1'),
        describeFailedCheck('assert', { sql: 'select 1 where false' }, 'no row'),
        describeFailedCheck('wait', { request: { endpoint: 'GET /user' } }),
      ],
      [
        'timed out waiting until the database is up',
        'did not hold: every invariant holds',
        'expected the drift check to return no row; it returned 1 row: 1',
        'expected the query select 1 where false to return a row; it returned no row',
        'timed out waiting until the app answers GET /user',
      ],
    )
  })
})

describe('an invariant’s check', () => {
  it('counts the violating rows by the cause its query names; rows without one count only in the total', async () => {
    const run = await simulate([step('look', { kind: 'advance', ms: 0 }, { observeMs: 0 })], {
      invariants: [
        {
          name: 'by cause',
          sql: `select id, case when id <= 2 then 'low id' when id = 5 then 'five' end as cause
                from users where id <= 6 order by id`,
        },
        { name: 'no cause column', sql: 'select id from users where id <= 3' },
        { name: 'a query Postgres refuses', sql: 'select id from nowhere' },
      ],
    })
    const lastOf = (name: string) =>
      run.simulation.invariantViolations.filter((check) => check.name === name).at(-1)
    assert.deepEqual(
      ['by cause', 'no cause column', 'a query Postgres refuses'].map((name) => {
        const { violations, causes } = lastOf(name)!
        return { name, violations, causes }
      }),
      [
        { name: 'by cause', violations: 6, causes: { 'low id': 2, five: 1 } },
        { name: 'no cause column', violations: 3, causes: undefined },
        {
          name: 'a query Postgres refuses',
          violations: 1,
          causes: { 'the check failed: 42P01 relation "nowhere" does not exist': 1 },
        },
      ],
    )
    const logged = run.simulation.events.filter((event) => event.type === 'invariant').at(-3)
    assert.deepEqual(logged && { ...logged, atUs: 0 }, {
      type: 'invariant',
      atUs: 0,
      name: 'by cause',
      violations: 6,
      causes: { 'low id': 2, five: 1 },
    })
  })
})
