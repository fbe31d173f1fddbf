// The database worker of `npm run console`: the engine's RPC with the simulator beside it,
// as in the page's Web Worker, in a Node worker thread.
import { parentPort } from 'node:worker_threads'
import { serveDatabase } from '../engine/worker-host'
import { simulationExtensionName } from './protocol'
import { createSimulationExtension } from './server'

const port = parentPort
if (!port) throw new Error('node-simulation-worker.ts must run in a worker thread')
serveDatabase(
  {
    postMessage: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', handler),
  },
  { [simulationExtensionName]: createSimulationExtension() },
)
