/** Where the build records the URLs of the engine's files; pages read it at build time. */
export const engineManifestPath = 'public/engine/manifest.json'

/** The URLs, on our own origin, of the files the database needs in the browser. */
export interface EngineManifest {
  worker: string
  wasm: string
  data: string
  /** Each lesson's starting database, by lesson slug. */
  snapshots: Record<string, string>
  /** Later steps' starting databases, as layers over a lesson's snapshot, by lesson slug. */
  stepLayers: Record<string, StepLayers>
}

/** The layers (see tar-layers.ts) that make a lesson's snapshot the start of its later steps. */
export interface StepLayers {
  /** The snapshot they lie over: layers of an older one do not fit. */
  snapshot: string
  /** Where that snapshot's entries end, the first layer's bytes replacing what follows. */
  snapshotEnd: number
  layers: StepLayer[]
}

export interface StepLayer {
  /** The step's index. */
  step: number
  url: string
  /** Where the simulation stood there: the workbench's own record, which the engine passes on unread. */
  start: unknown
}

/** Reads the manifest the build wrote; pages call it at build time to link the engine's files. */
export async function readEngineManifest(root = process.cwd()): Promise<EngineManifest> {
  const { readFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  try {
    return JSON.parse(await readFile(join(root, engineManifestPath), 'utf8')) as EngineManifest
  } catch {
    throw new Error(
      `${engineManifestPath} is missing: run "npm run build", which builds the engine assets first`,
    )
  }
}
