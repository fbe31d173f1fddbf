import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { tablesNamedBy } from './failed-statement-locks'

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
