import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures'
import { endpointCell, openLesson, runStep, sessionRows, step } from './workbench-helpers'

// The playground's last steps: CONCURRENTLY waits for a write left open, gives up with its
// lock_timeout, and leaves an INVALID index that the learner drops and builds again.

function indexItem(workbench: Locator, name: string) {
  return workbench.getByRole('region', { name: 'Schema' }).locator(`li[data-index="${name}"]`)
}

test('a refund left open stalls CREATE INDEX CONCURRENTLY, which gives up and leaves an INVALID index to drop and build again', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const workbench = await openLesson(page, '/learn/playground/open-refund')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 4 of 9')
  await runStep(workbench, 4)
  const refund = sessionRows(workbench).filter({ hasText: 'support-refund' })
  await expect(refund).toHaveAttribute('data-state', 'idle in transaction')
  const holder = await refund.getAttribute('data-owner')

  // the build waits on the refund's session, not in a queue: the shop keeps taking orders.
  // At 1× its 2 s lock_timeout lasts 2 s on the page, long enough to read the panel.
  await workbench.getByRole('button', { name: '1×' }).click()
  await workbench.getByRole('button', { name: 'Run step' }).click()
  const build = sessionRows(workbench)
    .filter({ hasText: 'migration' })
    .and(workbench.locator(`tr[data-state="waiting"]:has([data-blocked-by~="${holder}"])`))
  await expect(build).toBeVisible({ timeout: 30_000 })
  await workbench.getByRole('button', { name: '10×' }).click()
  await expect(step(workbench, 5)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(workbench.getByText('SQLSTATE 55P03')).toBeVisible()
  await expect(endpointCell(workbench, 'v1.0.0', 'POST /orders')).toHaveAttribute('data-state', 'ok')
  await expect(indexItem(workbench, 'orders_placed_at')).toHaveAttribute('data-valid', 'false')
  await expect(indexItem(workbench, 'orders_placed_at')).toContainText('INVALID')

  await runStep(workbench, 6)
  await runStep(workbench, 7)
  await expect(refund).toHaveCount(0)
  await runStep(workbench, 8)
  await expect(indexItem(workbench, 'orders_placed_at')).toHaveAttribute('data-valid', 'true')
  await runStep(workbench, 9)
})
