// A Node worker thread serving the same RPC as the browser's Web Worker; tests use it to
// exercise the worker client and cancel exactly as the page does.
import { parentPort } from 'node:worker_threads'
import { serveDatabase } from './worker-host'

const port = parentPort
if (!port) throw new Error('node-worker.ts must run in a worker thread')
serveDatabase({
  postMessage: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', handler),
})
