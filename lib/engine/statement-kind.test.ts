import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildsIndex,
  commandTagOf,
  concurrentIndexBuildOf,
  concurrentIndexDropOf,
  isConcurrentIndexBuild,
  isReadCommand,
  isReadOnlyCommand,
  isRowWriteCommand,
  isTransactionBlockOnly,
  isTransactionForbidden,
  isTransactionStatement,
  isWriteStatement,
  isolationLevelOf,
  normalizeStatement,
  outsideTransactionFormOf,
  sleepSecondsOf,
  transactionControlOf,
  withoutLeadingComments,
  withoutSleeps,
  writesRows,
} from './statement-kind'

describe('normalizeStatement', () => {
  it('lower-cases, collapses whitespace and drops comments, nested ones whole', () => {
    assert.equal(
      normalizeStatement('/* a /* b */ c */ CREATE  INDEX -- why\n\tCONCURRENTLY i'),
      'create index concurrently i',
    )
  })

  it('keeps what looks like a comment inside a string or a quoted name', () => {
    assert.equal(normalizeStatement(`SELECT '--not', "/*x*/" FROM t`), `select '--not', "/*x*/" from t`)
  })
})

describe('commandTagOf', () => {
  it('is the first word upper-cased, past comments, as PGlite reports a command tag', () => {
    assert.deepEqual(
      ['create index i on t (a)', '/* c */ select 1', 'begin;', 'select(1)', '', '(select 1)'].map(
        commandTagOf,
      ),
      ['CREATE', 'SELECT', 'BEGIN', 'SELECT', 'EMPTY', 'EMPTY'],
    )
  })
})

describe('transactionControlOf', () => {
  it('knows BEGIN, COMMIT and ROLLBACK in each of their spellings', () => {
    assert.deepEqual(
      ['BEGIN', 'start transaction isolation level serializable', 'commit;', 'END', 'rollback', 'abort'].map(
        transactionControlOf,
      ),
      ['begin', 'begin', 'commit', 'commit', 'rollback', 'rollback'],
    )
  })

  it('leaves out what does not end this transaction: ROLLBACK TO, the PREPARED forms, any other statement', () => {
    assert.deepEqual(
      [
        'rollback to savepoint s',
        'rollback to s',
        "commit prepared 'x'",
        "rollback prepared 'x'",
        'savepoint s',
        'select 1',
      ].map(transactionControlOf),
      [undefined, undefined, undefined, undefined, undefined, undefined],
    )
  })
})

describe('isTransactionStatement', () => {
  it('counts savepoints, PREPARE TRANSACTION and SET TRANSACTION with BEGIN, COMMIT and ROLLBACK', () => {
    assert.deepEqual(
      [
        'begin',
        'rollback to savepoint s',
        'release savepoint s',
        "prepare transaction 'x'",
        'set transaction read only',
        'set transaction_isolation = serializable',
        'select 1',
      ].map(isTransactionStatement),
      [true, true, true, true, true, false, false],
    )
  })
})

describe('isTransactionForbidden', () => {
  it('recognises the statements Postgres refuses in a transaction block, past comments', () => {
    assert.equal(isTransactionForbidden('/* safe */ CREATE UNIQUE INDEX\n CONCURRENTLY i ON t (a)'), true)
    assert.equal(isTransactionForbidden('drop index concurrently i'), true)
    assert.equal(isTransactionForbidden('vacuum full t'), true)
    assert.equal(isTransactionForbidden('create index i on t (a)'), false)
  })
})

describe('concurrent index builds and drops', () => {
  it('tells CREATE INDEX CONCURRENTLY from a plain CREATE INDEX', () => {
    assert.deepEqual(
      [
        'create unique index concurrently i on t (a)',
        'create index i on t (a)',
        'drop index concurrently i',
      ].map(isConcurrentIndexBuild),
      [true, false, false],
    )
  })

  it('reads the index and table a concurrent build names, quoted or qualified', () => {
    assert.deepEqual(
      [
        'create index concurrently users_name on users (name)',
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "My Index" ON ONLY "audit"."events" (at)',
        'create index concurrently on t$1(a)',
        'create index i on t (a)',
      ].map(concurrentIndexBuildOf),
      [
        { index: 'users_name', table: 'users' },
        { index: '"my index"', table: '"audit"."events"' },
        { table: 't$1' },
        undefined,
      ],
    )
  })

  it('reads the index a concurrent drop names', () => {
    assert.deepEqual(
      ['drop index concurrently if exists audit.events_at', 'drop index i'].map(concurrentIndexDropOf),
      ['audit.events_at', undefined],
    )
  })
})

describe('buildsIndex', () => {
  it('counts CREATE INDEX and a UNIQUE or PRIMARY KEY constraint, unless it adopts an index', () => {
    assert.deepEqual(
      [
        'create unique index i on t (a)',
        'alter table t add constraint k unique (a)',
        'alter table t add primary key (id)',
        'alter table t add constraint k unique using index i',
        'alter table t add column a int',
      ].map(buildsIndex),
      [true, true, true, false, false],
    )
  })
})

describe('command tags', () => {
  it('sorts tags into reads, row writes, and those that cannot have changed the database', () => {
    const tags = ['SELECT', 'INSERT', 'COPY', 'BEGIN', 'EMPTY', 'ALTER']
    assert.deepEqual(tags.map(isReadCommand), [true, false, false, false, false, false])
    assert.deepEqual(tags.map(isRowWriteCommand), [false, true, true, false, false, false])
    assert.deepEqual(tags.map(isReadOnlyCommand), [true, false, false, true, true, false])
  })
})

describe('writesRows', () => {
  it('tells an endpoint’s writes from its reads by the text, a data-modifying WITH and a locking read included', () => {
    assert.deepEqual(
      [
        'insert into users (name) values ($1)',
        'update users set name = $1 where id = $2',
        '  -- renames\nDELETE FROM users WHERE id = $1',
        'with gone as (delete from users where id = $1 returning id) select count(*) from gone',
        'with x as (select id from users for update) select * from x',
        "with x as (select 'insert into t' as s) select * from x",
        'select id, name from users where id = $1',
        'select id from users where id = $1 for no key update',
      ].map(writesRows),
      [true, true, true, true, false, false, false, false],
    )
  })
})

describe('isWriteStatement', () => {
  it('counts DDL and DML, not reads, transaction control or settings, semicolon or not', () => {
    assert.deepEqual(
      [
        'alter table t add column c int',
        'insert into t values (1);',
        'select 1',
        'begin;',
        'commit;',
        "set lock_timeout = '1s'",
        'with x as (select 1) select * from x',
        '-- nothing',
      ].map(isWriteStatement),
      [true, true, false, false, false, false, false, false],
    )
  })
})

describe('outsideTransactionFormOf', () => {
  it('reads the form and the names of each statement Postgres runs outside a transaction block', () => {
    assert.deepEqual(
      [
        'create unique index concurrently users_email on users (email)',
        'drop index concurrently if exists users_email',
        'reindex index concurrently users_email;',
        'REINDEX (VERBOSE) TABLE CONCURRENTLY users',
        'alter table ledger detach partition ledger_2026 concurrently',
        'vacuum full users',
        'VACUUM (FULL, ANALYZE) users, orders (id)',
        'vacuum analyze',
        'create database other',
        'alter table users add column c int',
      ].map(outsideTransactionFormOf),
      [
        { kind: 'create index concurrently', index: 'users_email', table: 'users' },
        { kind: 'drop index concurrently', index: 'users_email' },
        { kind: 'reindex concurrently', target: 'index', name: 'users_email' },
        { kind: 'reindex concurrently', target: 'table', name: 'users' },
        { kind: 'detach partition concurrently', parent: 'ledger', partition: 'ledger_2026' },
        { kind: 'vacuum', full: true, tables: ['users'] },
        { kind: 'vacuum', full: true, tables: ['users', 'orders'] },
        { kind: 'vacuum', full: false, tables: [] },
        { kind: 'other' },
        undefined,
      ],
    )
  })
})

describe('isolationLevelOf', () => {
  it('reads the level BEGIN, START TRANSACTION and SET TRANSACTION ask for, READ UNCOMMITTED being READ COMMITTED', () => {
    assert.deepEqual(
      [
        'begin isolation level repeatable read',
        'START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY',
        'set transaction isolation level read uncommitted',
        'begin',
        "set default_transaction_isolation = 'serializable'",
      ].map(isolationLevelOf),
      ['repeatable read', 'serializable', 'read committed', undefined, undefined],
    )
  })
})

describe('isTransactionBlockOnly', () => {
  it('is true of LOCK TABLE, which Postgres refuses outside a block', () => {
    assert.deepEqual(
      ['lock table users in share mode', 'LOCK users', 'select 1'].map(isTransactionBlockOnly),
      [true, true, false],
    )
  })
})

describe('pg_sleep as modelled time', () => {
  it('adds up literal pg_sleep calls and makes them sleep 0, leaving strings and other calls alone', () => {
    const statements = [
      'select count(*) from users, pg_sleep(1.5)',
      'select pg_sleep( 2 ), pg_catalog.pg_sleep(.5)',
      "select 'pg_sleep(3)', my_pg_sleep(4)",
      'select pg_sleep(n) from t',
    ]
    assert.deepEqual(statements.map(sleepSecondsOf), [1.5, 2.5, 0, 0])
    assert.deepEqual(statements.map(withoutSleeps), [
      'select count(*) from users, pg_sleep(0)',
      'select pg_sleep( 0 ), pg_catalog.pg_sleep(0)',
      "select 'pg_sleep(3)', my_pg_sleep(4)",
      'select pg_sleep(n) from t',
    ])
  })
})

describe('a statement as a person reads it', () => {
  it('drops the comments before it and the whitespace around it, and keeps those inside', () => {
    assert.equal(
      withoutLeadingComments(
        '-- the migration\n/* one transaction */\n  alter table users -- why\n add column a text\n',
      ),
      'alter table users -- why\n add column a text',
    )
    assert.equal(withoutLeadingComments('-- nothing but a comment'), '-- nothing but a comment')
  })
})
