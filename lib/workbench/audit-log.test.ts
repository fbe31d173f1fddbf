import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database, Snapshot } from '../engine'
import type { Lesson } from '../scenario'
import { openFirstLesson, openWorkbench } from './workbench-fixture'

describe('the workbench in the worker', () => {
  let lesson: Lesson, start: Snapshot, database: Database
  before(async () => ({ lesson, start, database } = await openFirstLesson()))
  after(() => database.close())

  it('keeps an audit log of steps, operator commands and SQL run by hand, but not of reads', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'deploy', shares: { 'v1.0.0': 100 } })
      // one session, one statement at a time, as psql sends them
      await workbench.call({ action: 'console', id: 1, sql: 'select count(*) from orders' })
      await workbench.tick()
      await workbench.call({ action: 'console', id: 2, sql: 'create table notes (body text)' })
      await workbench.tick()
      // a change in a console transaction is logged at its COMMIT, and not at all after ROLLBACK
      let id = 3
      for (const sql of [
        'begin',
        "insert into notes values ('dropped')",
        'rollback',
        'begin',
        "insert into notes values ('kept')",
        'commit',
        // psql sends a statement with its semicolon: control words are not changes either
        'begin;',
        'commit;',
        'rollback;',
      ]) {
        await workbench.call({ action: 'console', id: id++, sql })
        await workbench.tick()
      }
      // a script in a SQL console is logged by the statement that writes, not by its first word
      await workbench.call({
        action: 'sql',
        id: 20,
        sql: 'begin; update users set name = name where id = 1; commit;',
      })
      await workbench.tick()
      await workbench.call({ action: 'run', step: 1, how: 'solution' })
      await workbench.tickUntilVerdict()
      await workbench.tick()
      const audit = workbench.batches().flatMap((batch) => batch.audit)
      assert.deepEqual(
        audit.map(({ actor, what, outcome }) => [actor, what, outcome]),
        [
          ['operator', 'deployed v1.0.0 100%', undefined],
          ['by hand', 'create table notes (body text)', 'ok'],
          ['by hand', "insert into notes values ('kept')", 'ok'],
          ['by hand', 'update users set name = name where id = 1', 'ok'],
          ['lesson', 'ran step 2, Index the order totals, with the solution', undefined],
          ['lesson', 'step 2 passed', 'ok'],
        ],
      )
      assert.ok(audit.every((entry, index) => index === 0 || entry.atMs >= audit[index - 1].atMs))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('says who did it: a step run with the learner’s own SQL is theirs, by hand, and a rollback is a rollback', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({
        action: 'run',
        step: 1,
        how: 'yours',
        sql: '-- mine\ncreate index concurrently orders_total_cents on orders (total_cents);',
      })
      await workbench.tickUntilVerdict()
      await workbench.call({ action: 'deploy', shares: { 'v1.0.0': 100 }, reason: 'rollback' })
      await workbench.tick()
      const audit = workbench.batches().flatMap((batch) => batch.audit)
      assert.deepEqual(
        audit.map(({ actor, what }) => [actor, what]),
        [
          [
            'by hand',
            'step 2, Index the order totals, with your SQL: create index concurrently orders_total_cents on orders (total_cents);',
          ],
          ['lesson', 'step 2 passed'],
          ['operator', 'rolled back: deployed v1.0.0 100%'],
        ],
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })
})
