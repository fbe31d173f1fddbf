// Node-only entry points: tests, the build, the headless runner and benchmarks open
// databases here, in-process or in a worker thread.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { PgliteDatabase, type OpenOptions } from './pglite-database'
import { WorkerDatabase, withSpareWorker, type WorkerHandle } from './worker-client'
import { tarWithout } from './tar-layers'
import type { Database, Snapshot } from './types'

export { PgliteDatabase, type OpenOptions }

/**
 * initdb arguments for databases that become snapshots: 1 MB WAL segments instead of 16 MB
 * make a lesson's snapshot a quarter smaller (40 → 30 MB) and open ~12% faster.
 */
export const snapshotInitdbArgs = ['--wal-segsize=1']

// template0 exists so CREATE DATABASE can copy a pristine database; PGlite serves one database
// to one session and never needs it, and without it a snapshot is 9 MB (28%) smaller and opens
// ~25% faster. template1 stays, so CREATE DATABASE still works.
/** SQL run on every snapshot base before a lesson's setup: it drops template0. */
export const snapshotPreparation = 'alter database template0 is_template false; drop database template0'

/**
 * The database as a snapshot the build ships: its data directory without the WAL segments ahead
 * of the one being written. Postgres renames old segments into spares for later (initdb leaves
 * six: 6 MB of a 23.6 MB lesson snapshot that nothing reads); it makes a segment again when it
 * gets there, and its recovery at start-up ends where the WAL ends.
 */
export async function shippedSnapshot(database: Database): Promise<Snapshot> {
  const snapshot = await database.snapshot()
  const current = await database.run('select pg_walfile_name(pg_current_wal_lsn())')
  if (!current.ok) return snapshot
  const writing = String(current.rows[0][0])
  const bytes = new Uint8Array(await snapshot.arrayBuffer())
  // segment file names are 24 hex digits (timeline, log, segment): later ones sort after
  const isAhead = (name: string) => {
    const segment = /^\/?pg_wal\/([0-9A-F]{24})$/.exec(name)?.[1]
    return segment !== undefined && segment > writing
  }
  return new Blob([tarWithout(bytes, isAhead)])
}

/** What the build does to a snapshot before it ships it, for the names that say what a snapshot holds. */
export const snapshotShipping = 'without the WAL segments ahead'

/** Opens a fresh database (initdb) trimmed to what a lesson snapshot needs: every snapshot starts here. */
export async function openSnapshotBase(): Promise<PgliteDatabase> {
  const database = await openDatabase({ initdbArgs: snapshotInitdbArgs })
  const prepared = await database.runScript(snapshotPreparation)
  if (!prepared.ok) throw new Error(`could not prepare the snapshot base: ${prepared.error?.message}`)
  return database
}

/** Opens a database in this thread: from a snapshot, or a fresh one (initdb) without. */
export function openDatabase(options: OpenOptions = {}): Promise<PgliteDatabase> {
  return PgliteDatabase.open(options)
}

/** Builds a lesson's starting database from its setup script and returns it as a snapshot. */
export async function buildSnapshot(
  setupScript: string,
): Promise<{ ok: true; snapshot: Snapshot } | { ok: false; error: string }> {
  const database = await openSnapshotBase()
  try {
    const result = await database.runScript(setupScript)
    if (!result.ok && result.error) {
      const { message, position, code } = result.error
      return { ok: false, error: `${code} ${message}${position ? ` at character ${position}` : ''}` }
    }
    return { ok: true, snapshot: await shippedSnapshot(database) }
  } finally {
    await database.close()
  }
}

/** The folder of PGlite's dist files (pglite.wasm, pglite.data), for the build and Node hosts. */
export function pgliteDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
}

/**
 * Starts the same RPC worker the browser uses, as a Node worker thread, and hands it the
 * compiled wasm and Postgres files as the page does.
 */
export async function startWorkerDatabase(
  snapshot: Snapshot,
  { standby = true, workerUrl = new URL('./node-worker-loader.mjs', import.meta.url) } = {},
): Promise<WorkerDatabase> {
  const dist = pgliteDistDir()
  const [wasm, data] = await Promise.all([
    readFile(join(dist, 'pglite.wasm')),
    readFile(join(dist, 'pglite.data')),
  ])
  return WorkerDatabase.start({
    spawn: withSpareWorker(() => spawnNodeWorker(workerUrl)),
    snapshot,
    standby,
    wasmModule: await WebAssembly.compile(wasm),
    fsBundle: new Blob([data]),
  })
}

// `workerUrl` loads the worker's entry: the bare engine, or one that serves extensions beside it
function spawnNodeWorker(workerUrl: URL): WorkerHandle {
  const worker = new Worker(workerUrl)
  return {
    port: {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.on('message', handler),
    },
    terminate: () => void worker.terminate(),
    onCrash: (handler) => worker.on('error', (error) => handler(error.message)),
  }
}
