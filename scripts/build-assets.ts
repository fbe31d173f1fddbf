// Builds what the static site serves besides Next's output, into public/ (git-ignored):
// the database worker bundle, PGlite's wasm and data files, and one snapshot per lesson
// holding its starting database. Fails naming the file and field of a malformed lesson.
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  openDatabase,
  openSnapshotBase,
  pgliteDistDir,
  snapshotInitdbArgs,
  snapshotPreparation,
} from '../lib/engine/node'
import { describeProblem, loadLessons } from '../lib/scenario'
import { bundleForBrowser } from './browser-bundle'
import { engineManifestPath, type EngineManifest } from '../lib/engine/manifest'

const root = process.cwd()
const publicEngine = join(root, 'public', 'engine')
const publicSnapshots = join(root, 'public', 'snapshots')

const shortHash = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex').slice(0, 12)
}

async function main(): Promise<void> {
  const started = performance.now()
  const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${describeProblem(problem)}`)
    process.exit(1)
  }

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
  const emptySnapshot = await empty.snapshot()
  await empty.close()

  const snapshots: Record<string, string> = {}
  for (const lesson of lessons) {
    const database = await openDatabase({ snapshot: emptySnapshot })
    const result = await database.runScript(lesson.setupSql)
    if (!result.ok && result.error) {
      const { code, message, position } = result.error
      const line =
        position === undefined ? '' : `:${lesson.setupSql.slice(0, position - 1).split('\n').length}`
      console.error(`error: content/lessons/${lesson.folder}/setup.sql${line}: ${code} ${message}`)
      process.exit(1)
    }
    const snapshot = new Uint8Array(await (await database.snapshot()).arrayBuffer())
    await database.close()
    const name = `${lesson.slug}-${shortHash(pgliteVersion, snapshotInitdbArgs.join(' '), snapshotPreparation, lesson.setupSql)}.tar`
    await writeFile(join(publicSnapshots, name), snapshot)
    snapshots[lesson.slug] = `/snapshots/${name}`
  }

  const manifest: EngineManifest = {
    worker: `/engine/${workerName}`,
    wasm: `/engine/${wasmName}`,
    data: `/engine/${dataName}`,
    snapshots,
  }
  await writeFile(join(root, engineManifestPath), JSON.stringify(manifest, null, 2) + '\n')
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`built engine assets and ${lessons.length} lesson snapshot(s) in ${seconds} s`)
}

await main()
