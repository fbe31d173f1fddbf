// What the worker-side tests share: the first lesson with a scenario on its own database, and
// a workbench opened on it whose clock is the test.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Database, Snapshot } from '../engine'
import { buildSnapshot, openDatabase } from '../engine/node'
import type { ExtensionContext } from '../engine/worker-host'
import type { Lesson } from '../scenario'
import { loadLessons } from '../scenario/node'
import { isSimulationEvent, type StepVerdict, type WorkbenchBatch } from './events'
import { parseSimulationReply, type SimulationRequest, type SimulationRequests } from './protocol'
import { createSimulationExtension } from './server'
import type { StepStart } from './step-starts'

/**
 * The first lesson with a scenario (or the one named), its starting snapshot, and a database
 * opened on it.
 */
export async function openFirstLesson(
  slug?: string,
): Promise<{ lesson: Lesson; start: Snapshot; database: Database }> {
  const root = process.cwd()
  const { lessons } = await loadLessons(join(root, 'content', 'lessons'), root)
  const lesson = lessons.find((candidate) => candidate.scenario && (!slug || candidate.slug === slug))!
  const built = await buildSnapshot(lesson.setupSql)
  assert.ok(built.ok)
  return { lesson, start: built.snapshot, database: await openDatabase({ snapshot: built.snapshot }) }
}

/**
 * Opens the lesson's workbench at a step, as the page would. The test is the clock: each tick
 * runs when the test says so, never after a real wait. Replies are parsed as the page parses them.
 */
export async function openWorkbench(
  lesson: Lesson,
  database: Database,
  start: Snapshot,
  step = 0,
  sql: (string | null)[] = [],
  resume?: SimulationRequests['open']['resume'],
  /** Opens on a step's start built ahead of time; `start` is then the database's snapshot, not restored. */
  stepStart?: StepStart,
) {
  const ticks: (() => void)[] = []
  const messages: unknown[] = []
  let queue = Promise.resolve()
  const context: ExtensionContext = {
    database,
    emit: (message) => messages.push(message),
    enqueue: (task) => (queue = queue.then(task)),
    saveRestorePoint: async () => {
      messages.push({ type: 'restore point', snapshot: await database.snapshot() })
    },
  }
  const extension = createSimulationExtension((run) => ticks.push(run))
  const call = async <R extends SimulationRequest>(request: R) =>
    parseSimulationReply<R['action']>(request.action, await extension(request, context))
  await call({
    action: 'open',
    lesson: lesson.slug,
    scenario: lesson.scenario,
    ...(!stepStart && { start }),
    step,
    sql,
    speed: 10,
    ...(resume && { resume }),
    ...(stepStart && { stepStart }),
  })
  const tick = async () => {
    ticks.shift()?.()
    await queue
  }
  const batches = () =>
    messages.filter(
      (message): message is WorkbenchBatch => isSimulationEvent(message) && message.type === 'workbench',
    )
  const verdicts = () =>
    messages.filter(
      (message): message is StepVerdict => isSimulationEvent(message) && message.type === 'verdict',
    )
  const tickUntilVerdict = async (limit = 400) => {
    const before = verdicts().length
    for (let i = 0; i < limit && verdicts().length === before; i++) await tick()
    const verdict = verdicts()[before]
    assert.ok(verdict, `no verdict within ${limit} ticks`)
    return verdict
  }
  return { call, tick, messages, batches, verdicts, tickUntilVerdict }
}
