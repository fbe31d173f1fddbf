// The engine's browser-safe face. PGlite itself is only imported by the worker bundle and by
// lib/engine/node.ts, so pages never pull Postgres into the main thread.
export * from './types'
export { splitSql, type SplitStatement } from './split-sql'
export { lexSql, type SqlToken, type SqlTokenKind } from './sql-lexer'
export * from './statement-kind'
export { cancelledError } from './pg-error'
export { probeLocks, type ProbeSession } from './lock-probe'
export { rowLockOfKeyedWrite } from './row-locks'
export { WorkerDatabase, type SpawnWorker, type WorkerHandle } from './worker-client'
export {
  fetchLayeredSnapshot,
  fetchSnapshot,
  startBrowserDatabase,
  type EngineAssetUrls,
  type SnapshotLayer,
} from './browser-host'
export { earlyStartScript } from './early-start'
export { layeredSnapshot, tarEnd, tarEntries, tarLayer, tarWithout } from './tar-layers'
