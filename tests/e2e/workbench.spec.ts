import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { openLesson as openAt, runStep, step } from './workbench-helpers'

const openLesson = (page: Page, path = '/learn/playground') => openAt(page, path)

// Each test starts from no stored progress: every page gets a fresh browser context.

async function passStepOne(workbench: Locator) {
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'passed', { timeout: 30_000 })
}

// the editor's second line holds the migration; the first is the lesson's, locked
async function replaceMigration(page: Page, workbench: Locator, sql: string) {
  const editor = workbench.getByRole('textbox', { name: 'SQL for step 2' })
  await editor.locator('.cm-line').nth(1).click()
  await page.keyboard.press('Home')
  await page.keyboard.press('Shift+End')
  await page.keyboard.type(sql)
  return editor
}

test('running a step applies it under traffic and passes it on its outcome', async ({ page }) => {
  const workbench = await openLesson(page)
  await expect(page).toHaveURL(/\/learn\/playground\/serve$/)
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'current')
  await passStepOne(workbench)
  await expect(workbench.getByText('✓ Passed: step 1')).toBeVisible()
  await expect(page).toHaveURL(/\/learn\/playground\/index-totals$/)
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'current')
  const grid = workbench.getByRole('region', { name: 'Versions × endpoints' })
  await expect(grid.locator('td[data-version="v1.0.0"][data-endpoint="GET /orders"]')).toHaveAttribute(
    'data-state',
    'ok',
  )
})

test('the naive way turns writes red and makes the traffic fall off a cliff; undo brings it back', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const workbench = await openLesson(page)
  await passStepOne(workbench)
  // at 1× the build's 9.6 modelled seconds outlast the first write's 5 s timeout by seconds of
  // wall time, long enough to see the waiting session before the build ends
  await workbench.getByRole('button', { name: '1×' }).click()
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  // the migration holds SHARE on orders, and the writes wait behind it from the start
  const sessions = workbench.getByRole('region', { name: 'Sessions and locks' })
  await expect(sessions.locator('tr[data-state="waiting"]').first()).toBeVisible({ timeout: 30_000 })
  const writes = workbench
    .getByRole('region', { name: 'Versions × endpoints' })
    .locator('td[data-version="v1.0.0"][data-endpoint="POST /orders"]')
  await expect(writes).toHaveAttribute('data-state', 'timeout', { timeout: 30_000 })
  await expect(writes).toContainText('timeout')
  const chart = workbench.getByRole('region', { name: 'Traffic' }).locator('[data-version="v1.0.0"]')
  await expect
    .poll(async () => Number(await chart.getAttribute('data-last-failed')), { timeout: 30_000 })
    .toBeGreaterThan(0)
  await expect(workbench.getByText('✗ Broke things: step 2 the naive way')).toBeVisible({ timeout: 60_000 })
  await expect(workbench.getByText('The naive way broke things as the lesson says')).toBeVisible()
  await expect(workbench.getByText('v1.0.0 POST /orders times out')).toBeVisible()
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'broke things')

  await workbench.getByRole('button', { name: 'Undo step 2' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2 of 9', { timeout: 30_000 })
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'current')
  // back before the index build: every second served, none failed
  await expect
    .poll(
      async () => [
        Number(await chart.getAttribute('data-last-ok')) > 0,
        await chart.getAttribute('data-last-failed'),
      ],
      {
        timeout: 30_000,
      },
    )
    .toEqual([true, '0'])
  await expect(
    workbench.getByRole('region', { name: 'Schema' }).locator('li[data-index="orders_total_cents"]'),
  ).toHaveCount(0)
})

test('the learner’s own safe SQL passes, the schema shows the index, and the last step completes the lesson', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const workbench = await openLesson(page)
  await passStepOne(workbench)
  const editor = await replaceMigration(
    page,
    workbench,
    'create index concurrently orders_total_cents on orders (total_cents);',
  )
  await editor.press('Control+Enter')
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(
    workbench.getByRole('region', { name: 'Schema' }).locator('li[data-index="orders_total_cents"]'),
  ).toHaveAttribute('data-valid', 'true')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'passed', { timeout: 30_000 })
  // the CONCURRENTLY steps that follow, as they stand (lesson-00-playground.spec.ts plays them)
  for (const number of [4, 5, 6, 7, 8, 9]) await runStep(workbench, number)
  await expect(workbench.getByText('Lesson complete.')).toBeVisible()
})

test('Postgres’s error is underlined in the editor where it points', async ({ page }) => {
  test.setTimeout(90_000)
  const workbench = await openLesson(page)
  await passStepOne(workbench)
  // "concurently" reads as the index's name, so Postgres stumbles on the next word
  const editor = await replaceMigration(
    page,
    workbench,
    'create index concurently orders_total_cents on orders (total_cents);',
  )
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(workbench.getByText('SQLSTATE 42601')).toBeVisible({ timeout: 30_000 })
  await expect(editor.locator('.cm-lintRange-error')).toHaveText('orders_total_cents')
  // fixing the SQL clears the underline, and running again starts the step over
  await editor.locator('.cm-line').nth(1).click()
  await page.keyboard.press('End')
  await expect(editor.locator('.cm-lintRange-error')).toHaveCount(1)
  await page.keyboard.type(' ')
  await expect(editor.locator('.cm-lintRange-error')).toHaveCount(0)
})

test('a step’s link opens the lesson at that step, with the earlier steps applied, and its solution shows as a diff against the learner’s SQL', async ({
  page,
}) => {
  const workbench = await openLesson(page, '/learn/playground/index-totals')
  await test.step('a step’s link opens the lesson at that step, with the earlier steps applied', async () => {
    await expect(workbench.getByRole('status').first()).toContainText('Live: step 2 of 9')
    await expect(step(workbench, 2)).toHaveAttribute('data-state', 'current')
    await expect(workbench.getByRole('heading', { name: 'Step 2: Index the order totals' })).toBeVisible()
    // step 1 deployed v1.0.0: its traffic is flowing
    await expect(
      workbench
        .getByRole('region', { name: 'Versions × endpoints' })
        .locator('td[data-version="v1.0.0"][data-endpoint="GET /orders"]'),
    ).toHaveAttribute('data-state', 'ok')
  })
  await test.step('the solution shows as a diff against the learner’s SQL', async () => {
    await workbench.getByRole('button', { name: 'Show the solution' }).click()
    const diff = workbench.getByRole('region', { name: 'Solution compared with your SQL' })
    await expect(diff.locator('ins')).toContainText([
      'create index concurrently orders_total_cents on orders (total_cents)',
    ])
    await expect(diff.locator('del')).toContainText([
      'create index orders_total_cents on orders (total_cents);',
    ])
  })
})

test('a link to the last step of the longest lesson opens on that step’s start built ahead of time, not a replay of the fourteen before it, and the step passes', async ({
  page,
}) => {
  // the layer that makes the lesson's snapshot step 15's start, and whether the page ever
  // replayed the steps before it (its status says so while it does)
  const layers: string[] = []
  page.on('response', (response) => {
    if (/\/snapshots\/expand-contract-[0-9a-f]+-step15-[0-9a-f]+\.tar$/.test(response.url()) && response.ok())
      layers.push(response.url())
  })
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.querySelector('.workbench-status')?.textContent?.startsWith('Replaying'))
        document.documentElement.dataset.replayed = 'yes'
    }).observe(document, { subtree: true, childList: true, characterData: true })
  })
  const workbench = await openLesson(page, '/learn/expand-contract/retire-0-2')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 15 of 15')
  expect(layers).toHaveLength(1)
  expect(await page.evaluate(() => document.documentElement.dataset.replayed)).toBeUndefined()
  for (let index = 1; index <= 14; index++)
    await expect(step(workbench, index)).toHaveAttribute('data-state', 'applied')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 15)).toHaveAttribute('data-state', 'passed', { timeout: 30_000 })
  await expect(workbench.getByText('✓ Passed: step 15')).toBeVisible()
})

test('a reload keeps the steps passed and the SQL written; reset the lesson and reset progress forget them', async ({
  page,
}) => {
  test.setTimeout(90_000)
  let workbench = await openLesson(page)
  await passStepOne(workbench)
  await replaceMigration(page, workbench, 'select 42;')
  await page.reload()
  workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2 of 9', { timeout: 30_000 })
  await expect(page).toHaveURL(/\/learn\/playground\/index-totals$/)
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'passed')
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toContainText('select 42;')

  await workbench.getByRole('button', { name: 'Reset the lesson' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1 of 9')
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'current')

  await workbench.getByRole('button', { name: 'Reset progress' }).click()
  await page.reload()
  workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1 of 9', { timeout: 30_000 })
  await step(workbench, 2).getByRole('link').click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2 of 9')
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toContainText(
    'create index orders_total_cents on orders (total_cents);',
  )
})

test('a step whose SQL the simulator cannot model is not shown as passed, and the panels say why', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const workbench = await openLesson(page)
  await passStepOne(workbench)
  await replaceMigration(
    page,
    workbench,
    "set idle_in_transaction_session_timeout = '5s'; create index concurrently orders_total_cents on orders (total_cents);",
  )
  await workbench.getByRole('button', { name: 'Run step' }).click()
  const verdict = workbench.locator('.workbench-verdict')
  await expect(verdict).toContainText('~ Not modelled: step 2', { timeout: 30_000 })
  await expect(verdict.getByRole('note')).toContainText('idle_in_transaction_session_timeout')
  await expect(workbench.locator('.workbench-not-modelled')).toContainText(
    'idle_in_transaction_session_timeout',
  )
})
