import { createRequire } from 'node:module'
import type { Locator, Page } from '@playwright/test'
import type * as Axe from 'axe-core'
import { findCutOff, scrollsSideways } from './cut-off'
import { expect, test } from './fixtures'
import { openPresenterAndAudience } from './workbench-helpers'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

// the body's background in each theme (--bg in app/globals.css): proof the theme took effect
const background = { light: 'rgb(251, 250, 247)', dark: 'rgb(22, 24, 29)' }

type Scheme = keyof typeof background

interface Violation {
  id: string
  impact: string
  help: string
  nodes: { target: string; summary: string }[]
}

const workbench = (page: Page) => page.getByRole('region', { name: 'Workbench' })

async function openLive(page: Page, path: string, step = 1) {
  await page.goto(path)
  await expect(workbench(page).getByRole('status').filter({ hasText: 'Live:' })).toHaveText(
    `Live: step ${step} of 9`,
    { timeout: 60_000 },
  )
}

/**
 * Runs axe's whole rule set on the page and fails, listing each node, on any violation, from
 * minor to critical.
 */
async function expectNoViolations(page: Page, where: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async (): Promise<Violation[]> => {
    const { axe } = window as unknown as { axe: typeof Axe }
    const results = await axe.run(document, { resultTypes: ['violations'] })
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.join(' '),
        summary: node.failureSummary ?? '',
      })),
    }))
  })
  const report = violations
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help}\n` +
        violation.nodes
          .map((node) => `  ${node.target}\n    ${node.summary.replace(/\n/g, '\n    ')}`)
          .join('\n'),
    )
    .join('\n')
  // soft, so one run reports every theme and viewport that fails
  expect.soft(violations, `axe on ${where}:\n${report}`).toEqual([])
}

async function expectTheme(page: Page, scheme: Scheme) {
  await expect(page.locator('body')).toHaveCSS('background-color', background[scheme])
}

/** The site's toggle, pressed until the page's chosen theme (`data-theme` on <html>) is `scheme`. */
async function chooseTheme(page: Page, scheme: Scheme) {
  const toggle = page.getByRole('button', { name: 'Dark theme' })
  await toggle.click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', scheme)
  await expect(toggle).toHaveAttribute('aria-pressed', String(scheme === 'dark'))
  await expectTheme(page, scheme)
}

/** Light and dark from the system setting, then each chosen with the toggle against the system. */
async function expectNoViolationsInEveryTheme(page: Page, where: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await expectTheme(page, scheme)
    await expectNoViolations(page, `${where}, ${scheme} by the system setting`)
  }
  // the system is dark here, so the first press chooses light
  await chooseTheme(page, 'light')
  await expectNoViolations(page, `${where}, light chosen with the toggle on a dark system`)
  await page.emulateMedia({ colorScheme: 'light' })
  await chooseTheme(page, 'dark')
  await expectNoViolations(page, `${where}, dark chosen with the toggle on a light system`)
}

test.describe('at 1400×900', () => {
  test.use({ viewport: { width: 1400, height: 900 } })

  test('the lesson page has no axe violations while the naive step makes writes wait, nor after it broke things', async ({
    page,
  }) => {
    test.setTimeout(120_000)
    await openLive(page, '/learn/playground')
    const bench = workbench(page)
    await bench.getByRole('button', { name: '10×' }).click()
    await bench.getByRole('button', { name: 'Run step' }).click()
    const steps = bench.getByRole('navigation', { name: 'Steps' }).getByRole('listitem')
    await expect(steps.first()).toHaveAttribute('data-state', 'passed', { timeout: 30_000 })
    // at 1×, the build's 9.6 modelled seconds leave time to pause between the first timeout (5 s)
    // and its end; at 10× that is under half a second of wall time
    await bench.getByRole('button', { name: '1×' }).click()
    // the traffic's reads and writes apart, so axe sees the lanes too
    await bench.getByRole('switch', { name: 'Reads and writes apart' }).check()
    await bench.getByRole('button', { name: 'Try the naive way' }).click()

    // paused while orders queue behind the index build and time out, so axe sees one still page
    // with the amber cells and the waiting sessions: once the build ends both are gone
    await expect(bench.locator('td[data-state="timeout"]').first()).toBeVisible({ timeout: 30_000 })
    await bench.getByRole('button', { name: 'Pause' }).click()
    await expect(bench.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true')
    const sessions = bench.getByRole('region', { name: 'Sessions and locks' })
    await expect(sessions.locator('tr[data-state="waiting"]').first()).toBeVisible()
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await expectTheme(page, scheme)
      await expectNoViolations(page, `the naive step with orders timing out, ${scheme}`)
    }

    await bench.getByRole('button', { name: '10×' }).click()
    await expect(bench.getByText(/✗ Broke things: step 2/)).toBeVisible({ timeout: 60_000 })
    // the cells are green again by now; the timeouts stay one click away
    const failure = bench.locator(
      'td[data-version="v1.0.0"][data-endpoint="POST /orders"] details.wb-failure',
    )
    await failure.getByText('last failure').click()
    await expect(failure).toContainText('timeout')
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await expectTheme(page, scheme)
      await expectNoViolations(page, `the naive step’s verdict, ${scheme}`)
    }
  })
})

/** Presses Tab until `target` has focus (not at all if it has it already); returns how many presses it took. */
async function tabTo(page: Page, target: Locator, max = 200): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return presses
    if (presses < max) await page.keyboard.press('Tab')
  }
  throw new Error(
    `${target} was not reached in ${max} presses of Tab; focus is on ${await describeFocus(page)}`,
  )
}

function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement
    if (!element) return 'nothing'
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? ''
    return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}> “${name}”`
  })
}

test('the keyboard alone reaches the step-2 editor, types, leaves it with Tab and runs the step', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await openLive(page, '/learn/playground/index-totals', 2)
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true)

  const bench = workbench(page)
  await tabTo(page, bench.getByRole('button', { name: '10×' }))
  await page.keyboard.press('Enter')
  await expect(bench.getByRole('button', { name: '10×' })).toHaveAttribute('aria-pressed', 'true')

  const editor = bench.getByRole('textbox', { name: 'SQL for step 2' })
  await tabTo(page, editor)
  // the first line is the lesson's and locked: type on the empty last line
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type('-- typed from the keyboard')
  await expect(editor).toContainText('-- typed from the keyboard')

  await page.keyboard.press('Tab')
  const focus = await page.evaluate(() => ({
    isInEditor: document.activeElement?.closest('.cm-editor') !== null,
    isBody: document.activeElement === document.body,
  }))
  expect(focus, `Tab left focus on ${await describeFocus(page)}`).toEqual({
    isInEditor: false,
    isBody: false,
  })

  const run = bench.getByRole('button', { name: 'Run step' })
  await tabTo(page, run)
  const ring = await run.evaluate((element) => {
    const style = getComputedStyle(element)
    return {
      outline: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      shadow: style.boxShadow,
    }
  })
  expect(
    (ring.outline !== 'none' && ring.outlineWidth > 0) || ring.shadow !== 'none',
    `the focused Run step button shows no focus indicator: ${JSON.stringify(ring)}`,
  ).toBe(true)

  await page.keyboard.press('Enter')
  await expect(bench.getByText(/^(✓ Passed|✗ Broke things): step 2/)).toBeVisible({ timeout: 60_000 })
  await expect(bench.getByRole('navigation', { name: 'Steps' }).getByRole('listitem').nth(1)).toHaveAttribute(
    'data-state',
    /^(passed|broke things)$/,
  )
})

interface LayoutShiftReport {
  total: number
  shifts: { value: number; atMs: number; sources: string[] }[]
}

/** Sums every layout shift no input caused, from the first paint on, with the elements that moved. */
function recordLayoutShifts(page: Page) {
  return page.addInitScript(() => {
    const report: LayoutShiftReport = { total: 0, shifts: [] }
    ;(window as unknown as { layoutShift: LayoutShiftReport }).layoutShift = report
    const describe = (node: Node | null) => {
      if (!(node instanceof Element)) return node ? `#${node.nodeName}` : '(gone)'
      const classes = [...node.classList].map((name) => `.${name}`).join('')
      const text = node.textContent?.trim().replace(/\s+/g, ' ').slice(0, 40) ?? ''
      return `<${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${classes}> “${text}”`
    }
    const rect = (box: DOMRectReadOnly) => `${box.x},${box.y} ${box.width}×${box.height}`
    new PerformanceObserver((list) => {
      // LayoutShift is not in TypeScript's DOM library
      for (const entry of list.getEntries() as unknown as {
        value: number
        hadRecentInput: boolean
        startTime: number
        sources: { node: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[]
      }[]) {
        if (entry.hadRecentInput) continue
        report.total += entry.value
        report.shifts.push({
          value: entry.value,
          atMs: Math.round(entry.startTime),
          sources: entry.sources.map(
            (source) => `${describe(source.node)} ${rect(source.previousRect)} → ${rect(source.currentRect)}`,
          ),
        })
      }
    }).observe({ type: 'layout-shift', buffered: true })
  })
}

/** Fails, listing each shift, if anything moved since the page began by more than a trace. */
async function expectNothingMoved(page: Page) {
  const report = await page.evaluate(
    () => (window as unknown as { layoutShift: LayoutShiftReport }).layoutShift,
  )
  const shifts = report.shifts
    .map(
      (shift) =>
        `${shift.value.toFixed(4)} at ${shift.atMs} ms:\n${shift.sources.map((s) => `  ${s}`).join('\n')}`,
    )
    .join('\n')
  expect
    .soft(report.total, `cumulative layout shift ${report.total.toFixed(4)}:\n${shifts}`)
    .toBeLessThan(0.01)
}

/** Fails, softly, if the page scrolls sideways or cuts anything off. */
async function expectNothingCutOff(page: Page, where: string) {
  expect.soft(await page.evaluate(scrollsSideways), `${where} scrolls sideways`).toBe(false)
  expect.soft(await page.locator('body').evaluate(findCutOff), `${where} cuts off`).toEqual([])
}

/** Which themes axe checks a page in: the system's and the toggle's, the system's two, or the one its URL asks for. */
type AxeThemes = 'every theme' | 'light and dark' | 'its own theme'

/**
 * Every main route, as a learner, a docs reader and a class see it, on a projector and on a
 * phone. Each page loads once and, once it is live, serves both checks: nothing scrolls sideways
 * or is cut off, and axe finds nothing in the themes named (none: the layout alone). A page
 * without a size is not loaded at it. The presenter's window and its audience window follow.
 */
const pages: { path: string; projector?: AxeThemes | 'none'; phone?: AxeThemes | 'none' }[] = [
  { path: '/', projector: 'every theme', phone: 'none' },
  { path: '/reference/locks', projector: 'every theme', phone: 'none' },
  { path: '/embedding', projector: 'every theme', phone: 'none' },
  { path: '/join', projector: 'light and dark', phone: 'light and dark' },
  // and nothing on it moves as the database becomes ready and the simulation starts
  { path: '/learn/playground', projector: 'every theme', phone: 'every theme' },
  // every lesson live: the panels, the step at hand and the prose's code
  { path: '/learn/two-versions', projector: 'light and dark' },
  { path: '/learn/database-goes-away', projector: 'light and dark' },
  { path: '/learn/lock-queue/upgrade', projector: 'light and dark', phone: 'none' },
  { path: '/learn/expand-contract/backfill', projector: 'light and dark', phone: 'none' },
  { path: '/learn/split-column', projector: 'light and dark' },
  { path: '/learn/release-discipline', projector: 'light and dark', phone: 'none' },
  { path: '/embed/lock-queue/upgrade', projector: 'none', phone: 'none' },
  {
    path: '/embed/lock-queue/upgrade?theme=light&panels=traffic,versions,sessions',
    projector: 'its own theme',
  },
  {
    path: '/embed/lock-queue/upgrade?theme=dark&panels=traffic,versions,sessions',
    projector: 'its own theme',
  },
]

const isLive = (path: string) => path.startsWith('/learn/') || path.startsWith('/embed/')

for (const size of [
  { name: 'a projector', width: 1280, height: 720, key: 'projector' },
  { name: 'a phone', width: 375, height: 800, key: 'phone' },
] as const) {
  test.describe(`on ${size.name} (${size.width}×${size.height})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('every main page, once live, scrolls nothing sideways, cuts nothing off and has no axe violations', async ({
      page,
      context,
    }) => {
      test.setTimeout(360_000)
      await recordLayoutShifts(page)
      for (const { path, [size.key]: themes } of pages) {
        if (themes === undefined) continue
        await test.step(path, async () => {
          const where = `${path} on ${size.name}`
          await page.emulateMedia({ colorScheme: 'light' })
          await page.goto(path)
          if (isLive(path))
            await expect(workbench(page).getByRole('status').first()).toContainText('Live:', {
              timeout: 60_000,
            })
          else await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible()
          if (path === '/learn/playground') {
            const clock = workbench(page).locator('span[data-now-ms]')
            await expect
              .poll(async () => Number(await clock.getAttribute('data-now-ms')), { timeout: 30_000 })
              .toBeGreaterThan(2000)
            await expectNothingMoved(page)
          }
          await expectNothingCutOff(page, where)

          if (themes === 'every theme') {
            await expectNoViolationsInEveryTheme(page, where)
            // the toggle's choice is kept: the next page must begin with the system's theme again
            await page.evaluate(() => localStorage.removeItem('cutover-theme'))
          } else if (themes === 'light and dark') {
            for (const scheme of ['light', 'dark'] as const) {
              await page.emulateMedia({ colorScheme: scheme })
              await expectTheme(page, scheme)
              await expectNoViolations(page, `${where}, ${scheme}`)
            }
          } else if (themes === 'its own theme') {
            const scheme =
              new URL(path, 'http://localhost').searchParams.get('theme') === 'dark' ? 'dark' : 'light'
            await expectTheme(page, scheme)
            await expectNoViolations(page, `${where}, theme=${scheme}`)
          }
        })
      }

      await test.step('/present/lock-queue and its audience window', async () => {
        const audience = await openPresenterAndAudience(page, context)
        await expectNothingCutOff(page, `the presenter's window on ${size.name}`)
        // the audience window draws the presenter's terminal inside its box
        await expect(audience.getByTestId('terminal')).toHaveAttribute('data-ready', 'true')
        await expect(audience.getByTestId('terminal')).toContainText('postgres=>')
        await expect(audience.getByRole('heading', { level: 1 })).toContainText('Step 1 of')
        await expectNothingCutOff(audience, `the audience window on ${size.name}`)
        if (size.key !== 'projector') return
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme })
          await audience.emulateMedia({ colorScheme: scheme })
          await expectNoViolations(page, `the presenter's window, ${scheme}`)
          await expectNoViolations(audience, `the audience window, ${scheme}`)
        }
      })

      await test.step('a class: the presenter opens one, a student follows on their own device', async () => {
        await page.getByRole('button', { name: 'Open a class' }).click()
        const code = (await page.getByTestId('class-code').textContent()) ?? ''
        await expectNothingCutOff(page, `the presenter's window with a class, on ${size.name}`)
        const device = await page
          .context()
          .browser()!
          .newContext({ viewport: { width: size.width, height: size.height } })
        const student = await device.newPage()
        await student.goto(`/join?code=${code}`)
        await expect(student.getByRole('heading', { level: 1 })).toContainText('Step 1 of', {
          timeout: 30_000,
        })
        await expect(student.getByTestId('terminal')).toContainText('postgres=>')
        await expectNothingCutOff(student, `a student's page on ${size.name}`)
        for (const scheme of ['light', 'dark'] as const) {
          await student.emulateMedia({ colorScheme: scheme })
          await expectNoViolations(student, `a student's page on ${size.name}, ${scheme}`)
        }
        await device.close()
      })
    })
  })
}
