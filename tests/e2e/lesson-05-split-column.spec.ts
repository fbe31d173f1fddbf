import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures'
import { endpointCell, openLesson, replaceStepSql, runStep, runWithSolution, step } from './workbench-helpers'

async function undo(workbench: Locator, number: number) {
  await workbench.getByRole('button', { name: `Undo step ${number}` }).click()
  await expect(workbench.getByRole('status').first()).toContainText(`Live: step ${number} of 16`, {
    timeout: 30_000,
  })
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'current')
}

// the invariant's count of rows where name is not first || ' ' || last: the corruption counter
async function corruptRows(workbench: Locator): Promise<number> {
  const invariant = workbench.getByRole('region', { name: 'Invariants' }).locator('li[data-invariant]')
  return Number((await invariant.getAttribute('data-violations')) ?? Number.NaN)
}

// the invariant's legend: a count per cause its query names, at the latest check
function causes(workbench: Locator) {
  return workbench
    .getByRole('region', { name: 'Invariants' })
    .getByRole('list', { name: /violating rows by cause, at the latest check$/ })
}

async function rowsByCause(workbench: Locator): Promise<Record<string, number>> {
  const entries = await causes(workbench)
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((item) => [item.getAttribute('data-cause'), Number(item.getAttribute('data-rows'))]),
    )
  return Object.fromEntries(entries)
}

function column(workbench: Locator, name: string) {
  return workbench.getByRole('region', { name: 'Columns of users' }).locator(`tr[data-column="${name}"]`)
}

test('the split replays deploydemo: the very bad idea and the early backfill undone, a canary that corrupts rows without an error, three-word names, the repair at the right moment, and deploydemo’s check', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const workbench = await openLesson(page, '/learn/split-column')
  await runStep(workbench, 1)

  // the naive way is very_bad_idea_1, as the editor holds it: v1.0.1 loses its column, every name is gone
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toContainText('drop column name')
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const v1Reads = endpointCell(workbench, 'v1.0.1', 'GET /users')
  await expect(v1Reads).toHaveAttribute('data-state', 'error', { timeout: 30_000 })
  await expect(v1Reads).toContainText('42703')
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBeGreaterThanOrEqual(200)
  // every row is counted for one reason: no row has a name
  await expect(causes(workbench).getByRole('listitem')).toHaveText([/^\d+ name missing$/])
  await expect(column(workbench, 'name')).toHaveCount(0)
  await expect(workbench.getByText('✗ Broke things: step 2 the naive way')).toBeVisible({ timeout: 60_000 })
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'broke things')
  await undo(workbench, 2)
  await expect(column(workbench, 'name')).toHaveCount(1)
  await expect(v1Reads).toHaveAttribute('data-state', 'ok', { timeout: 30_000 })
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBe(0)

  // the expand alone
  await replaceStepSql(
    page,
    workbench,
    2,
    "set lock_timeout = '1s'; alter table users add column first text, add column last text;",
  )
  await runStep(workbench, 2)
  await expect(column(workbench, 'first')).toHaveCount(1)
  await expect(column(workbench, 'name')).toHaveCount(1)
  await expect.poll(() => corruptRows(workbench)).toBe(0)

  // the backfill too soon: three-word names split wrong, renames leave first and last stale
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'current')
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBeGreaterThan(0)
  await expect(workbench.getByText('✗ Broke things: step 3 the naive way')).toBeVisible({ timeout: 60_000 })
  // the two reasons the prose gives, by name: three-word names cut short, renames of name alone
  await expect
    .poll(async () => Object.keys(await rowsByCause(workbench)).sort())
    .toEqual(['a word lost in the split', 'name and first/last disagree'])
  await expect(v1Reads).toHaveAttribute('data-state', 'ok')
  await undo(workbench, 3)
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBe(0)
  await runStep(workbench, 3)

  // the canary: both versions serve every request while the corruption counter climbs
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBeGreaterThan(0)
  const early = await corruptRows(workbench)
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBeGreaterThan(early)
  await expect(endpointCell(workbench, 'v2.0.0', 'PATCH /user')).toHaveAttribute('data-state', 'ok')
  await expect(endpointCell(workbench, 'v1.0.1', 'PATCH /user')).toHaveAttribute('data-state', 'ok')
  // and says why: v2.0.0's sign-ups have no name, each version's renames leave the other side
  // stale; the legend's counts add up to the counter
  await expect(causes(workbench).locator('li[data-cause="name missing"]')).toHaveText(
    /^[1-9]\d* name missing$/,
  )
  await expect(causes(workbench).locator('li[data-cause="name and first/last disagree"]')).toHaveText(
    /^[1-9]\d* name and first\/last disagree$/,
  )
  // both read from one frame: at 10× the counter and the legend change ten times a second
  await expect
    .poll(() =>
      workbench.getByRole('region', { name: 'Invariants' }).evaluate((panel) => {
        const total = Number(panel.querySelector('li[data-invariant]')?.getAttribute('data-violations'))
        const rows = [...panel.querySelectorAll('.wb-cause-legend li[data-cause]')].map((item) =>
          Number(item.getAttribute('data-rows')),
        )
        return rows.reduce((sum, count) => sum + count, 0) === total
      }),
    )
    .toBe(true)
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  const canary = workbench.getByRole('region', { name: 'Traffic' }).locator('[data-version="v2.0.0"]')
  await expect(canary).toHaveAttribute('data-last-failed', '0')

  await runStep(workbench, 5)
  await runStep(workbench, 6)
  expect(await corruptRows(workbench)).toBeGreaterThan(0)

  // v2.0.1 dual-writes, and its name.split() is a 500 for three-word names
  await runStep(workbench, 7)
  await expect(endpointCell(workbench, 'v2.0.1', 'PATCH /user').locator('.wb-failure')).toContainText('P0001')
  await runStep(workbench, 8)
  await expect(endpointCell(workbench, 'v2.0.2', 'PATCH /user')).toHaveAttribute('data-state', 'ok')
  expect(await corruptRows(workbench)).toBeGreaterThan(0)

  // deploydemo's repair as written leaves the users v2.0.0 created without a name
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect(workbench.getByText('✗ Broke things: step 9 the naive way')).toBeVisible({ timeout: 60_000 })
  expect(await corruptRows(workbench)).toBeGreaterThan(0)
  // the editor holds step 6's repair: on time now, it holds
  await undo(workbench, 9)
  await runStep(workbench, 9)
  await expect.poll(() => corruptRows(workbench)).toBe(0)

  // deploydemo's check, as a fail task: its query returns no row
  await runStep(workbench, 10)
  await expect(workbench.getByText('✓ Passed: step 10')).toBeVisible()
  expect(await corruptRows(workbench)).toBe(0)
})

test('the order that corrupts nothing plays from step 11: the rollback rots rows, then with a dual-writing build first the counter stays at 0 through the backfill and the v2 canary', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const workbench = await openLesson(page, '/learn/split-column/roll-back')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 11 of 16', {
    timeout: 60_000,
  })
  expect(await corruptRows(workbench)).toBe(0)

  // a rollback is a deploy too: v1.0.1's renames leave first and last behind
  await runStep(workbench, 11)
  expect(await corruptRows(workbench)).toBeGreaterThan(0)
  await runStep(workbench, 12)
  await expect.poll(() => corruptRows(workbench)).toBe(0)
  await expect(column(workbench, 'first')).toHaveCount(1)

  // the naive way is the story's canary again: the counter climbs with every cell green
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBeGreaterThan(0)
  await expect(endpointCell(workbench, 'v2.0.0', 'POST /user')).toHaveAttribute('data-state', 'ok')
  await expect(workbench.getByText('✗ Broke things: step 13 the naive way')).toBeVisible({ timeout: 60_000 })
  await undo(workbench, 13)
  await expect.poll(() => corruptRows(workbench), { timeout: 30_000 }).toBe(0)
  await runStep(workbench, 13)
  await expect(endpointCell(workbench, 'v1.1.0', 'PATCH /user')).toHaveAttribute('data-state', 'ok')
  expect(await corruptRows(workbench)).toBe(0)

  // the starter is deploydemo's backfill, which cuts three-word names; the solution keeps them
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 14' })).toContainText(
    "split_part(name, ' ', 2)",
  )
  await runWithSolution(workbench, 14)
  expect(await corruptRows(workbench)).toBe(0)

  await runStep(workbench, 15)
  expect(await corruptRows(workbench)).toBe(0)
  await expect(endpointCell(workbench, 'v2.0.2', 'GET /users')).toHaveAttribute('data-state', 'ok')
  await runStep(workbench, 16)
  expect(await corruptRows(workbench)).toBe(0)
  await expect(workbench.getByText('✓ Passed: step 16')).toBeVisible()
})
