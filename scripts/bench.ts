// `npm run bench`: measures, in Chromium and in one run, how long a learner waits for the
// lesson's database, next to a bare page that creates PGlite with initdb on the same origin;
// then the longest main-thread task while the lesson plays a minute of live traffic at 10×;
// then, for every lesson with a workbench, how long until its traffic is live in the page and
// how long its headless check takes in Node; how long an embedded step takes to tell its host
// page it is ready; how long each kind of Stop takes and whether fifty run/undo/reset cycles keep memory flat;
// then the simulator's throughput and the wall time of ten virtual minutes; then class mode:
// a presenter's action to 25 students, and the server's memory with 100.
// Prints a table, then one JSON object as the last line. `npm run bench -- class` measures
// class mode alone.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium, errors, type Browser } from '@playwright/test'
import { buildSnapshot, openDatabase, pgliteDistDir } from '../lib/engine/node'
import { checkLessonScenario, type Lesson } from '../lib/scenario'
import { loadLessons } from '../lib/scenario/node'
import { bundleForBrowser } from './browser-bundle'
import { chromiumLaunchOptions } from './chromium.mjs'
import { ensureBrowser } from './ensure-browser.mjs'
import { measureCycleMemory, measureStops, type StopTimings } from './bench-way-out'
import { measureClass, type ClassTimings } from './bench-class'
import { measureTransfer, type TransferFigures } from './bench-transfer'
import { benchSimulator } from './sim-bench'
import { createStaticServer } from './static-server.mjs'

const runs = Number(process.env.BENCH_RUNS ?? 7)
const lessonRuns = Math.min(runs, 3)
const root = process.cwd()
const lessonPath = '/learn/playground'
const liveMs = 60_000
// the Long Tasks API reports no task shorter than this (w3c.github.io/longtasks)
const longTaskThresholdMs = 50
const tickMs = 4

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

const embedPath = '/embed/two-versions/serve'

// a host page on the same server that embeds a step and notes when the frame says ready
async function buildHostPage(): Promise<string> {
  const dir = join(root, '.cutover', 'bench-host')
  await mkdir(dir, { recursive: true })
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><title>host</title><iframe src="${embedPath}" style="width:100%;height:900px;border:0"></iframe>
<script>addEventListener('message', (event) => {
  if (event.data?.source === 'cutover' && event.data.type === 'ready') performance.mark('host:embed-ready')
})</script>`,
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

/**
 * Milliseconds from opening a lesson (or a step's link) to its workbench saying "Live": the
 * page, the database from its snapshot, and the simulation opened at the step, traffic flowing.
 */
function timeToLive(browser: Browser, url: string): Promise<number> {
  return timeToMark(browser, url, 'cutover:live')
}

/** Wall seconds of one lesson's headless check in Node: the whole lesson and every naive detour. */
async function timeLessonCheck(lesson: Lesson): Promise<number> {
  const built = await buildSnapshot(lesson.setupSql)
  if (!built.ok) throw new Error(built.error)
  const started = performance.now()
  const verdicts = await checkLessonScenario(lesson, () => openDatabase({ snapshot: built.snapshot }))
  const failed = verdicts
    .flatMap((verdict) => verdict.steps.flatMap((step) => step.expectations))
    .filter((e) => !e.held)
  if (failed.length > 0) throw new Error(`${lesson.slug}: ${failed.length} claims failed`)
  return (performance.now() - started) / 1000
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

/** What the page records of its main thread; the window is [from, until), in the page's performance.now(). */
interface MainThreadRecord {
  from: number
  until: number
  longTasks: { startTime: number; duration: number }[]
  longestGap: number
}

/** The main thread while the lesson plays live traffic at 10×, and what the bench did meanwhile. */
interface LiveTraffic {
  longestTaskMs: number
  longTaskCount: number
  longestGapMs: number
  naiveRuns: number
  problems: string[]
}

// Runs in the page before its own scripts, so the observer sees every task. A timer ticking
// every 4 ms gives a figure below the longtask threshold: a task of d ms leaves a gap of d to
// d + 4 ms between ticks. Not a MessageChannel posting to itself: that never idles, and would
// take a core from the worker on a two-core machine. No named inner functions: tsx wraps those
// in a __name helper the page lacks.
function recordMainThread(tickMs: number): void {
  const record: MainThreadRecord = { from: Infinity, until: Infinity, longTasks: [], longestGap: 0 }
  Object.assign(window, { cutoverBench: record })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      record.longTasks.push({ startTime: entry.startTime, duration: entry.duration })
    }
  }).observe({ type: 'longtask', buffered: false })
  let last = performance.now()
  setInterval(() => {
    const now = performance.now()
    if (last >= record.from && now <= record.until) {
      record.longestGap = Math.max(record.longestGap, now - last)
    }
    last = now
  }, tickMs)
}

/**
 * Plays the lesson for a minute of wall time at 10×: step 1 deploys the app, then step 2 the
 * naive way (an index build that makes writes time out, the busiest the workbench gets),
 * undone and run again until the minute is over.
 */
async function measureLiveTraffic(browser: Browser, url: string): Promise<LiveTraffic> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  await page.addInitScript(recordMainThread, tickMs)
  await page.goto(url)
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await workbench
    .getByRole('status')
    .filter({ hasText: /^Live: step 1 of \d+/ })
    .waitFor({ timeout: 60_000 })
  const clock = workbench.getByRole('region', { name: 'Virtual clock' })
  await clock.getByRole('button', { name: '10×' }).click()
  await clock.getByRole('button', { name: '10×', pressed: true }).waitFor()
  const until = await page.evaluate((liveMs) => {
    const record = (window as unknown as { cutoverBench: MainThreadRecord }).cutoverBench
    record.from = performance.now()
    record.until = record.from + liveMs
    return record.until
  }, liveMs)
  const deadline = Date.now() + liveMs
  // Playwright reads a timeout of 0 as none
  const timeLeft = () => ({ timeout: Math.max(1, deadline - Date.now()) })

  let naiveRuns = 0
  try {
    await workbench.getByRole('button', { name: 'Run step' }).click(timeLeft())
    await workbench
      .getByRole('navigation', { name: 'Steps' })
      .locator('li[data-state="passed"]')
      .waitFor(timeLeft())
    while (Date.now() < deadline) {
      await workbench.getByRole('button', { name: 'Try the naive way' }).click(timeLeft())
      await workbench.getByText('✗ Broke things: step 2').waitFor(timeLeft())
      naiveRuns++
      await workbench.getByRole('button', { name: 'Undo step 2' }).click(timeLeft())
      await workbench
        .getByRole('status')
        .filter({ hasText: /^Live: step 2 of \d+/ })
        .waitFor(timeLeft())
    }
  } catch (error) {
    // the minute ran out mid-step; anything else is a real failure
    if (!(error instanceof errors.TimeoutError) || Date.now() < deadline) throw error
  }
  // a task still running at the end reaches the observer only once it has finished
  await page.waitForFunction((until) => performance.now() > until + 500, until, { polling: 100 })
  const record = await page.evaluate(
    () => (window as unknown as { cutoverBench: MainThreadRecord }).cutoverBench,
  )
  await context.close()
  const durations = record.longTasks
    .filter((task) => task.startTime >= record.from && task.startTime < record.until)
    .map((task) => task.duration)
  return {
    longestTaskMs: Math.max(0, ...durations),
    longTaskCount: durations.length,
    longestGapMs: record.longestGap,
    naiveRuns,
    problems,
  }
}

const terminalQueries = 15

// Enter to the answer on screen: a statement through the terminal, the interpreter, the
// worker and the simulation's console session (at 1×, a statement waits for the next tick)
async function measureTerminal(browser: Browser, url: string): Promise<number[]> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  const screen = page.getByTestId('terminal')
  await page.locator('[data-testid="terminal"][data-ready="true"]').waitFor({ timeout: 60_000 })
  await page
    .getByRole('region', { name: 'Workbench' })
    .getByRole('status')
    .filter({ hasText: 'Live: step' })
    .waitFor()
  await screen.scrollIntoViewIfNeeded()
  await screen.click()
  const timings: number[] = []
  for (let run = 0; run < terminalQueries; run++) {
    await page.keyboard.type(`select ${run} as probe_${run};`)
    const started = performance.now()
    await page.keyboard.press('Enter')
    await page.waitForFunction(
      (name) =>
        [...document.querySelectorAll('.xterm-rows > div')].some((row) => row.textContent?.includes(name)),
      ` probe_${run}`,
    )
    await page.waitForFunction(() =>
      document
        .querySelector('.xterm-rows')
        ?.textContent?.replace(/\u00a0/g, ' ')
        .trimEnd()
        .endsWith('postgres=>'),
    )
    timings.push(performance.now() - started)
  }
  await context.close()
  return timings
}

/** Prints what a first visit transfers, and Live on a throttled network; returns them for the JSON line. */
function reportTransfer(figures: TransferFigures) {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`
  const ratio = figures.transferBytes / figures.floorBytes
  console.log(`\nfirst visit to /learn/${figures.lesson}, cold cache, this server's encodings\n`)
  console.log(
    `${'bytes transferred (target ≤ 1.15 × the compressed floor)'.padEnd(56)} ${mb(figures.transferBytes).padStart(8)}  (floor ${mb(figures.floorBytes)}: PGlite's wasm and data and the snapshot as brotli; ratio ${ratio.toFixed(3)})`,
  )
  console.log(
    `${`page → Live at 20 Mbit/s, 40 ms RTT (target ≤ 3 s; ${figures.throttledLiveMs.length} runs)`.padEnd(56)} ${`${median(figures.throttledLiveMs).toFixed(0)} ms`.padStart(8)}  max ${Math.max(...figures.throttledLiveMs).toFixed(0)} ms`,
  )
  return {
    lesson_transfer_bytes: figures.transferBytes,
    lesson_transfer_floor_bytes: figures.floorBytes,
    lesson_transfer_ratio: Number(ratio.toFixed(3)),
    live_ms_throttled: Math.round(median(figures.throttledLiveMs)),
  }
}

/** Prints class mode's figures and returns them for the JSON line. */
function reportClass(timings: ClassTimings) {
  const { simulatedMs, pageMs } = timings
  console.log(
    `\nclass mode: ${timings.actions} presenter actions (projector layout keys), ${timings.students} simulated students (class streams read in Node) and one student page in Chromium\n`,
  )
  const line = (name: string, values: number[]) =>
    console.log(
      `${name.padEnd(56)} ${`${median(values).toFixed(1)} ms`.padStart(8)}  max ${Math.max(...values).toFixed(1)} ms  (${values.length} arrivals)`,
    )
  line('presenter key → event at each simulated student', simulatedMs)
  line('presenter key → student page shows it', pageMs)
  const { idle, hundred } = timings
  console.log(
    `${'server heap after GC: class open → 100 students joined'.padEnd(56)} ${`+${(hundred.heapMb - idle.heapMb).toFixed(1)} MB`.padStart(8)}  (${idle.heapMb.toFixed(1)} → ${hundred.heapMb.toFixed(1)} MB; resident ${idle.rssMb.toFixed(0)} → ${hundred.rssMb.toFixed(0)} MB; ${hundred.streams} streams, ${(hundred.keptBytes / 1024).toFixed(0)} KB kept for late joiners)`,
  )
  return {
    class_action_to_students_ms: {
      median: Number(median(simulatedMs).toFixed(1)),
      max: Number(Math.max(...simulatedMs).toFixed(1)),
    },
    class_action_to_page_ms: {
      median: Number(median(pageMs).toFixed(1)),
      max: Number(Math.max(...pageMs).toFixed(1)),
    },
    class_server_heap_mb: {
      idle: Number(idle.heapMb.toFixed(1)),
      hundred_students: Number(hundred.heapMb.toFixed(1)),
    },
    class_server_rss_mb: { idle: Math.round(idle.rssMb), hundred_students: Math.round(hundred.rssMb) },
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out', 'index.html'))) {
    console.error('out/ has no built site: run "npm run build" first.')
    process.exit(1)
  }
  ensureBrowser()
  if (process.argv[2] === 'transfer') {
    const server = createStaticServer({ root: join(root, 'out') })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const browser = await chromium.launch(chromiumLaunchOptions())
    try {
      const origin = `http://localhost:${(server.address() as AddressInfo).port}`
      console.log(JSON.stringify(reportTransfer(await measureTransfer(browser, origin, root, lessonRuns))))
    } finally {
      await browser.close()
      server.close()
    }
    return
  }
  if (process.argv[2] === 'class') {
    const browser = await chromium.launch(chromiumLaunchOptions())
    try {
      console.log(JSON.stringify(reportClass(await measureClass(browser))))
    } finally {
      await browser.close()
    }
    return
  }
  const bareDir = await buildBarePage()
  const hostDir = await buildHostPage()
  const server = createStaticServer({
    root: join(root, 'out'),
    mounts: { '/__bench/bare/': bareDir, '/__bench/host/': hostDir },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`
  const browser = await chromium.launch(chromiumLaunchOptions())

  const ready: number[] = []
  const bare: number[] = []
  const recover: number[] = []
  const embedReady: number[] = []
  let live: LiveTraffic
  let terminal: number[]
  let stops: StopTimings
  let cycleMemory: { after5Mb: number; after50Mb: number }
  let classTimings: ClassTimings
  let transfer: TransferFigures
  const { lessons } = await loadLessons(join(root, 'content', 'lessons'), root)
  const withWorkbench = lessons.filter((lesson) => lesson.scenario)
  const liveBySlug: Record<string, number[]> = {}
  // a deep link to the last step of the lesson with the most steps, against its first step
  const longest = withWorkbench.reduce((most, lesson) =>
    lesson.scenario!.steps.length > most.scenario!.steps.length ? lesson : most,
  )
  const deepLinkPath = `/learn/${longest.slug}/${longest.scenario!.steps.at(-1)!.id}`
  const deepLink: number[] = []
  try {
    // alternate the pages so machine noise falls on both alike
    for (let run = 0; run < runs; run++) {
      ready.push(await timeToMark(browser, `${origin}${lessonPath}`, 'cutover:database-ready'))
      bare.push(await timeToMark(browser, `${origin}/__bench/bare/`, 'bare:database-ready'))
      recover.push(await timeToRecover(browser, `${origin}${lessonPath}`))
      embedReady.push(await timeToMark(browser, `${origin}/__bench/host/`, 'host:embed-ready'))
    }
    for (let run = 0; run < lessonRuns; run++) {
      for (const lesson of withWorkbench)
        (liveBySlug[lesson.slug] ??= []).push(await timeToLive(browser, `${origin}/learn/${lesson.slug}`))
      deepLink.push(await timeToLive(browser, `${origin}${deepLinkPath}`))
    }
    live = await measureLiveTraffic(browser, `${origin}${lessonPath}`)
    terminal = await measureTerminal(browser, `${origin}${lessonPath}`)
    stops = await measureStops(browser, origin, lessonRuns)
    cycleMemory = await measureCycleMemory(origin)
    classTimings = await measureClass(browser)
    transfer = await measureTransfer(browser, origin, root, lessonRuns)
  } finally {
    await browser.close()
    server.close()
  }

  const rows: [string, number[]][] = [
    [`lesson page → database ready (${lessonPath}, snapshot)`, ready],
    ['bare page → PGlite.create() with initdb', bare],
    ['Stop on pg_sleep → database answers again', recover],
    [`host page → embedded step's ready event (${embedPath})`, embedReady],
    [`terminal: Enter → result and prompt (${terminalQueries} queries)`, terminal],
  ]
  console.log(`\n${runs} runs each, fresh browser context (cold cache) per run, localhost\n`)
  console.log(`${'measure'.padEnd(56)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`)
  for (const [name, values] of rows) {
    const cells = [median(values), Math.min(...values), Math.max(...values)].map((value) =>
      `${value.toFixed(0)} ms`.padStart(8),
    )
    console.log(`${name.padEnd(56)} ${cells.join(' ')}`)
  }
  console.log(
    `\nlive traffic at 10× for ${liveMs / 1000} s, one run: step 1, then step 2 the naive way and undone, ${live.naiveRuns} times\n`,
  )
  const row = (name: string, value: string, note = '') =>
    console.log(`${name.padEnd(56)} ${value.padStart(8)}${note}`)
  const longestTask = `${live.longestTaskMs.toFixed(0)} ms`
  const belowThreshold = `  (no task reached ${longTaskThresholdMs} ms, the longtask threshold)`
  row(
    `longest main-thread task (target ≤ ${longTaskThresholdMs} ms)`,
    longestTask,
    live.longTaskCount === 0 ? belowThreshold : '',
  )
  row(`tasks of ${longTaskThresholdMs} ms or more`, `${live.longTaskCount}`)
  row(`longest gap between ${tickMs} ms timer ticks`, `${live.longestGapMs.toFixed(0)} ms`)
  for (const problem of live.problems) console.log(`page: ${problem}`)
  console.log(
    `\nevery lesson with a workbench: page → "Live" in Chromium (median of ${lessonRuns}), and its headless check in Node (one run)\n`,
  )
  const checkSeconds: Record<string, number> = {}
  const bareMedian = median(bare)
  for (const lesson of withWorkbench) {
    checkSeconds[lesson.slug] = await timeLessonCheck(lesson)
    const liveMedian = median(liveBySlug[lesson.slug])
    row(
      `${lesson.folder}`,
      `${liveMedian.toFixed(0)} ms`,
      `  ${(liveMedian / bareMedian).toFixed(2)} × bare initdb · check ${checkSeconds[lesson.slug].toFixed(1)} s`,
    )
  }
  const deepLinkMedian = median(deepLink)
  row(
    `${deepLinkPath} (its last step)`,
    `${deepLinkMedian.toFixed(0)} ms`,
    `  ${(deepLinkMedian / median(liveBySlug[longest.slug])).toFixed(2)} × its first step`,
  )
  console.log(
    `\na way out of every step (${lessonRuns} runs each): from Stop (or Run) to what shows it ended\n`,
  )
  const stopRows: [string, keyof StopTimings][] = [
    ['Stop, step waiting in the simulation → verdict', 'stepInSimulation'],
    ['Stop, step busy for real in PGlite → verdict', 'stepBusyForReal'],
    ['Run, step busy for real, nobody stops it → verdict (2 s budget)', 'stepOverBudget'],
    ['Stop in a SQL box, allocating statement → cancelled', 'sqlBoxAllocating'],
    ['Ctrl+C in the terminal, allocating statement → prompt', 'terminalAllocating'],
  ]
  for (const [name, key] of stopRows)
    row(name, `${median(stops[key]).toFixed(0)} ms`, `  max ${Math.max(...stops[key]).toFixed(0)} ms`)
  const memoryGrowthMb = cycleMemory.after50Mb - cycleMemory.after5Mb
  row(
    'renderer memory, 50 run/undo/reset cycles against 5 (target ≤ 20 MB)',
    `${memoryGrowthMb.toFixed(0)} MB`,
    `  (${cycleMemory.after5Mb.toFixed(0)} → ${cycleMemory.after50Mb.toFixed(0)} MB resident)`,
  )
  const classFigures = reportClass(classTimings)
  const transferFigures = reportTransfer(transfer)
  const simulator = await benchSimulator()
  const readyMedian = median(ready)
  console.log(
    JSON.stringify({
      ready_ms_median: Math.round(readyMedian),
      bare_initdb_ready_ms_median: Math.round(bareMedian),
      ready_ratio: Number((readyMedian / bareMedian).toFixed(3)),
      cancel_recover_ms_median: Math.round(median(recover)),
      embed_ready_ms_median: Math.round(median(embedReady)),
      embed_ratio: Number((median(embedReady) / bareMedian).toFixed(3)),
      cancel_recover_ratio: Number((median(recover) / bareMedian).toFixed(3)),
      terminal_roundtrip_ms_median: Math.round(median(terminal)),
      lesson_live_ms_median: Object.fromEntries(
        Object.entries(liveBySlug).map(([slug, values]) => [slug, Math.round(median(values))]),
      ),
      live_ratio: Object.fromEntries(
        Object.entries(liveBySlug).map(([slug, values]) => [
          slug,
          Number((median(values) / bareMedian).toFixed(3)),
        ]),
      ),
      deep_link_live_ms_median: Math.round(deepLinkMedian),
      deep_link_path: deepLinkPath,
      lesson_check_s: Object.fromEntries(
        Object.entries(checkSeconds).map(([slug, seconds]) => [slug, Number(seconds.toFixed(1))]),
      ),
      longest_task_ms: Math.round(live.longestTaskMs),
      long_tasks_count: live.longTaskCount,
      longest_frame_gap_ms: Math.round(live.longestGapMs),
      stop_ms: Object.fromEntries(
        stopRows.map(([, key]) => [
          key,
          { median: Math.round(median(stops[key])), max: Math.round(Math.max(...stops[key])) },
        ]),
      ),
      memory_growth_mb: Math.round(memoryGrowthMb),
      ...classFigures,
      ...transferFigures,
      ...simulator,
      runs,
    }),
  )
}

await main()
