import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeFailedCheck } from './checks'

describe('a failed check', () => {
  it('reads as a sentence for each verb and kind of condition', () => {
    assert.deepEqual(
      [
        describeFailedCheck('wait', { database: 'up' }),
        describeFailedCheck('assert', { invariants: 'hold' }),
        describeFailedCheck('fail', { sql: 'select 1' }),
        describeFailedCheck('wait', { request: { endpoint: 'GET /user' } }),
      ],
      [
        'timed out waiting until the database is up',
        'did not hold: invariants hold',
        'expected this to fail, but it held: query returned rows: select 1',
        'timed out waiting until the app answers GET /user',
      ],
    )
  })
})
