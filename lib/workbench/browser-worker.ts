// The database worker's entry point, bundled by scripts/build-assets.ts into public/engine/:
// the engine's RPC, with the simulator served beside it so traffic runs next to Postgres.
import { serveDatabase } from '../engine/worker-host'
import { simulationExtensionName } from './protocol'
import { createSimulationExtension } from './server'

const scope = globalThis as unknown as {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

serveDatabase(
  {
    postMessage: (message) => scope.postMessage(message),
    onMessage: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  },
  { [simulationExtensionName]: createSimulationExtension() },
)
