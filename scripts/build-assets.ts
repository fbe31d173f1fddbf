// Builds what the static site serves besides Next's output, into public/ (git-ignored):
// the database worker bundle, PGlite's wasm and data files, one snapshot per lesson holding
// its starting database, and layers over it for its later steps' starts (build-step-layers.ts). Fails naming the file and field of a malformed lesson.
// `npm run dev` imports it to build everything once, then one lesson's snapshot per edit.
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  openDatabase,
  openSnapshotBase,
  pgliteDistDir,
  shippedSnapshot,
  snapshotInitdbArgs,
  snapshotPreparation,
  snapshotShipping,
} from '../lib/engine/node'
import type { Snapshot } from '../lib/engine'
import type { Lesson } from '../lib/scenario'
import { describeProblem, loadLessons } from '../lib/scenario/node'
import { bundleForBrowser } from './browser-bundle'
import { engineManifestPath, type EngineManifest, type StepLayers } from '../lib/engine/manifest'
import { buildStepLayers } from './build-step-layers'

/** Where the snapshots are written, under the project root. */
export const snapshotsDir = join('public', 'snapshots')

/** What every lesson snapshot is built from: kept by `npm run dev` to rebuild one lesson alone. */
export interface SnapshotBase {
  pgliteVersion: string
  /** An initdb'd, prepared database with nothing in it. */
  empty: Snapshot
}

/** A whole build: the manifest it wrote and the base to rebuild a lesson's snapshot from. */
export interface AssetBuild {
  manifest: EngineManifest
  base: SnapshotBase
  lessonCount: number
}

const shortHash = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex').slice(0, 12)
}

/** The snapshot's file name: the slug and a hash of everything its bytes depend on. */
export function nameLessonSnapshot(base: SnapshotBase, lesson: Pick<Lesson, 'slug' | 'setupSql'>): string {
  const hash = shortHash(
    base.pgliteVersion,
    snapshotInitdbArgs.join(' '),
    snapshotPreparation,
    snapshotShipping,
    lesson.setupSql,
  )
  return `${lesson.slug}-${hash}.tar`
}

/**
 * Runs a lesson's setup.sql on the empty database and writes the result to public/snapshots/;
 * its URL comes back, or the SQL error as `content/lessons/NN-slug/setup.sql:LINE: CODE message`.
 */
export async function buildLessonSnapshot(
  base: SnapshotBase,
  lesson: Pick<Lesson, 'slug' | 'folder' | 'setupSql'>,
  root = process.cwd(),
): Promise<{ ok: true; url: string } | { ok: false; error: string }> {
  const database = await openDatabase({ snapshot: base.empty })
  const result = await database.runScript(lesson.setupSql)
  if (!result.ok && result.error) {
    await database.close()
    const { code, message, position } = result.error
    const line = position === undefined ? '' : `:${lesson.setupSql.slice(0, position - 1).split('\n').length}`
    return { ok: false, error: `content/lessons/${lesson.folder}/setup.sql${line}: ${code} ${message}` }
  }
  const snapshot = new Uint8Array(await (await shippedSnapshot(database)).arrayBuffer())
  await database.close()
  const name = nameLessonSnapshot(base, lesson)
  await writeFile(join(root, snapshotsDir, name), snapshot)
  return { ok: true, url: `/snapshots/${name}` }
}

/** Writes the manifest pages read the engine's and the snapshots' URLs from. */
export async function writeEngineManifest(manifest: EngineManifest, root = process.cwd()): Promise<void> {
  await writeFile(join(root, engineManifestPath), JSON.stringify(manifest, null, 2) + '\n')
}

/**
 * Builds the engine's files, every lesson's snapshot and the manifest, replacing what was
 * there; a malformed lesson or a failing setup.sql comes back as its messages instead.
 */
export async function buildAssets(
  root = process.cwd(),
): Promise<{ ok: true; build: AssetBuild } | { ok: false; errors: string[] }> {
  const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
  if (problems.length > 0) return { ok: false, errors: problems.map(describeProblem) }

  const publicEngine = join(root, 'public', 'engine')
  const publicSnapshots = join(root, snapshotsDir)
  await rm(publicEngine, { recursive: true, force: true })
  await rm(publicSnapshots, { recursive: true, force: true })
  await mkdir(publicEngine, { recursive: true })
  await mkdir(publicSnapshots, { recursive: true })

  const dist = pgliteDistDir()
  const pgliteVersion = JSON.parse(await readFile(join(dist, '..', 'package.json'), 'utf8')).version as string
  const wasmName = `pglite-${pgliteVersion}.wasm`
  const dataName = `pglite-${pgliteVersion}.data`
  await copyFile(join(dist, 'pglite.wasm'), join(publicEngine, wasmName))
  await copyFile(join(dist, 'pglite.data'), join(publicEngine, dataName))

  const workerCode = await bundleForBrowser(join(root, 'lib', 'workbench', 'browser-worker.ts'))
  const workerName = `worker-${shortHash(workerCode)}.js`
  await writeFile(join(publicEngine, workerName), workerCode)

  // initdb once (2–3 s), then every lesson starts from that empty database
  const empty = await openSnapshotBase()
  const base: SnapshotBase = { pgliteVersion, empty: await empty.snapshot() }
  await empty.close()

  const snapshots: Record<string, string> = {}
  const stepLayers: Record<string, StepLayers> = {}
  for (const lesson of lessons) {
    const built = await buildLessonSnapshot(base, lesson, root)
    if (!built.ok) return { ok: false, errors: [built.error] }
    snapshots[lesson.slug] = built.url
    if (lesson.scenario)
      stepLayers[lesson.slug] = (await buildStepLayers(lesson, built.url, publicSnapshots)).layers
  }

  const manifest: EngineManifest = {
    worker: `/engine/${workerName}`,
    wasm: `/engine/${wasmName}`,
    data: `/engine/${dataName}`,
    snapshots,
    stepLayers,
  }
  await writeEngineManifest(manifest, root)
  return { ok: true, build: { manifest, base, lessonCount: lessons.length } }
}

// run as a script (npm run build), not imported by the dev server
// run as a script, not imported (a symlinked checkout names the same file two ways)
if (realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1] ?? '.')) {
  const started = performance.now()
  const result = await buildAssets()
  if (!result.ok) {
    for (const error of result.errors) console.error(`error: ${error}`)
    process.exit(1)
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`built engine assets and ${result.build.lessonCount} lesson snapshot(s) in ${seconds} s`)
}
