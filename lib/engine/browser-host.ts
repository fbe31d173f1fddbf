import { takeEarlyDownload, takeEarlyWorker } from './early-start'
import { layeredSnapshot } from './tar-layers'
import type { WorkerHandle } from './worker-client'
import { WorkerDatabase, withSpareWorker } from './worker-client'

/** Where the page finds the engine's files, all on our own origin. */
export interface EngineAssetUrls {
  /** The bundled worker script (lib/workbench/browser-worker.ts: the engine's RPC plus the simulator). */
  worker: string
  wasm: string
  data: string
}

/**
 * Starts the database for a page: fetches the wasm, the Postgres files and the lesson's
 * snapshot in parallel while the worker script loads, then opens the snapshot in the worker.
 * No initdb runs in the browser.
 */
export async function startBrowserDatabase(
  urls: EngineAssetUrls,
  snapshotUrl: string,
  options: { standby?: boolean; layer?: SnapshotLayer } = {},
): Promise<WorkerDatabase> {
  const spawn = withSpareWorker(() => spawnWebWorker(urls.worker))
  const [wasmModule, fsBundle, snapshot] = await Promise.all([
    compileWasm(urls.wasm),
    fetchBlob(urls.data),
    options.layer ? fetchLayeredSnapshot(snapshotUrl, options.layer) : fetchSnapshot(snapshotUrl),
  ])
  // a standby makes Stop instant but doubles PGlite's memory: skip it on small devices
  const deviceMemory = (navigator as { deviceMemory?: number }).deviceMemory
  const standby = options.standby ?? (deviceMemory === undefined || deviceMemory >= 4)
  return WorkerDatabase.start({ spawn, snapshot, wasmModule, fsBundle, standby })
}

function spawnWebWorker(url: string): WorkerHandle {
  const early = takeEarlyWorker(url)
  const worker = early?.worker ?? new Worker(url, { type: 'module', name: 'cutover-database' })
  return {
    port: {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.addEventListener('message', (event) => handler(event.data)),
    },
    terminate: () => worker.terminate(),
    onCrash: (handler) => {
      // an early worker may have failed to load before anyone listened
      if (early?.failure) queueMicrotask(() => handler(early.failure ?? ''))
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        handler(event.message || 'the worker failed to load')
      })
    },
  }
}

async function fetchOk(url: string): Promise<Response> {
  const response = (await takeEarlyDownload(url)) ?? (await fetch(url))
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`)
  return response
}

async function fetchBlob(url: string): Promise<Blob> {
  return (await fetchOk(url)).blob()
}

const downloads = new Map<string, Promise<Blob>>()

// Made once per page under `key` and shared; a failure is forgotten, so the next asks again
function once(key: string, make: () => Promise<Blob>): Promise<Blob> {
  let made = downloads.get(key)
  if (!made) {
    made = make()
    downloads.set(key, made)
    made.catch(() => downloads.delete(key))
  }
  return made
}

/**
 * A lesson's snapshot, fetched once per page: the database and the workbench (which opens the
 * lesson's start again for every step it opens at) share the one download.
 */
export function fetchSnapshot(url: string): Promise<Blob> {
  return once(url, () => fetchBlob(url))
}

/** A layer over a lesson's snapshot that makes it a later step's start (see tar-layers). */
export interface SnapshotLayer {
  url: string
  /** Where the snapshot's entries end. */
  snapshotEnd: number
}

/**
 * The lesson's snapshot with a step's layer over it, fetched once per page like the snapshot
 * itself: the database opened from it and the workbench's open share the very object, which
 * tells the workbench the database is that step's start already.
 */
export function fetchLayeredSnapshot(snapshotUrl: string, layer: SnapshotLayer): Promise<Blob> {
  return once(`${snapshotUrl} + ${layer.url}`, async () => {
    const [snapshot, top] = await Promise.all([fetchSnapshot(snapshotUrl), fetchBlob(layer.url)])
    return layeredSnapshot(snapshot, layer.snapshotEnd, top)
  })
}

async function compileWasm(url: string): Promise<WebAssembly.Module> {
  const response = await fetchOk(url)
  // streaming compilation needs the application/wasm type; a host that sends another still works
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response)
  }
  return WebAssembly.compile(await response.arrayBuffer())
}
