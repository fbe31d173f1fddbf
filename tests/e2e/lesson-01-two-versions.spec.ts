import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures'
import {
  endpointCell,
  openLesson,
  replaceStepSql,
  runStep,
  runWithSolution,
  step,
  terminalText,
} from './workbench-helpers'

// Each test starts from no stored progress: every page gets a fresh browser context.

const steps = 7

function column(workbench: Locator, name: string) {
  return workbench.getByRole('region', { name: 'Schema' }).locator(`tr[data-column="${name}"]`)
}

async function tryNaiveWay(workbench: Locator, number: number) {
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect(workbench.getByText(`✗ Broke things: step ${number} the naive way`)).toBeVisible({
    timeout: 60_000,
  })
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'broke things')
}

async function undo(workbench: Locator, number: number) {
  await workbench.getByRole('button', { name: `Undo step ${number}` }).click()
  await expect(workbench.getByRole('status').first()).toContainText(`Live: step ${number} of ${steps}`, {
    timeout: 30_000,
  })
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'current')
}

// the chart's last whole second for a version: how many requests it served and how many failed
async function lastSecond(workbench: Locator, version: string) {
  const chart = workbench.getByRole('region', { name: 'Traffic' }).locator(`[data-version="${version}"]`)
  return {
    ok: Number(await chart.getAttribute('data-last-ok')),
    failed: Number(await chart.getAttribute('data-last-failed')),
  }
}

test('the lesson, naive ways included: a migration v0.1.0 cannot write to, code before its migration, and v0.1.0 on 0.2’s schema each break; the safe ways keep every version green', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openLesson(page, '/learn/two-versions')
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'current')
  await runStep(workbench, 1)
  await expect(endpointCell(workbench, 'v0.1.0', 'mutation productCreate')).toHaveAttribute(
    'data-state',
    'ok',
  )

  // step 2, naive: the non-null columns makemigrations would add; v0.1.0's INSERT leaves slug NULL
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const oldWrites = endpointCell(workbench, 'v0.1.0', 'mutation productCreate')
  await expect(oldWrites).toHaveAttribute('data-state', 'error', { timeout: 30_000 })
  await expect(oldWrites).toContainText('error 23502')
  await expect(oldWrites).toContainText('null value in column "slug" of relation "product"')
  await expect(endpointCell(workbench, 'v0.1.0', 'query product')).toHaveAttribute('data-state', 'ok')
  await expect(workbench.getByText('✗ Broke things: step 2 the naive way')).toBeVisible({ timeout: 60_000 })
  // judged by the naive way's own claims: the version and the error the lesson is about
  const verdict = workbench.locator('.workbench-verdict')
  await expect(verdict).toContainText('The naive way broke things as the lesson says')
  await expect(verdict.locator('li[data-held="true"]', { hasText: 'v0.1.0 fails with 23502' })).toContainText(
    'null value in column "slug"',
  )
  await expect(column(workbench, 'slug')).toContainText('NOT NULL')

  await undo(workbench, 2)
  await expect(column(workbench, 'slug')).toHaveCount(0)
  // back before the migration: every second of v0.1.0 served, none failed
  await expect
    .poll(
      async () => {
        const { ok, failed } = await lastSecond(workbench, 'v0.1.0')
        return [ok > 0, failed]
      },
      { timeout: 30_000 },
    )
    .toEqual([true, 0])

  // step 2, safe: the learner makes the new columns nullable
  // one line: Enter in the editor could take a completion instead of a new line
  await replaceStepSql(
    page,
    workbench,
    2,
    'alter table product add column slug varchar(255); alter table product add column created_at timestamptz;',
  )
  await workbench.getByRole('textbox', { name: 'SQL for step 2' }).press('Control+Enter')
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(column(workbench, 'slug')).toContainText('nullable')
  await expect(column(workbench, 'created_at')).toContainText('nullable')
  await expect(oldWrites).toHaveAttribute('data-state', 'ok')

  // step 3, naive: v0.2 ships before 0.2's migration and asks for a column that is not there
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const newReads = endpointCell(workbench, 'v0.2', 'query product')
  await expect(newReads).toHaveAttribute('data-state', 'error', { timeout: 30_000 })
  await expect(newReads).toContainText('error 42703')
  await expect(newReads).toContainText('column "is_published" does not exist')
  await expect(workbench.getByText('✗ Broke things: step 3 the naive way')).toBeVisible({ timeout: 60_000 })
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'broke things')

  await undo(workbench, 3)
  await runStep(workbench, 3)
  for (const version of ['v0.1.0', 'v0.1.1']) {
    await expect(endpointCell(workbench, version, 'query product')).toHaveAttribute('data-state', 'ok')
    await expect(endpointCell(workbench, version, 'mutation productCreate')).toHaveAttribute(
      'data-state',
      'ok',
    )
  }
  await expect(endpointCell(workbench, 'v0.2', 'query product')).toHaveAttribute('data-state', 'undeployed')

  // steps 4 to 6: finish the rollout, check what v0.1.0 left empty, then 0.2's migration (the
  // starter, makemigrations' own, fails on the rows v0.1.0 left without a slug)
  await runStep(workbench, 4)
  await expect(endpointCell(workbench, 'v0.1.0', 'query product')).toHaveAttribute('data-state', 'undeployed')
  await runStep(workbench, 5)
  await runWithSolution(workbench, 6)
  await expect(column(workbench, 'slug')).toContainText('NOT NULL')
  await expect(column(workbench, 'created')).toContainText('nullable')
  await expect(column(workbench, 'is_published')).toContainText('true')

  // step 7, naive: v0.1.0 is two versions behind 0.2's schema
  await tryNaiveWay(workbench, 7)
  await expect(oldWrites).toHaveAttribute('data-state', 'error')
  await expect(oldWrites).toContainText('error 23502')
  await expect(oldWrites).toContainText('null value in column "slug" of relation "product"')
  await expect(endpointCell(workbench, 'v0.2', 'mutation productCreate')).toHaveAttribute('data-state', 'ok')

  await undo(workbench, 7)
  await runStep(workbench, 7)
  for (const version of ['v0.1.1', 'v0.2']) {
    await expect(endpointCell(workbench, version, 'mutation productCreate')).toHaveAttribute(
      'data-state',
      'ok',
    )
  }
  await expect(workbench.getByText('Lesson complete.')).toBeVisible()
})

test('opened at step 6, the console shows the rows v0.1.0 wrote without a slug, \\d product shows the new columns, and every claim holds on every path', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openLesson(page, '/learn/two-versions/tighten')
  await expect(workbench.getByRole('status').first()).toContainText(`Live: step 6 of ${steps}`)
  await expect(step(workbench, 5)).toHaveAttribute('data-state', 'applied')

  const box = page.getByRole('region', { name: 'SQL console' }).first()
  await box.getByRole('button', { name: 'Run' }).click()
  const table = box.getByRole('table')
  await expect(table.getByRole('columnheader')).toHaveText([
    'written_by',
    'products',
    'with_slug',
    'with_created_at',
  ])
  const oldRows = table.getByRole('row').filter({ hasText: 'v0.1.0' })
  await expect(oldRows.getByRole('cell').nth(2)).toHaveText('0')
  await expect(oldRows.getByRole('cell').nth(3)).toHaveText('0')
  await expect(oldRows.getByRole('cell').nth(1)).not.toHaveText('0')
  const newRows = table.getByRole('row').filter({ hasText: 'v0.1.1' })
  const written = await newRows.getByRole('cell').nth(1).textContent()
  expect(Number(written)).toBeGreaterThan(0)
  await expect(newRows.getByRole('cell').nth(2)).toHaveText(written ?? '')

  const screen = workbench.getByRole('region', { name: 'Terminal' }).getByTestId('terminal')
  await expect(screen).toHaveAttribute('data-ready', 'true')
  await page.getByRole('button', { name: 'Run in the terminal: \\d product' }).first().click()
  // xterm draws only while it is on screen
  await screen.scrollIntoViewIfNeeded()
  await expect
    .poll(() => terminalText(screen), { timeout: 15_000 })
    .toMatch(/^ slug +\| character varying\(255\) [\s\S]*^ created_at +\| timestamp with time zone/m)

  // the prose's table of which code works on which schema is these claims, both paths; the
  // check runs in a database of its own, and the learner's stays where it was
  const standing = await workbench.getByRole('status').first().textContent()
  await workbench.getByRole('button', { name: 'Check this lesson’s claims' }).click()
  const report = workbench.getByRole('region', { name: 'Lesson check' })
  await expect(report.locator('[data-path="safe"]')).toHaveText('safe path: 14 of 14 claims held', {
    timeout: 90_000,
  })
  // each naive way as a learner takes it: the safe steps before it, then the naive step
  // (and one claim more each: the safe way does not meet the naive way's claims)
  await expect(report.locator('[data-path="naive:expand"]')).toHaveText(
    'the naive way at step 2 (expand): 3 of 3 claims held',
  )
  await expect(report.locator('[data-path="naive:rollout"]')).toHaveText(
    'the naive way at step 3 (rollout): 5 of 5 claims held',
  )
  await expect(report.locator('[data-path="naive:skip"]')).toHaveText(
    'the naive way at step 7 (skip): 5 of 5 claims held',
  )
  // and each exercise as it opens: its starter does not pass the step
  await expect(report.locator('[data-path="starter:tighten"]')).toHaveText(
    'the starter at step 6 (tighten): 1 of 1 claim held',
  )
  await expect(workbench.getByRole('status').first()).toHaveText(standing ?? '')
})
