// The benchmark's "way out" measures: how long each kind of Stop takes, in the page's own
// clock, and whether resetting a lesson again and again keeps memory flat.
import { readdirSync, readFileSync } from 'node:fs'
import { chromium, type Browser, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from './chromium.mjs'

const stopLesson = '/learn/lock-queue/upgrade'
// the step's migration waits in the simulation behind the page left idle in transaction
const waitingUpgrade = 'alter table users add column first text;'
// Postgres is busy with it for real: the worker cannot answer until it is ended
const busyForReal = 'select count(*) from generate_series(1, 10000000000);'
// allocates as it goes, and Postgres never checks for a cancel inside it
const allocating = "select length(string_agg(repeat('x', 10000), '')) from generate_series(1, 1000000)"

/** Wall milliseconds of each kind of Stop, from the key or click to what shows it ended. */
export interface StopTimings {
  /** Stop on a step whose statement waits in the simulation → its "cancelled" verdict. */
  stepInSimulation: number[]
  /** Stop on a step whose statement keeps Postgres busy for real → its verdict, the worker replaced. */
  stepBusyForReal: number[]
  /** A step's statement busy for real, nobody pressing Stop → its verdict (includes the 2 s budget). */
  stepOverBudget: number[]
  /** Stop in a SQL box on the allocating statement → its "cancelled" answer. */
  sqlBoxAllocating: number[]
  /** Ctrl+C in the terminal on the allocating statement → the prompt back. */
  terminalAllocating: number[]
}

async function openUpgradeWith(page: Page, origin: string, sql: string): Promise<void> {
  await page.goto(`${origin}${stopLesson}`)
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await workbench.getByRole('status').filter({ hasText: 'Live: step 3' }).waitFor({ timeout: 60_000 })
  await workbench
    .getByRole('textbox', { name: 'SQL for step 3' })
    .locator('.cm-line')
    .nth(1)
    .click({ position: { x: 1, y: 4 } })
  await page.keyboard.press('Shift+Control+End')
  await page.keyboard.type(sql)
}

// Clicks the button named `button` and waits, in the page, for `done` to match: the time is
// the page's own, free of the driver's round trips
function clickUntil(page: Page, button: RegExp, done: string): Promise<number> {
  return page.evaluate(
    async ({ source, done }) => {
      const pattern = new RegExp(source)
      const target = [...document.querySelectorAll('button')].find((candidate) =>
        pattern.test(candidate.textContent ?? ''),
      )
      if (!target) throw new Error(`no button ${source}`)
      const started = performance.now()
      target.click()
      while (!document.querySelector(done)) {
        if (performance.now() - started > 30_000) throw new Error(`${done} never showed`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return performance.now() - started
    },
    { source: button.source, done },
  )
}

const cancelledVerdict = '.workbench-verdict.is-cancelled'

// Runs lock-queue's upgrade with `sql`; with `stopOnceShown`, presses Stop once that shows and
// times the Stop, else times Run itself until the verdict (nobody stops it: the budget does)
async function timeUpgradeStop(browser: Browser, origin: string, sql: string, stopOnceShown?: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await openUpgradeWith(page, origin, sql)
  let elapsed: number
  if (stopOnceShown) {
    await page.getByRole('button', { name: 'Run step' }).click()
    await page.locator(stopOnceShown).first().waitFor({ timeout: 30_000 })
    elapsed = await clickUntil(page, /^Stop step 3$/, cancelledVerdict)
  } else elapsed = await clickUntil(page, /^Run step$/, cancelledVerdict)
  await context.close()
  return elapsed
}

async function timeSqlBoxStop(browser: Browser, origin: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/learn/playground`)
  await page.getByRole('status').filter({ hasText: 'Live: step' }).first().waitFor({ timeout: 60_000 })
  const box = page.getByRole('region', { name: 'SQL console' }).nth(2)
  await box.getByRole('textbox', { name: 'SQL' }).fill(allocating)
  await box.getByRole('button', { name: 'Run' }).click()
  await page.locator('.workbench-busy[data-busy-session="you"]').waitFor({ timeout: 30_000 })
  const elapsed = await page.evaluate(async () => {
    const boxes = [...document.querySelectorAll('section.sql-box')]
    const box = boxes[2]
    const stop = [...box.querySelectorAll('button')].find((button) => button.textContent === 'Stop')!
    const started = performance.now()
    stop.click()
    while (!box.querySelector('.sql-cancelled')) await new Promise((resolve) => setTimeout(resolve, 5))
    return performance.now() - started
  })
  await context.close()
  return elapsed
}

async function timeTerminalStop(browser: Browser, origin: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/learn/playground`)
  await page.locator('[data-testid="terminal"][data-ready="true"]').waitFor({ timeout: 60_000 })
  await page.getByRole('status').filter({ hasText: 'Live: step' }).first().waitFor({ timeout: 60_000 })
  const screen = page.getByTestId('terminal')
  await screen.scrollIntoViewIfNeeded()
  await screen.click()
  await page.keyboard.type(`${allocating};`)
  await page.keyboard.press('Enter')
  await page.locator('.workbench-busy[data-busy-session="console"]').waitFor({ timeout: 30_000 })
  const started = performance.now()
  await page.keyboard.press('Control+C')
  await page.waitForFunction(
    () => {
      const rows = [...document.querySelectorAll('.xterm-rows > div')]
        .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
        .filter((row) => row !== '')
      return rows.some((row) => row.startsWith('ERROR:')) && rows.at(-1)?.endsWith('postgres=>')
    },
    null,
    { polling: 5, timeout: 30_000 },
  )
  const elapsed = performance.now() - started
  await context.close()
  return elapsed
}

/** Each kind of Stop, `runs` times, one after the other. */
export async function measureStops(browser: Browser, origin: string, runs: number): Promise<StopTimings> {
  const timings: StopTimings = {
    stepInSimulation: [],
    stepBusyForReal: [],
    stepOverBudget: [],
    sqlBoxAllocating: [],
    terminalAllocating: [],
  }
  for (let run = 0; run < runs; run++) {
    timings.stepInSimulation.push(
      await timeUpgradeStop(browser, origin, waitingUpgrade, '.wb-sessions tr[data-state="waiting"]'),
    )
    timings.stepBusyForReal.push(
      await timeUpgradeStop(browser, origin, busyForReal, '.workbench-busy[data-busy-session="migration"]'),
    )
    timings.stepOverBudget.push(await timeUpgradeStop(browser, origin, busyForReal))
    timings.sqlBoxAllocating.push(await timeSqlBoxStop(browser, origin))
    timings.terminalAllocating.push(await timeTerminalStop(browser, origin))
  }
  return timings
}

// Resident memory of every Chromium renderer process (the page and its workers live there)
function rendererResidentMb(): number {
  let kilobytes = 0
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue
      const resident = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (resident) kilobytes += Number(resident[1])
    } catch {
      // the process ended while it was read
    }
  }
  return kilobytes / 1024
}

// Collects garbage in the page and in each worker, twice, so what is measured is what is held
async function collectGarbage(page: Page): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.())
    for (const worker of page.workers())
      await worker.evaluate(() => (globalThis as { gc?: () => void }).gc?.()).catch(() => undefined)
    await page.waitForTimeout(500)
  }
}

/**
 * The renderer's resident memory (the page and its database workers) after 5 and after 50
 * cycles of: run step 1 at 10× until its verdict, undo it, and reset the lesson. Each cycle
 * opens the lesson twice on a restored database and saves restore points on the way.
 */
export async function measureCycleMemory(origin: string): Promise<{ after5Mb: number; after50Mb: number }> {
  const options = chromiumLaunchOptions()
  const browser = await chromium.launch({ ...options, args: [...options.args, '--js-flags=--expose-gc'] })
  try {
    const page = await browser.newPage()
    await page.goto(`${origin}/learn/lock-queue`)
    const workbench = page.getByRole('region', { name: 'Workbench' })
    const live = workbench.getByRole('status').filter({ hasText: 'Live: step 1' })
    await live.waitFor({ timeout: 60_000 })
    await workbench.getByRole('button', { name: '10×' }).click()
    const resident: Record<number, number> = {}
    for (let cycle = 1; cycle <= 50; cycle++) {
      await workbench.getByRole('button', { name: 'Run step' }).click()
      await workbench.locator('li[data-state="passed"]').first().waitFor({ timeout: 60_000 })
      await workbench.getByRole('button', { name: 'Undo step 1' }).click()
      await live.waitFor({ timeout: 60_000 })
      await workbench.getByRole('button', { name: 'Reset the lesson' }).click()
      await workbench.getByRole('status').filter({ hasText: 'Replaying' }).waitFor()
      await live.waitFor({ timeout: 60_000 })
      if (cycle === 5 || cycle === 50) {
        await collectGarbage(page)
        resident[cycle] = rendererResidentMb()
      }
    }
    return { after5Mb: resident[5], after50Mb: resident[50] }
  } finally {
    await browser.close()
  }
}
