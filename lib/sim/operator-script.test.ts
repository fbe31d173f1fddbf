import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseOperatorScript } from './operator-script'

describe('parseOperatorScript', () => {
  it('makes each statement outside BEGIN … COMMIT its own transaction, and a block one transaction', () => {
    const parsed = parseOperatorScript(`
      set lock_timeout = '1s';
      alter table users add column first text;
      begin;
      update users set first = split_part(name, ' ', 1);
      alter table users alter column first set not null;
      commit;
      create index concurrently users_first on users (first);`)
    assert.deepEqual(
      parsed.ok &&
        parsed.parts.map((part) =>
          part.kind === 'setting'
            ? [part.name, part.ms]
            : [part.statements.length, part.isBlock, part.runsOutsideTransaction],
        ),
      [
        ['lock_timeout', 1000],
        [1, false, false],
        [2, true, false],
        [1, false, true],
      ],
    )
  })

  it('keeps ROLLBACK TO SAVEPOINT inside its BEGIN block, as Postgres keeps the transaction open', () => {
    const parsed = parseOperatorScript(
      'begin; savepoint s; update users set name = name; rollback to savepoint s; commit;',
    )
    assert.deepEqual(
      parsed.ok &&
        parsed.parts.map((part) => part.kind === 'transaction' && [part.statements.length, part.isBlock]),
      [[3, true]],
    )
  })

  it('reads timeouts in Postgres units, and 0 or DEFAULT as off', () => {
    const parsed = parseOperatorScript(
      "set lock_timeout to 250; set statement_timeout = '2min'; set session lock_timeout = 0; reset statement_timeout",
    )
    assert.deepEqual(parsed.ok && parsed.parts.map((part) => part.kind === 'setting' && part.ms), [
      250,
      120_000,
      undefined,
      undefined,
    ])
  })

  it('keeps SET LOCAL to the transaction it is in, and ignores it outside one, as Postgres does', () => {
    const parsed = parseOperatorScript(`
      set local lock_timeout = '5s';
      begin;
      set local lock_timeout = '1s';
      alter table users add column first text;
      commit;
      alter table users add column last text;`)
    assert.deepEqual(
      parsed.ok &&
        parsed.parts.map((part) =>
          part.kind === 'setting' ? ['setting', part.ms] : [part.statements.length, part.localSettings ?? []],
        ),
      [
        [1, [{ name: 'lock_timeout', ms: 1000 }]],
        [1, []],
      ],
    )
  })

  it('takes a block’s isolation level from BEGIN, or from SET TRANSACTION before its first query', () => {
    const parsed = parseOperatorScript(
      'begin isolation level serializable; select 1; commit;\n' +
        'begin; set transaction isolation level repeatable read; select 1; commit;\n' +
        'begin; select 1; set transaction isolation level repeatable read; commit;',
    )
    assert.deepEqual(
      parsed.ok &&
        parsed.parts.map((part) => (part.kind === 'transaction' ? [part.isolation, part.statements] : [])),
      [
        ['serializable', ['select 1']],
        ['repeatable read', ['select 1']],
        // too late: it stays, and Postgres refuses it when the block runs
        [undefined, ['select 1', 'set transaction isolation level repeatable read']],
      ],
    )
  })

  it('refuses a BEGIN that is never committed, as a problem', () => {
    const parsed = parseOperatorScript('begin; alter table users drop column name')
    assert.deepEqual(
      !parsed.ok && parsed.problem.message,
      'the script opens a transaction with BEGIN and never ends it',
    )
  })
})
