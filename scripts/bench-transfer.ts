// What a first visit moves over the wire, in the benchmark: the bytes as transferred (the
// page's Resource Timing `transferSize`, encoded, headers included) against the compressed
// floor, PGlite's wasm and data files and the lesson's snapshot as brotli; and how long the
// page takes to go Live on a throttled network.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import { readEngineManifest } from '../lib/engine/manifest'
import { liveAfterMs } from './bench-page'

export interface TransferFigures {
  lesson: string
  transferBytes: number
  /** PGlite's wasm and data and the lesson's snapshot, each as its brotli copy. */
  floorBytes: number
  /** Page → Live at 20 Mbit/s down, 40 ms round trip, a cold cache; one run per figure. */
  throttledLiveMs: number[]
}

const throttle = {
  offline: false,
  latency: 40,
  downloadThroughput: (20 * 1000 * 1000) / 8,
  uploadThroughput: (10 * 1000 * 1000) / 8,
}

async function brotliSize(root: string, url: string): Promise<number> {
  return (await stat(join(root, 'out', `${url}.br`))).size
}

async function goLive(browser: Browser, url: string, isThrottled: boolean) {
  const context = await browser.newContext()
  const page = await context.newPage()
  if (isThrottled) {
    const network = await context.newCDPSession(page)
    await network.send('Network.enable')
    await network.send('Network.emulateNetworkConditions', throttle)
  }
  await page.goto(url)
  const liveMs = await liveAfterMs(page, 120_000)
  // what is still in flight when Live shows (a chunk prefetched for a link) counts as well
  await page.waitForLoadState('networkidle')
  const transferBytes = await page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce(
      (sum, entry) => sum + (entry as PerformanceResourceTiming).transferSize,
      0,
    ),
  )
  await context.close()
  return { liveMs, transferBytes }
}

export async function measureTransfer(
  browser: Browser,
  origin: string,
  root: string,
  runs: number,
): Promise<TransferFigures> {
  const lesson = 'lock-queue'
  const url = `${origin}/learn/${lesson}`
  const manifest = await readEngineManifest(root)
  const floorBytes =
    (await brotliSize(root, manifest.wasm)) +
    (await brotliSize(root, manifest.data)) +
    (await brotliSize(root, manifest.snapshots[lesson]!))
  const { transferBytes } = await goLive(browser, url, false)
  const throttledLiveMs: number[] = []
  for (let run = 0; run < runs; run++) throttledLiveMs.push((await goLive(browser, url, true)).liveMs)
  return { lesson, transferBytes, floorBytes, throttledLiveMs }
}
