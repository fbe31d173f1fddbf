// `npm run bench`: measures, in Chromium and in one run, how long a learner waits for the
// lesson's database, next to a bare page that creates PGlite with initdb on the same origin;
// then, in Node, the simulator's throughput and the wall time of ten virtual minutes.
// Prints a table, then one JSON object as the last line.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { pgliteDistDir } from '../lib/engine/node'
import { bundleForBrowser } from './browser-bundle'
import { chromiumLaunchOptions } from './chromium.mjs'
import { ensureBrowser } from './ensure-browser.mjs'
import { benchSimulator } from './sim-bench'
import { createStaticServer } from './static-server.mjs'

const runs = Number(process.env.BENCH_RUNS ?? 7)
const root = process.cwd()
const lessonPath = '/learn/playground'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function buildBarePage(): Promise<string> {
  const dir = join(root, '.cutover', 'bench-bare')
  await mkdir(dir, { recursive: true })
  await writeFile(
    join(dir, 'bare.js'),
    await bundleForBrowser(join(root, 'lib', 'engine', 'bare-initdb-page.ts')),
  )
  // PGlite finds its files next to its own script, as a stock install would serve them
  for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
    await copyFile(join(pgliteDistDir(), file), join(dir, file))
  }
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><title>bare</title><script type="module" src="bare.js"></script>',
  )
  return dir
}

/** Milliseconds from the start of navigation to a performance mark, in a fresh browser context (cold cache). */
async function timeToMark(browser: Browser, url: string, mark: string): Promise<number> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  const handle = await page.waitForFunction(
    (name) => performance.getEntriesByName(name)[0]?.startTime,
    mark,
    { timeout: 60_000 },
  )
  const startTime = (await handle.jsonValue()) as number
  await context.close()
  return startTime
}

/** Milliseconds from pressing Stop on a running pg_sleep to the database answering a query again. */
async function timeToRecover(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await page.getByRole('status').filter({ hasText: 'Database ready' }).waitFor({ timeout: 60_000 })
  const box = page.getByRole('region', { name: 'SQL console' }).first()
  await box.getByRole('textbox', { name: 'SQL' }).fill('select pg_sleep(600)')
  await box.getByRole('button', { name: 'Run' }).click()
  await box.getByText('Running…').waitFor()
  const started = performance.now()
  await box.getByRole('button', { name: 'Stop' }).click()
  await box.getByRole('textbox', { name: 'SQL' }).fill('select 1 as answered')
  await box.getByRole('button', { name: 'Run' }).click()
  await box.getByRole('cell', { name: '1' }).waitFor()
  const elapsed = performance.now() - started
  await context.close()
  return elapsed
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out', 'index.html'))) {
    console.error('out/ has no built site: run "npm run build" first.')
    process.exit(1)
  }
  ensureBrowser()
  const bareDir = await buildBarePage()
  const server = createStaticServer({ root: join(root, 'out'), mounts: { '/__bench/bare/': bareDir } })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`
  const browser = await chromium.launch(chromiumLaunchOptions())

  const ready: number[] = []
  const bare: number[] = []
  const recover: number[] = []
  try {
    // alternate the pages so machine noise falls on both alike
    for (let run = 0; run < runs; run++) {
      ready.push(await timeToMark(browser, `${origin}${lessonPath}`, 'cutover:database-ready'))
      bare.push(await timeToMark(browser, `${origin}/__bench/bare/`, 'bare:database-ready'))
      recover.push(await timeToRecover(browser, `${origin}${lessonPath}`))
    }
  } finally {
    await browser.close()
    server.close()
  }

  const rows: [string, number[]][] = [
    [`lesson page → database ready (${lessonPath}, snapshot)`, ready],
    ['bare page → PGlite.create() with initdb', bare],
    ['Stop on pg_sleep → database answers again', recover],
  ]
  console.log(`\n${runs} runs each, fresh browser context (cold cache) per run, localhost\n`)
  console.log(`${'measure'.padEnd(56)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`)
  for (const [name, values] of rows) {
    const cells = [median(values), Math.min(...values), Math.max(...values)].map((value) =>
      `${value.toFixed(0)} ms`.padStart(8),
    )
    console.log(`${name.padEnd(56)} ${cells.join(' ')}`)
  }
  const simulator = await benchSimulator()
  const readyMedian = median(ready)
  const bareMedian = median(bare)
  console.log(
    JSON.stringify({
      ready_ms_median: Math.round(readyMedian),
      bare_initdb_ready_ms_median: Math.round(bareMedian),
      ready_ratio: Number((readyMedian / bareMedian).toFixed(3)),
      cancel_recover_ms_median: Math.round(median(recover)),
      ...simulator,
      runs,
    }),
  )
}

await main()
