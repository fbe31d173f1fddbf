import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { endpointCell, openLesson, runStep, step } from './workbench-helpers'

function auditLog(workbench: Locator) {
  return workbench.getByRole('log', { name: 'Audit log' })
}

// the editor holds the naive migration; the learner replaces all of it
async function replaceMigration(page: Page, workbench: Locator, lines: string[]) {
  const editor = workbench.getByRole('textbox', { name: 'SQL for step 4' })
  await editor.click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Delete')
  for (const line of lines) {
    await page.keyboard.type(line)
    await page.keyboard.press('Enter')
    // the editor indents a line after an open one: start each line at the margin
    await page.keyboard.press('Shift+Home')
    await page.keyboard.press('Delete')
  }
  return editor
}

test('a hand-made column shows as drift, collides with the next release, and is reconciled; a bad canary is rolled back and the gate stops it', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openLesson(page, '/learn/release-discipline')
  await runStep(workbench, 1)
  await runStep(workbench, 2)
  await expect(auditLog(workbench).locator('li').first()).toContainText('step 2 passed')

  // a change typed into the terminal is in the audit log as made by hand
  await page
    .getByRole('button', {
      name: 'Run in the terminal: create index concurrently events_room on events (room);',
    })
    .click()
  await expect(auditLog(workbench).locator('li[data-actor="by hand"]')).toContainText(
    'create index concurrently events_room on events (room);',
  )

  // the gate finds the column no release knows
  await runStep(workbench, 3)
  // the step passes because the check refuses, and says so in those words, with what it found
  await expect(workbench.locator('[data-test-result="refused as claimed"]')).toContainText(
    'The check refused, as this step claims: expected the drift check for v1.0.0 to return no row; it returned 1 row: not in the release | events | capacity',
  )
  await expect(workbench.locator('[data-test-result="red"]')).toHaveCount(0)

  // the naive migration collides with it, and the transaction leaves nothing half-done
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'broke things', { timeout: 60_000 })
  const verdict = workbench.locator('.workbench-verdict')
  await expect(verdict).toContainText('column "capacity" of relation "events" already exists')
  await expect(verdict).toContainText('SQLSTATE 42701')
  await workbench.getByRole('button', { name: 'Undo step 4' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 4 of 12', { timeout: 30_000 })
  await expect(auditLog(workbench).locator('li').first()).toContainText('reopened at the start of step 4')

  // the learner's own reconciliation: replace the hand-made column inside the reviewed migration
  const editor = await replaceMigration(page, workbench, [
    "set lock_timeout = '1s';",
    'begin;',
    'alter table events drop column capacity;',
    'alter table events add column capacity integer not null default 20;',
    "insert into schema_migrations (version, description, applied_at) values ('003', 'add capacity to events', now());",
    'commit;',
  ])
  await editor.press('Control+Enter')
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await runStep(workbench, 5)
  await runStep(workbench, 6)
  await expect(workbench.locator('[data-test-result="red"]')).toHaveCount(0)

  // master's canary fails on a column no migration creates
  await runStep(workbench, 7)
  await expect(endpointCell(workbench, 'v1.2.0', 'GET /events')).toHaveAttribute('data-state', 'error')
  await expect(endpointCell(workbench, 'v1.2.0', 'GET /events')).toContainText('42703')
  await expect(endpointCell(workbench, 'v1.1.0', 'GET /events')).toHaveAttribute('data-state', 'ok')

  // one command back to the known-good release, in the audit log as the operator's
  await page.getByRole('button', { name: 'Run in the terminal: rollback' }).click()
  await expect(auditLog(workbench).locator('li[data-actor="operator"]').first()).toContainText(
    'rolled back: deployed v1.1.0 100%',
  )
  await expect(endpointCell(workbench, 'v1.2.0', 'GET /events')).toHaveAttribute('data-state', 'undeployed')
  await runStep(workbench, 8)

  // the gate names what master expects and prod lacks
  await runStep(workbench, 9)
  await expect(workbench.locator('[data-test-result="refused as claimed"]')).toContainText(
    'the deploy was refused: expected the drift check for v1.2.0 to return no row; it returned 1 row: missing on prod | events | location',
  )
  await expect(endpointCell(workbench, 'v1.2.0', 'GET /events')).toHaveAttribute('data-state', 'undeployed')

  // a release undone: its down migration while its code still serves breaks that code
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect(endpointCell(workbench, 'v1.1.0', 'GET /events')).toHaveAttribute('data-state', 'error', {
    timeout: 30_000,
  })
  await expect(endpointCell(workbench, 'v1.1.0', 'GET /events')).toContainText('42703')
  await expect(step(workbench, 10)).toHaveAttribute('data-state', 'broke things', { timeout: 60_000 })
  await workbench.getByRole('button', { name: 'Undo step 10' }).click()
  await expect(step(workbench, 10)).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
  // the code first, then the schema: every cell green throughout
  await runStep(workbench, 10)
  await expect(endpointCell(workbench, 'v1.0.0', 'POST /events')).toHaveAttribute('data-state', 'ok')
  await runStep(workbench, 11)
  await expect(endpointCell(workbench, 'v1.0.0', 'GET /events')).toHaveAttribute('data-state', 'ok')
  await runStep(workbench, 12)
  await expect(workbench.getByText('Lesson complete.')).toBeVisible()
})
