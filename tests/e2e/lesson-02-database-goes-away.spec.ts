import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures'
import { endpointCell, openLesson, runStep, step } from './workbench-helpers'

const homePage = (workbench: Locator, version: string) => endpointCell(workbench, version, 'GET /')

test('the blog 500s without its database, a test the learner completes goes red, the fix turns it green, and a hang times it out', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const workbench = await openLesson(page, '/learn/database-goes-away')
  await runStep(workbench, 1)
  await expect(homePage(workbench, 'step-3')).toHaveAttribute('data-state', 'ok')

  // the outage: every page is a 500 with Postgres's connection failure
  await runStep(workbench, 2)
  await expect(homePage(workbench, 'step-3')).toHaveAttribute('data-state', 'error')
  await expect(homePage(workbench, 'step-3')).toContainText('08006')
  await runStep(workbench, 3)
  await expect(homePage(workbench, 'step-3')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 })

  // the test as given never looks at the home page after the database left: it stays green,
  // and a test that cannot go red is not the one the step asks for
  const editor = workbench.getByRole('textbox', { name: 'Test for step 4' })
  await expect(editor).toContainText('- wait: db-stopped')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'broke things', { timeout: 60_000 })
  await expect(workbench.getByText('✗ Not yet: step 4')).toBeVisible()
  await expect(workbench.locator('[data-test-result="green"]')).toBeVisible()
  await workbench.getByRole('button', { name: 'Undo step 4' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 4 of 11', { timeout: 30_000 })

  // completed with the assertion that matters, the test goes red against step-3
  // the starter ends with an empty line, where the missing task goes
  await editor.locator('.cm-line').last().click()
  await page.keyboard.type('- wait: home-page-running')
  await editor.press('Control+Enter')
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(workbench.locator('[data-test-result="red"]')).toContainText(
    'The test failed, as this step wants: task 4 (wait: home-page-running) failed: timed out',
  )

  // the fix, and the same test green
  await runStep(workbench, 5)
  await expect(homePage(workbench, 'step-4')).toHaveAttribute('data-state', 'ok')
  await runStep(workbench, 6)
  await expect(workbench.locator('[data-test-result="green"]')).toBeVisible()

  // a longer outage with the fix: degraded pages, not errors
  await runStep(workbench, 7)
  await expect(homePage(workbench, 'step-4')).toHaveAttribute('data-state', 'degraded')
  await runStep(workbench, 8)

  // a network that hangs: no error ever comes, so the fallback never answers and every reader
  // waits out the app's timeout, amber
  await runStep(workbench, 9)
  await expect(homePage(workbench, 'step-4')).toHaveAttribute('data-state', 'timeout')
  await expect(workbench.getByRole('status').filter({ hasText: 'Database:' })).toContainText('hanging')

  // a bound on the wait lets the fallback answer some readers; the pool cannot keep up with the rest
  await runStep(workbench, 10)
  await expect(workbench.getByText('step-5 answers some requests with its fallback')).toBeVisible()
  await expect(homePage(workbench, 'step-5')).toHaveAttribute('data-state', 'timeout')

  // the network heals: what waited is answered, and the blog serves its pages again
  await runStep(workbench, 11)
  await expect(homePage(workbench, 'step-5')).toHaveAttribute('data-state', 'ok')
  await expect(workbench.getByRole('status').filter({ hasText: 'Database:' })).toContainText('running')
  await expect(workbench.getByText('Lesson complete.')).toBeVisible()
})

test('a line of the test that does not read is named, and nothing runs', async ({ page }) => {
  test.setTimeout(120_000)
  // steps 1 to 3 replayed as the link opens step 4: the test above runs them as a learner does
  const workbench = await openLesson(page, '/learn/database-goes-away/write-the-test')
  const editor = workbench.getByRole('textbox', { name: 'Test for step 4' })
  await editor.locator('.cm-line').last().click()
  await page.keyboard.type('- wait: home-page-up')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(workbench.getByText(/line 6: task 4: no task named home-page-up/)).toBeVisible()
  await expect(step(workbench, 4)).toHaveAttribute('data-state', 'current')
})
