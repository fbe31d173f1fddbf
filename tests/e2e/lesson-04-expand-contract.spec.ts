import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import {
  endpointCell,
  focusTerminal,
  openLesson,
  runWithSolution,
  step,
  terminalText,
} from './workbench-helpers'

// Lesson 4 replays ZeroDowntimeExample's release train, 0.1.0 → 0.1.1 → 0.2 → 0.3, in fifteen
// steps. The learner fixes two migrations in the editor, takes the naive detour of step 9 (the
// ORM drops is_published's default), and lets the steps' own solutions run the rest.

async function expectPassed(workbench: Locator, number: number) {
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'passed', { timeout: 90_000 })
}

// the migrations here run on 5 million declared rows: a step may take longer than the shared
// runStep waits, so this one waits 90 s, and first for the step to be the current one
async function runStep(workbench: Locator, number: number) {
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expectPassed(workbench, number)
}

// replaces lines `from` to `to` (from 1) of the step's migration with `text`, as a learner
// edits it; the starters' lines are short enough not to wrap, so Home and End are the line's
async function replaceLines(
  page: Page,
  workbench: Locator,
  number: number,
  [from, to]: [number, number],
  text: string,
) {
  const editor = workbench.getByRole('textbox', { name: `SQL for step ${number}` })
  await editor
    .locator('.cm-line')
    .nth(from - 1)
    .click()
  await page.keyboard.press('Home')
  for (let line = from; line < to; line++) await page.keyboard.press('Shift+ArrowDown')
  await page.keyboard.press('Shift+End')
  await page.keyboard.type(text)
  return editor
}

async function runSolutionFromTerminal(page: Page, workbench: Locator, number: number) {
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
  const screen = await focusTerminal(workbench)
  await page.keyboard.type('step next')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(screen)).toContain(`step ${number} (`)
  await expectPassed(workbench, number)
}

test('the release train runs from v0.1.0 to v0.3 with every running version green, after the ORM’s dropped default is undone', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const workbench = await openLesson(page, '/learn/expand-contract')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1 of 15')
  const invariant = workbench.locator('[data-invariant="every product has a slug and a created_at"]')

  // release 0.1.1: expand. The starter goes straight to 0.2's NOT NULL; the learner drops that line
  await runStep(workbench, 1)
  await expect(endpointCell(workbench, 'v0.1.0', 'mutation productCreate')).toHaveAttribute(
    'data-state',
    'ok',
  )
  await replaceLines(page, workbench, 2, [4, 5], '-- NOT NULL waits for 0.2')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expectPassed(workbench, 2)
  // the new columns are empty: every product is missing its slug until the workers run
  await expect.poll(async () => Number(await invariant.getAttribute('data-violations'))).toBeGreaterThan(0)
  await runStep(workbench, 3)
  await runStep(workbench, 4)
  await runStep(workbench, 5)
  await expect(invariant).toHaveAttribute('data-violations', '0')
  await runStep(workbench, 6)

  // release 0.2: migrate, while v0.1.1 serves
  await runSolutionFromTerminal(page, workbench, 7)
  await expect(
    workbench.getByRole('region', { name: 'Schema' }).locator('li[data-constraint="product_slug_key"]'),
  ).toBeVisible()
  // step 8 opens on what Django's AlterField and AddIndex run: a scan and a build under locks
  await runWithSolution(workbench, 8)

  // the naive way: Django's AddField drops the database default, and v0.1.1's inserts fail
  await expect(step(workbench, 9)).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const creates = endpointCell(workbench, 'v0.1.1', 'mutation productCreate')
  await expect(creates).toHaveAttribute('data-state', 'error', { timeout: 30_000 })
  await expect(creates).toContainText('error 23502')
  await expect(creates.locator('details')).toContainText('null value in column "is_published"')
  await expect(workbench.getByText('✗ Broke things: step 9 the naive way')).toBeVisible({ timeout: 60_000 })
  await expect(step(workbench, 9)).toHaveAttribute('data-state', 'broke things')

  await workbench.getByRole('button', { name: 'Undo step 9' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 9 of 15', { timeout: 60_000 })
  await expect(step(workbench, 9)).toHaveAttribute('data-state', 'current')
  await expect(
    workbench
      .getByRole('region', { name: 'Schema' })
      .locator('details[data-table="product"] tr[data-column="is_published"]'),
  ).toHaveCount(0)

  // the safe way: keep the default in the database
  const editor = await replaceLines(page, workbench, 9, [6, 7], '-- keep the default')
  await editor.press('Control+Enter')
  await expectPassed(workbench, 9)
  await expect(workbench.getByText('✓ Passed: step 9')).toBeVisible()
  await expect(creates).toHaveAttribute('data-state', 'ok', { timeout: 30_000 })

  await runStep(workbench, 10)
  await expect(endpointCell(workbench, 'v0.2', 'mutation productCreate')).toHaveAttribute('data-state', 'ok')
  await runStep(workbench, 11)

  // release 0.3: contract, while v0.2 serves; the learner builds the index concurrently
  await runStep(workbench, 12)
  await expect(
    workbench
      .getByRole('region', { name: 'Schema' })
      .locator('details[data-table="product"] tr[data-column="created"]'),
  ).toHaveCount(0)
  await expect(step(workbench, 13)).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
  await replaceLines(
    page,
    workbench,
    13,
    [2, 2],
    'create index concurrently product_index on product (name, slug);',
  )
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expectPassed(workbench, 13)
  await expect(
    workbench.getByRole('region', { name: 'Schema' }).locator('li[data-index="product_index"]'),
  ).toHaveAttribute('data-valid', 'true')
  await runStep(workbench, 14)
  await runStep(workbench, 15)
  await expect(endpointCell(workbench, 'v0.3', 'query product')).toHaveAttribute('data-state', 'ok')
  await expect(workbench.getByText('Lesson complete.')).toBeVisible()
})
