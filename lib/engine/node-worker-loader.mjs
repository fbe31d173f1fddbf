// Node 20 does not carry module hooks into worker threads, so the worker thread loads its
// TypeScript entry through tsx's API instead of a --import flag.
import { tsImport } from 'tsx/esm/api'

await tsImport('./node-worker.ts', import.meta.url)
