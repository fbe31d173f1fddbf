import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { ExtensionContext } from '../engine/worker-host'
import { buildSnapshot, openDatabase } from '../engine/node'
import { loadLessons } from './lesson'
import { createSimulationExtension, type LiveBatch, type LiveSqlResult } from './simulation-extension'

describe('the simulator in the worker, live', () => {
  it('sends one batch per tick, not a message per request, and runs learner SQL under the same locks', async () => {
    const root = process.cwd()
    const { lessons } = await loadLessons(join(root, 'content', 'lessons'), root)
    const lesson = lessons.find((candidate) => candidate.scenario)!
    const built = await buildSnapshot(lesson.setupSql)
    assert.ok(built.ok)
    const database = await openDatabase({ snapshot: built.snapshot })
    const ticks: (() => void)[] = []
    const messages: unknown[] = []
    let queue = Promise.resolve()
    const context: ExtensionContext = {
      database,
      emit: (message) => messages.push(message),
      enqueue: (task) => (queue = queue.then(task)),
    }
    // the test is the clock: each tick runs when the test says so, never after a real wait
    const extension = createSimulationExtension((run) => ticks.push(run))
    const tick = async () => {
      ticks.shift()?.()
      await queue
    }
    try {
      await extension({ action: 'start', scenario: lesson.scenario, path: 'safe', speed: 10 }, context)
      assert.deepEqual(await extension({ action: 'next step' }, context), { applied: 'serve' })
      for (let i = 0; i < 20; i++) await tick()
      await extension({ action: 'sql', id: 7, sql: 'select count(*) from users where id <= 3' }, context)
      for (let i = 0; i < 3; i++) await tick()

      const batches = messages.filter(
        (message): message is LiveBatch => (message as LiveBatch).type === 'live',
      )
      assert.equal(batches.length, 23)
      assert.equal(batches.at(-1)!.nowMs, 23 * 100 * 10)
      const served = batches
        .flatMap((batch) => batch.metrics)
        .reduce((total, metrics) => total + metrics.ok, 0)
      assert.ok(served > 500, `served ${served} requests in 23 virtual seconds at 50/s`)
      assert.deepEqual(batches.at(-1)!.deployment, { 'v1.0.0': 100 })
      const answers = messages.filter(
        (message): message is LiveSqlResult => (message as LiveSqlResult).type === 'sql',
      )
      assert.deepEqual(
        answers.map(({ id, ok, last }) => [id, ok, last?.ok && last.rows]),
        [[7, true, [['3']]]],
      )
    } finally {
      await extension({ action: 'stop' }, context)
      await database.close()
    }
  })

  it('rejects a malformed request with a zod error instead of half-using it', async () => {
    const extension = createSimulationExtension(() => undefined)
    await assert.rejects(extension({ action: 'speed', speed: 3 }, {} as ExtensionContext), /Invalid input/)
  })
})
