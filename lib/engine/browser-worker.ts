// The Web Worker's entry point, bundled by scripts/build-assets.ts into public/engine/.
import { serveDatabase } from './worker-host'

const scope = globalThis as unknown as {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

serveDatabase({
  postMessage: (message) => scope.postMessage(message),
  onMessage: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
})
