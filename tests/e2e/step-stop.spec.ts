import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { focusTerminal, replaceStepSql, step, terminalText } from './workbench-helpers'

// lock-queue's upgrade without a lock_timeout: it waits in the simulation behind the page left
// idle in transaction, as long as nothing ends that session
const waitingUpgrade = 'alter table users add column first text;'
// a count over ten billion rows keeps Postgres busy for real: the worker cannot answer
const busyForReal = 'select count(*) from generate_series(1, 10000000000);'

/** Opens lock-queue at its upgrade step at 1× and puts `sql` below the editor's first line. */
async function openUpgrade(page: Page, sql: string): Promise<Locator> {
  await page.goto('/learn/lock-queue/upgrade')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 30_000 })
  await replaceStepSql(page, workbench, 3, sql)
  return workbench
}

// the terminal wraps long lines at its width: read it as one line
const terminalLine = async (screen: Locator) => (await terminalText(screen)).replace(/\n/g, '')

const clockMs = async (workbench: Locator) =>
  Number(await workbench.locator('.wb-clock-time').getAttribute('data-now-ms'))

/** Waits until Postgres is busy with the step's statement for real: the page says so. */
async function expectBusyForReal(workbench: Locator) {
  await expect(workbench.locator('.workbench-busy[data-busy-session="migration"]')).toContainText(
    'Postgres is busy with select count(*) from generate_series(1, 10000000000) for real',
  )
}

/** The step's verdict says it was stopped; the clock moves again and the step can run again. */
async function expectStoppedAndGoingOn(workbench: Locator, heading: RegExp, statement: string) {
  const verdict = workbench.locator('.workbench-verdict.is-cancelled')
  await expect(verdict).toContainText(heading, { timeout: 15_000 })
  await expect(verdict.locator('pre')).toHaveText(statement)
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'cancelled')
  const stoppedAt = await clockMs(workbench)
  await expect.poll(() => clockMs(workbench), { timeout: 10_000 }).toBeGreaterThan(stoppedAt + 500)
  await expect(workbench.getByRole('button', { name: 'Run step' })).toBeEnabled()
}

test('Stop cancels a step’s statement that waits for its lock: the traffic and the clock go on', async ({
  page,
}) => {
  const workbench = await openUpgrade(page, waitingUpgrade)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  // the requests queue behind the waiting ALTER before it is stopped
  await expect(workbench.getByRole('region', { name: 'Sessions and locks' })).toContainText('waiting', {
    timeout: 15_000,
  })
  await workbench.getByRole('button', { name: 'Stop step 3' }).click()
  await expectStoppedAndGoingOn(
    workbench,
    /Cancelled by you: step 3/,
    'alter table users add column first text',
  )
  await expect(workbench.locator('.workbench-verdict')).toContainText(
    'canceling statement due to user request',
  )
  // the ALTER rolled back: the column is not there
  await expect(workbench.getByRole('region', { name: 'Schema', exact: true })).not.toContainText('first')
})

test('Stop on a statement that keeps Postgres busy for real brings the database back and the step runs again', async ({
  page,
}) => {
  const workbench = await openUpgrade(page, busyForReal)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expectBusyForReal(workbench)
  await workbench.getByRole('button', { name: 'Stop step 3' }).click()
  await expectStoppedAndGoingOn(
    workbench,
    /Cancelled by you: step 3/,
    'select count(*) from generate_series(1, 10000000000)',
  )
  await expect(workbench.locator('.workbench-verdict')).toContainText('Postgres was busy with it for real')
  // the step runs again, and stops again
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'running')
  await workbench.getByRole('button', { name: 'Stop step 3' }).click()
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'cancelled', { timeout: 15_000 })
})

test('a step’s statement that runs over the real-time budget is stopped by itself, with a message naming the budget', async ({
  page,
}) => {
  const workbench = await openUpgrade(page, busyForReal)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expectStoppedAndGoingOn(
    workbench,
    /Stopped: over the real-time budget: step 3/,
    'select count(*) from generate_series(1, 10000000000)',
  )
  await expect(workbench.locator('.workbench-verdict')).toContainText('longer than 2 s for real in PGlite')
})

test('Ctrl+C at the terminal’s empty prompt, and its `cancel` command, stop the running step', async ({
  page,
}) => {
  const workbench = await openUpgrade(page, waitingUpgrade)
  const screen = await focusTerminal(workbench)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  // the simulation's reports say the step runs: its migration waits in the sessions
  await expect(workbench.getByRole('region', { name: 'Sessions and locks' })).toContainText('waiting', {
    timeout: 15_000,
  })
  await screen.click()
  await page.keyboard.press('Control+C')
  await expect
    .poll(() => terminalLine(screen), { timeout: 15_000 })
    .toContain(
      'Cancel request sentcancelled step 3 (Upgrade the schema to v2.0.0): ERROR:  canceling statement due to user request, in alter table users add column',
    )
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'cancelled')

  // again, with the operator command (a statement busy for real races the 2 s budget on a slow
  // machine: the Stop button's test covers that one)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(workbench.getByRole('region', { name: 'Sessions and locks' })).toContainText('waiting', {
    timeout: 15_000,
  })
  await screen.click()
  await page.keyboard.type('cancel')
  await page.keyboard.press('Enter')
  await expect
    .poll(
      async () =>
        (await terminalLine(screen)).split('cancelled step 3 (Upgrade the schema to v2.0.0): ERROR:').length -
        1,
      {
        timeout: 15_000,
      },
    )
    .toBe(2)
  await expect(workbench.locator('.workbench-verdict.is-cancelled')).toContainText(
    'Cancelled by you: step 3',
    {
      timeout: 15_000,
    },
  )
})

test('Undo and Reset the lesson work while a step runs: they stop it first', async ({ page }) => {
  const workbench = await openUpgrade(page, busyForReal)
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await workbench.getByRole('button', { name: 'Undo step 3' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 30_000 })
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'current')

  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'running')
  await workbench.getByRole('button', { name: 'Reset the lesson' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1', { timeout: 30_000 })
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'not run')
})
