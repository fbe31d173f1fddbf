import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { simulate, step } from './simulation-fixture'
import { stepWindowMs } from './step-actions'

describe('a step’s window', () => {
  it('is its `within`, or the time its action takes by its own terms when that is longer', () => {
    assert.deepEqual(
      [
        stepWindowMs(step('advance', { kind: 'advance', ms: 90_000 })),
        stepWindowMs(
          step('wait', { kind: 'check', verb: 'wait', condition: { database: 'up' }, withinMs: 70_000 }),
        ),
        stepWindowMs(step('deploy', { kind: 'deploy', shares: { v1: 100 } })),
      ],
      [90_000, 71_000, 60_000],
    )
  })
})

describe('a gated deploy', () => {
  const gated = (sql: string) =>
    step(
      'canary',
      { kind: 'deploy', shares: { v1: 100 }, gate: { sql, name: 'the gate' } },
      {
        expect: { result: 'succeeds' },
      },
    )

  it('goes ahead when the gate finds nothing, and is refused when it finds a row or cannot answer', async () => {
    const outcomes = []
    for (const sql of ['select 1 where false', 'select 1', 'select * from no_such_table']) {
      const run = await simulate([gated(sql)])
      const result = run.simulation.actions[0].result
      outcomes.push([result?.ok ? 'deployed' : result?.error.message, run.simulation.records.length > 0])
    }
    assert.deepEqual(outcomes, [
      ['deployed', true],
      ['the deploy was refused: expected the gate to return no row; it returned 1 row: 1', false],
      [
        'the deploy was refused: expected the gate to return no row; it returned an error, 42P01 relation "no_such_table" does not exist',
        false,
      ],
    ])
  })
})
