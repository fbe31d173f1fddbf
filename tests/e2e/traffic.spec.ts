import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { buildSnapshot, openDatabase } from '../../lib/engine/node'
import { checkLessonScenario, pathKey } from '../../lib/scenario'
import { loadLessons } from '../../lib/scenario/node'
import { expect, test } from './fixtures'
import { openLesson } from './workbench-helpers'

async function openPlayground(page: Page) {
  await page.goto('/learn/playground')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step', { timeout: 30_000 })
  return workbench
}

// the same scenario, run by the same code in Node here, as CI's lessons:check runs it
async function eventLogHashesInNode(): Promise<Record<string, string>> {
  const root = process.cwd()
  const { lessons } = await loadLessons(join(root, 'content', 'lessons'), root)
  const lesson = lessons.find((candidate) => candidate.slug === 'playground')!
  const built = await buildSnapshot(lesson.setupSql)
  if (!built.ok) throw new Error(built.error)
  const verdicts = await checkLessonScenario(lesson, () => openDatabase({ snapshot: built.snapshot }))
  return Object.fromEntries(verdicts.map((verdict) => [pathKey(verdict), verdict.eventLogHash]))
}

test('the browser worker checks the lesson’s claims and logs the same events as Node, hash for hash', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openPlayground(page)
  await workbench.getByRole('button', { name: 'Check this lesson’s claims' }).click()
  const report = workbench.getByRole('region', { name: 'Lesson check' })
  await expect(report).toBeVisible({ timeout: 150_000 })
  await expect(report.locator('[data-path="naive:index-totals"]')).toHaveText(
    'the naive way at step 2 (index-totals): 6 of 6 claims held',
  )
  await expect(report.locator('[data-path="safe"]')).toHaveText('safe path: 23 of 23 claims held')
  const inBrowser = Object.fromEntries(
    await report
      .locator('details')
      .evaluateAll((paths) =>
        paths.map((path) => [
          path.querySelector('[data-path]')?.getAttribute('data-path'),
          path.querySelector('[data-event-log]')?.textContent,
        ]),
      ),
  )
  // computed after the browser's run, so the two never compete for the machine's cores
  expect(inBrowser).toEqual(await eventLogHashesInNode())
})

test('under live traffic, a SQL console runs inside the simulation and still shows Postgres’s rows and errors', async ({
  page,
}) => {
  const workbench = await openPlayground(page)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  const box = page.getByRole('region', { name: 'SQL console' }).first()
  await expect(box).toContainText('runs it inside the simulation')
  await box.getByRole('textbox', { name: 'SQL' }).fill('select count(*) as users from users')
  await box.getByRole('button', { name: 'Run' }).click()
  await expect(box).toContainText('Ran inside the simulation, among the traffic')
  await expect(box.getByRole('cell')).toHaveText(['200'])
  await box.getByRole('textbox', { name: 'SQL' }).fill('select nope from users')
  await box.getByRole('button', { name: 'Run' }).click()
  await expect(box.getByRole('alert')).toContainText('column "nope" does not exist')
  await expect(box.getByRole('alert')).toContainText('SQLSTATE 42703')
})

test('with reads and writes apart, a plain CREATE INDEX shows v0.2’s writes timing out while its reads are answered; the switch works from the keyboard and is remembered', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openLesson(page, '/learn/expand-contract/index')
  const traffic = workbench.getByRole('region', { name: 'Traffic', exact: true })
  const apart = traffic.getByRole('switch', { name: 'Reads and writes apart' })
  await expect(apart).not.toBeChecked()
  await apart.focus()
  await page.keyboard.press('Space')
  await expect(apart).toBeChecked()
  const v02 = traffic.locator('[data-version="v0.2"]')
  await expect(v02.locator('[data-access]')).toHaveCount(2)

  // SHARE blocks the INSERTs' ROW EXCLUSIVE, not the SELECTs' ACCESS SHARE
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  // the lanes' last second, read at once from one render, with what a screen reader hears
  const lastSecond = () =>
    v02.evaluate((chart) =>
      Object.fromEntries(
        [...chart.querySelectorAll('[data-access]')].map((lane) => [
          lane.getAttribute('data-access'),
          {
            ok: Number(lane.getAttribute('data-last-ok')),
            timeouts: Number(lane.getAttribute('data-last-timeouts')),
            label: lane.querySelector('svg')?.getAttribute('aria-label') ?? '',
          },
        ]),
      ),
    )
  await expect
    .poll(
      async () => {
        const { reads, writes } = await lastSecond()
        return (
          reads.ok > 0 &&
          reads.timeouts === 0 &&
          writes.ok === 0 &&
          writes.timeouts > 0 &&
          /^v0\.2 writes: last second 0 ok, 0 errors, [1-9]\d* timeouts/.test(writes.label)
        )
      },
      { timeout: 90_000 },
    )
    .toBe(true)

  await page.reload()
  await expect(apart).toBeChecked()
})
