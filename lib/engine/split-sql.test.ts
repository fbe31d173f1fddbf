import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { splitSql } from './split-sql'

const sqlOf = (script: string) => splitSql(script).map((statement) => statement.sql)

describe('splitSql', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    assert.deepEqual(sqlOf('select 1;  ;\nselect 2;\n'), ['select 1', 'select 2'])
  })

  it('keeps a statement without a final semicolon', () => {
    assert.deepEqual(sqlOf('select 1; select 2'), ['select 1', 'select 2'])
  })

  it('keeps a dollar-quoted function body whole', () => {
    const script = `create function f() returns int as $$ begin perform 1; return 2; end $$ language plpgsql;
create function g() returns text as $body$ select 'a;$$b' $body$ language sql; select f()`
    assert.deepEqual(sqlOf(script), [
      'create function f() returns int as $$ begin perform 1; return 2; end $$ language plpgsql',
      "create function g() returns text as $body$ select 'a;$$b' $body$ language sql",
      'select f()',
    ])
  })

  it('ignores semicolons in strings, escape strings and quoted identifiers', () => {
    const script = `select 'a;b', 'it''s; fine'; select E'back\\'slash;'; select 1 as "x;y"`
    assert.deepEqual(sqlOf(script), [
      `select 'a;b', 'it''s; fine'`,
      `select E'back\\'slash;'`,
      'select 1 as "x;y"',
    ])
  })

  it('ignores semicolons in line comments and nested block comments', () => {
    const script = `select 1 -- not the end; really
; /* outer /* inner; */ still; comment */ select 2; -- only a comment;`
    assert.deepEqual(sqlOf(script), [
      'select 1 -- not the end; really',
      '/* outer /* inner; */ still; comment */ select 2',
    ])
  })

  it('does not mistake a positional parameter or a $ inside a name for a dollar quote', () => {
    assert.deepEqual(sqlOf('select $1; select a$b$ from t; select 2'), [
      'select $1',
      'select a$b$ from t',
      'select 2',
    ])
  })

  it('reports where each statement starts in the script', () => {
    assert.deepEqual(
      splitSql('select 1;\n  select 2;').map((statement) => statement.start),
      [0, 12],
    )
  })

  it('keeps CREATE INDEX CONCURRENTLY alone and marks it to run outside a transaction', () => {
    const statements = splitSql(
      'begin; alter table t add column c int; commit;\ncreate index concurrently t_c on t (c); select 1',
    )
    assert.deepEqual(
      statements.map(({ sql, runsOutsideTransaction }) => [sql, runsOutsideTransaction]),
      [
        ['begin', false],
        ['alter table t add column c int', false],
        ['commit', false],
        ['create index concurrently t_c on t (c)', true],
        ['select 1', false],
      ],
    )
  })
})
