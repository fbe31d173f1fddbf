// Node 20 does not carry module hooks into worker threads: load the TypeScript entry through tsx.
import { tsImport } from 'tsx/esm/api'

await tsImport('./node-simulation-worker.ts', import.meta.url)
