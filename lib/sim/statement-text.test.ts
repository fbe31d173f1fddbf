import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  commandTagOf,
  concurrentIndexNameOf,
  isConcurrentIndexBuild,
  transactionControlOf,
} from './statement-text'

describe('statement text', () => {
  it('tells BEGIN, COMMIT and ROLLBACK in their spellings from savepoints and prepared transactions', () => {
    const statements = [
      'BEGIN',
      'start transaction isolation level serializable',
      'commit',
      'END;',
      'abort',
      'rollback',
      'rollback to savepoint a',
      "commit prepared 'x'",
      'select 1',
    ]
    assert.deepEqual(statements.map(transactionControlOf), [
      'begin',
      'begin',
      'commit',
      'commit',
      'rollback',
      'rollback',
      undefined,
      undefined,
      undefined,
    ])
  })

  it('names a statement by its first word, as psql prints the command tag', () => {
    assert.deepEqual([commandTagOf('  vacuum users'), commandTagOf('')], ['VACUUM', 'EMPTY'])
  })

  it('finds the index a CREATE INDEX CONCURRENTLY builds, and nothing in a plain CREATE INDEX', () => {
    assert.deepEqual(
      [
        'create unique index concurrently if not exists users_name on users (name)',
        'CREATE INDEX CONCURRENTLY "users name" ON users (name)',
        'create index users_name on users (name)',
      ].map((sql) => [isConcurrentIndexBuild(sql), concurrentIndexNameOf(sql)]),
      [
        [true, 'users_name'],
        [true, '"users name"'],
        [false, undefined],
      ],
    )
  })
})
