import { earlyStartScript } from '@/lib/engine'
import type { EngineAssetUrls, SnapshotLayer } from '@/lib/engine'

/**
 * Starts the lesson database's worker and downloads (the snapshot, and the layer that makes it
 * the step the page opens at) as the page's HTML is parsed, before the app's code runs (see
 * lib/engine/early-start.ts). A server component: its script is in the HTML.
 */
export function EarlyStart({
  engine,
  snapshotUrl,
  startLayer,
}: {
  engine: EngineAssetUrls
  snapshotUrl: string | undefined
  startLayer?: SnapshotLayer | undefined
}) {
  if (!snapshotUrl) return null
  const downloads = [engine.wasm, engine.data, snapshotUrl, ...(startLayer ? [startLayer.url] : [])]
  return <script dangerouslySetInnerHTML={{ __html: earlyStartScript(downloads, engine.worker) }} />
}
