import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeFailedCheck } from './checks'

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
