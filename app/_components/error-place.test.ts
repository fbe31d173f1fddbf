import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { placeStatementError } from './error-place'

describe('placing Postgres’s error in a script', () => {
  it('counts the position from the failing statement, in characters', () => {
    const script = "select '🐘';\n-- then\ncreate index concurently x on orders (total_cents);"
    // as split from the script, a comment before a statement is part of it, as Postgres received it
    const statement = '-- then\ncreate index concurently x on orders (total_cents)'
    const placed = placeStatementError(
      script,
      { code: '42601', message: 'syntax error', position: 34 },
      statement,
    )
    assert.equal(script.slice(placed!.from, placed!.from + 1), 'x')
  })

  it('has nothing to underline without a position or when the statement is not in the script', () => {
    const error = { code: '42703', message: 'column "x" does not exist' }
    assert.equal(placeStatementError('select x;', error, 'select x'), undefined)
    assert.equal(placeStatementError('select 1;', { ...error, position: 8 }, 'select x'), undefined)
  })
})
