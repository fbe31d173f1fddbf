import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database, Snapshot } from '../engine'
import type { Lesson } from '../scenario'
import { openFirstLesson, openWorkbench } from './workbench-fixture'

describe('the workbench in the worker', () => {
  let lesson: Lesson, start: Snapshot, database: Database
  before(async () => ({ lesson, start, database } = await openFirstLesson()))
  after(() => database.close())

  it('sends one batch per tick and passes a scripted step once its window closed', async () => {
    const workbench = await openWorkbench(lesson, database, start)
    try {
      await workbench.call({ action: 'run', step: 0, how: 'solution' })
      const verdict = await workbench.tickUntilVerdict()
      assert.deepEqual([verdict.step, verdict.passed, verdict.result], [0, true, { ok: true }])
      const batches = workbench.batches()
      assert.equal(batches.at(-1)!.nowMs, batches.length * 100 * 10)
      assert.deepEqual(batches.at(-1)!.deployment, { 'v1.0.0': 100 })
      assert.deepEqual(
        batches.flatMap((batch) => batch.markers).map(({ index, id, how }) => ({ index, id, how })),
        [{ index: 0, id: 'serve', how: 'solution' }],
      )
      assert.deepEqual(
        batches
          .at(-1)!
          .endpoints.map(({ endpoint, last }) => [endpoint, last])
          .sort(),
        [
          ['GET /orders', 'ok'],
          ['POST /orders', 'ok'],
        ],
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('does not pass a step whose SQL the simulator says it cannot model, though its claims held', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({
        action: 'run',
        step: 1,
        how: 'yours',
        sql: "set idle_in_transaction_session_timeout = '5s';\ncreate index concurrently orders_total_cents on orders (total_cents);",
      })
      const verdict = await workbench.tickUntilVerdict()
      assert.ok(verdict.expectations.every((expectation) => expectation.held))
      assert.equal(verdict.passed, false)
      assert.match(verdict.notModelled?.join(' ') ?? '', /idle_in_transaction_session_timeout/)
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('judges the naive index build by its own claims: writes time out behind it, as the lesson says, and the step does not pass', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'run', step: 1, how: 'naive' })
      const verdict = await workbench.tickUntilVerdict()
      assert.equal(verdict.passed, false)
      assert.equal(verdict.brokeAsTaught, true)
      assert.deepEqual(
        verdict.expectations.map(({ claim, held }) => [claim, held]),
        [
          ['v1.0.0 times out', true],
          ['v1.0.0 POST /orders times out', true],
          ['v1.0.0 GET /orders serves every request', true],
          ['longest lock wait at least 5000 ms', true],
          ['the step succeeds', true],
        ],
      )
      assert.match(verdict.expectations[0].actual, /POST \/orders, no answer within 5000 ms/)
      const writes = workbench
        .batches()
        .at(-1)!
        .endpoints.find((status) => status.endpoint === 'POST /orders')!
      assert.equal(writes.lastFailure?.outcome, 'timeout')
      assert.match(writes.lastFailure!.message, /no answer within 5000 ms: it waited for its locks/)
      // and the cell says how often, not only what came last: the writes of its last 10 s failed
      assert.ok(
        writes.recent.failed > 0 && writes.recent.failed <= writes.recent.answered,
        JSON.stringify(writes.recent),
      )
      const reads = workbench
        .batches()
        .at(-1)!
        .endpoints.find((status) => status.endpoint === 'GET /orders')!
      assert.deepEqual([reads.recent.failed, reads.recent.answered > 0], [0, true])
      // while the index built, its migration held SHARE and the writes queued behind it
      const during = workbench
        .batches()
        .find((batch) => batch.sessions.some((session) => session.kind === 'migration'))!
      const migration = during.sessions.find((session) => session.kind === 'migration')!
      assert.deepEqual(
        migration.locks.filter((lock) => lock.relation === 'orders'),
        [{ relation: 'orders', mode: 'ShareLock', granted: true }],
      )
      const blockedWrite = during.sessions.find((session) => session.state === 'waiting')!
      assert.deepEqual(blockedWrite.blockedBy, [migration.owner])
      assert.match(blockedWrite.label, /POST \/orders/)
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('passes the learner’s own SQL on its outcome, and the schema shows the new index', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      const sql =
        '-- my way\nCREATE INDEX CONCURRENTLY orders_total_cents ON orders USING btree (total_cents);'
      await workbench.call({ action: 'run', step: 1, how: 'yours', sql })
      const verdict = await workbench.tickUntilVerdict()
      assert.equal(verdict.passed, true, JSON.stringify(verdict.expectations))
      const schema = await workbench.call({ action: 'schema' })
      const orders = schema.tables.find((table) => table.name === 'orders')!
      assert.deepEqual(
        orders.indexes.find((index) => index.name === 'orders_total_cents'),
        {
          name: 'orders_total_cents',
          definition: 'CREATE INDEX orders_total_cents ON public.orders USING btree (total_cents)',
          valid: true,
        },
      )
      assert.ok(workbench.batches().some((batch) => batch.schemaChanged))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('reports Postgres’s error and the failing statement when the learner’s SQL is wrong', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({
        action: 'run',
        step: 1,
        how: 'yours',
        sql: 'create index concurrently orders_total_cents on orders (totl_cents);',
      })
      const verdict = await workbench.tickUntilVerdict()
      assert.equal(verdict.passed, false)
      assert.ok(verdict.result.ok === false)
      assert.equal(verdict.result.error.code, '42703')
      assert.equal(
        verdict.result.statement,
        'create index concurrently orders_total_cents on orders (totl_cents)',
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })
})
