import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Database } from '../engine'
import { openDatabase, shippedSnapshot } from '../engine/node'
import { layeredSnapshot, tarEnd, tarLayer } from '../engine'
import { collectStepStarts, replayStepsBefore, startLessonSimulation, type StepStart } from './step-starts'
import { openFirstLesson, openWorkbench } from './workbench-fixture'

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer())

// What a learner can see of a database: the app's tables, their columns, indexes and constraints, and every row
async function contentsOf(database: Database): Promise<unknown[]> {
  const rowsOf = async (sql: string) => {
    const result = await database.run(sql)
    assert.ok(result.ok, sql)
    return result.rows
  }
  const tables = await rowsOf(
    "select table_name from information_schema.tables where table_schema = 'public' order by 1",
  )
  const contents: unknown[] = [
    tables,
    await rowsOf(
      `select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
       where table_schema = 'public' order by 1, 2`,
    ),
    await rowsOf("select indexdef from pg_indexes where schemaname = 'public' order by 1"),
    await rowsOf(
      `select conrelid::regclass::text, pg_get_constraintdef(oid), convalidated from pg_constraint
       where connamespace = 'public'::regnamespace order by 1, 2`,
    ),
  ]
  for (const [table] of tables) contents.push(await rowsOf(`select t::text from "${table}" t order by 1`))
  return contents
}

describe('step starts built ahead of time', () => {
  it('each holds the database the replay reached there, and the last step passes from it', async () => {
    const { lesson, start, database } = await openFirstLesson('expand-contract')
    const scenario = lesson.scenario!
    const base = await bytesOf(start)
    const built: { start: StepStart; layer: Uint8Array<ArrayBuffer>; contents: unknown[] }[] = []
    const unbuilt = await collectStepStarts(database, scenario, async (stepStart) => {
      const later = await bytesOf(await shippedSnapshot(database))
      built.push({ start: stepStart, layer: tarLayer(base, later), contents: await contentsOf(database) })
    })
    await database.close()
    assert.deepEqual(unbuilt, [], 'every step of expand-contract can be picked up')
    assert.deepEqual(
      built.map(({ start }) => start.step),
      scenario.steps.slice(1).map((_, index) => index + 1),
    )

    for (const { start: stepStart, layer, contents } of built) {
      const layered = await openDatabase({
        snapshot: layeredSnapshot(start, tarEnd(base), new Blob([layer])),
      })
      assert.deepEqual(await contentsOf(layered), contents, `the start of step ${stepStart.step + 1}`)
      await layered.close()
    }

    // the workbench's own replay reaches the very point the build recorded
    const last = built.at(-1)!
    const replayed = await openDatabase({ snapshot: start })
    const simulation = await startLessonSimulation(replayed, scenario, { keepEvents: false })
    await replayStepsBefore(simulation, scenario, last.start.step, [])
    const picked = simulation.pickUpPoint()
    assert.ok(picked.ok)
    const { atUs, deployment, sequences, tableSizes } = picked.point
    assert.deepEqual(
      { atMs: atUs / 1000, deployment, sequences, tableSizes },
      {
        atMs: last.start.atMs,
        deployment: last.start.deployment,
        sequences: last.start.sequences,
        tableSizes: last.start.tableSizes,
      },
    )
    await replayed.close()

    // opened on it, the workbench goes on: the last step runs with the lesson's SQL and passes
    const layeredStart = layeredSnapshot(start, tarEnd(base), new Blob([last.layer]))
    const opened = await openDatabase({ snapshot: layeredStart })
    try {
      const workbench = await openWorkbench(
        lesson,
        opened,
        layeredStart,
        last.start.step,
        [],
        undefined,
        last.start,
      )
      await workbench.call({ action: 'run', step: last.start.step, how: 'solution' })
      const verdict = await workbench.tickUntilVerdict()
      assert.equal(verdict.passed, true, JSON.stringify(verdict))
      const batch = workbench.batches().at(-1)!
      assert.deepEqual(
        batch.stepOutcomes.slice(0, last.start.step),
        scenario.steps.slice(0, last.start.step).map(() => 'applied'),
      )
    } finally {
      await opened.close()
    }
  })

  it('are not built where something lives only in the simulation: a held session, a connection idle in a transaction', async () => {
    const { lesson, database } = await openFirstLesson('lock-queue')
    const builtSteps: number[] = []
    const unbuilt = await collectStepStarts(database, lesson.scenario!, async ({ step }) => {
      builtSteps.push(step)
    })
    await database.close()
    assert.ok(unbuilt.length > 0)
    for (const { reason } of unbuilt) assert.match(reason, /session .* is held open|idle in a transaction/)
    assert.deepEqual(
      [...builtSteps, ...unbuilt.map(({ step }) => step)].sort((a, b) => a - b),
      lesson.scenario!.steps.slice(1).map((_, index) => index + 1),
    )
  })
})
