// Builds each lesson's later steps' starts: the lesson's solutions replayed from its snapshot in
// Node, exactly as the workbench replays them in the browser, and at the start of every step
// the simulation can be picked up at, the database as a layer over the lesson's snapshot (a
// tenth of its size). A deep link then opens at that step as fast as at the first.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openDatabase, shippedSnapshot } from '../lib/engine/node'
import { tarEnd, tarLayer } from '../lib/engine'
import type { StepLayer, StepLayers } from '../lib/engine/manifest'
import type { Lesson } from '../lib/scenario'
import { collectStepStarts, type UnbuiltStepStart } from '../lib/workbench/node'

/** Builds the layers of one lesson's later steps beside its snapshot (`snapshotUrl`, under /snapshots/). */
export async function buildStepLayers(
  lesson: Pick<Lesson, 'slug' | 'scenario'>,
  snapshotUrl: string,
  snapshotsDir: string,
): Promise<{ layers: StepLayers; unbuilt: UnbuiltStepStart[] }> {
  const snapshotName = snapshotUrl.replace(/^\/snapshots\//, '')
  const base = new Uint8Array(await readFile(join(snapshotsDir, snapshotName)))
  const layers: StepLayer[] = []
  const scenario = lesson.scenario
  if (!scenario) return { layers: { snapshot: snapshotUrl, snapshotEnd: tarEnd(base), layers }, unbuilt: [] }
  const database = await openDatabase({ snapshot: new Blob([base]) })
  try {
    const unbuilt = await collectStepStarts(database, scenario, async (start) => {
      const later = new Uint8Array(await (await shippedSnapshot(database)).arrayBuffer())
      const layer = tarLayer(base, later)
      const hash = createHash('sha256').update(layer).digest('hex').slice(0, 12)
      const name = `${snapshotName.replace(/\.tar$/, '')}-step${start.step + 1}-${hash}.tar`
      await writeFile(join(snapshotsDir, name), layer)
      layers.push({ step: start.step, url: `/snapshots/${name}`, start })
    })
    return { layers: { snapshot: snapshotUrl, snapshotEnd: tarEnd(base), layers }, unbuilt }
  } finally {
    await database.close()
  }
}
