import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { locksBeforeFailing, tablesNamedBy } from './failed-statement-locks'

describe('tablesNamedBy', () => {
  it('gives a SELECT ACCESS SHARE on every table it reads', () => {
    assert.deepEqual(tablesNamedBy('select u.nmae from users u join orders o on o.user_id = u.id'), [
      { name: 'users', mode: 'AccessShareLock' },
      { name: 'orders', mode: 'AccessShareLock' },
    ])
  })

  it('gives the target of a write ROW EXCLUSIVE and what it reads ACCESS SHARE', () => {
    assert.deepEqual(tablesNamedBy('INSERT INTO users (nmae) SELECT name FROM staging'), [
      { name: 'users', mode: 'RowExclusiveLock' },
      { name: 'staging', mode: 'AccessShareLock' },
    ])
    assert.deepEqual(tablesNamedBy('update public.users set nmae = $1 where id = $2'), [
      { name: 'public.users', mode: 'RowExclusiveLock' },
    ])
  })
})

describe('locksBeforeFailing', () => {
  it('gives refused DDL the lock it queues for before it checks the data', () => {
    assert.deepEqual(
      [
        'alter table users add column code text not null',
        'alter table users validate constraint users_name_known',
        'alter table orders add constraint orders_user foreign key (user_id) references users (id)',
        'create unique index users_name on users (name)',
        'create index concurrently users_name on users (name)',
        'truncate table users',
      ].map(locksBeforeFailing),
      [
        [{ name: 'users', mode: 'AccessExclusiveLock' }],
        [{ name: 'users', mode: 'ShareUpdateExclusiveLock' }],
        [{ name: 'orders', mode: 'ShareRowExclusiveLock' }],
        [{ name: 'users', mode: 'ShareLock' }],
        [],
        [{ name: 'users', mode: 'AccessExclusiveLock' }],
      ],
    )
  })
})
