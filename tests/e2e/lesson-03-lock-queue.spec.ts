import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'
import {
  endpointCell,
  focusTerminal,
  openLesson,
  runStep,
  sessionRows,
  step,
  terminalText,
} from './workbench-helpers'

// Lesson 3 replays deploydemo's v1.0.0 → v2.0.0 upgrade. Each test starts from no stored
// progress: every page gets a fresh browser context.

// The queue of a freeze: the migration waits on the /users/ page's idle session, and the app's
// requests wait on the migration. Returns both sessions' pids.
async function expectLockQueue(workbench: Locator) {
  const migrationRow = sessionRows(workbench).filter({ hasText: 'migration' })
  await expect(migrationRow).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 })
  // read once the migration waits: a rerun of the step opens the session anew, with a new pid
  const holder = await sessionRows(workbench)
    .filter({ hasText: 'v1.0.0-users-page' })
    .getAttribute('data-owner')
  await expect(migrationRow.locator('[data-blocked-by]')).toHaveAttribute(
    'data-blocked-by',
    new RegExp(`\\b${holder}\\b`),
  )
  const migration = await migrationRow.getAttribute('data-owner')
  const queuedBehindMigration = sessionRows(workbench).and(
    workbench.locator(`tr[data-state="waiting"]:has([data-blocked-by~="${migration}"])`),
  )
  await expect(queuedBehindMigration.first()).toContainText('v1.0.0 ·', { timeout: 30_000 })
  return { holder, migration }
}

async function typeLine(page: Page, line: string) {
  await page.keyboard.type(line)
  await page.keyboard.press('Enter')
}

test('the v2.0.0 upgrade freezes v1.0.0 behind an idle transaction until it is terminated; with a lock_timeout it gives up and the traffic stays up', async ({
  page,
}) => {
  test.setTimeout(150_000)
  const workbench = await openLesson(page, '/learn/lock-queue')
  await expect(page).toHaveURL(/\/learn\/lock-queue\/serve$/)
  await runStep(workbench, 1)
  await runStep(workbench, 2)
  // the /users/ page left its transaction open, holding ACCESS SHARE on users
  const usersPage = sessionRows(workbench).filter({ hasText: 'v1.0.0-users-page' })
  await expect(usersPage).toHaveAttribute('data-state', 'idle in transaction')
  await expect(
    usersPage.locator('li[data-granted="true"]', { hasText: /ACCESS SHARE on users$/ }),
  ).toHaveCount(1)

  // the naive way: deploydemo's migration, as `make db-upgrade` ran it
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'current')
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  await expect(endpointCell(workbench, 'v1.0.0', 'GET /users')).toHaveAttribute('data-state', 'timeout', {
    timeout: 60_000,
  })
  const chart = workbench.getByRole('region', { name: 'Traffic' }).locator('[data-version="v1.0.0"]')
  await expect
    .poll(async () => Number(await chart.getAttribute('data-last-failed')), { timeout: 30_000 })
    .toBeGreaterThan(0)
  const { migration } = await expectLockQueue(workbench)
  await expect(workbench.getByText('✗ Broke things: step 3 the naive way')).toBeVisible({ timeout: 60_000 })
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'broke things')
  // judged by the naive way's own claims, the queue among them, while the migration still waits
  const verdict = workbench.locator('.workbench-verdict')
  await expect(
    verdict.locator('li[data-held="true"]', { hasText: 'migration waits behind v1.0.0-users-page' }),
  ).toHaveCount(1)
  await expect(verdict).toContainText('Still running')
  // the writes wait too: ROW EXCLUSIVE queues behind ACCESS EXCLUSIVE like everything else
  await expect(endpointCell(workbench, 'v1.0.0', 'PATCH /user')).toHaveAttribute('data-state', 'timeout')

  // killing the waiting migration ends the outage too, and lands nothing
  await workbench.getByRole('button', { name: `Terminate session #${migration} (migration)` }).click()
  await expect(workbench.locator('tr[data-state="waiting"]')).toHaveCount(0, { timeout: 30_000 })
  await expect(endpointCell(workbench, 'v1.0.0', 'GET /users')).toHaveAttribute('data-state', 'ok', {
    timeout: 30_000,
  })
  const schema = workbench.getByRole('region', { name: 'Columns of users' })
  await expect(schema.locator('tr[data-column="name"]')).toBeVisible()
  await expect(schema.locator('tr[data-column="first"]')).toHaveCount(0)

  // the naive way once more: the same freeze
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const { holder } = await expectLockQueue(workbench)
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'broke things', { timeout: 60_000 })

  // clear the lock from the terminal, as the presenter did from pgAdmin
  const screen = await focusTerminal(workbench)
  await typeLine(page, 'sessions')
  await expect
    .poll(() => terminalText(screen))
    .toMatch(new RegExp(`^ *${holder} \\| v1\\.0\\.0-users-page +\\| idle in transaction`, 'm'))
  await typeLine(page, `terminate ${holder}`)
  await expect.poll(() => terminalText(screen)).toContain(`terminated session ${holder}`)
  // the migration was first in line: it lands, and the queue behind it drains
  await expect(workbench.locator('tr[data-state="waiting"]')).toHaveCount(0, { timeout: 30_000 })
  await expect(schema.locator('tr[data-column="first"]')).toBeVisible({ timeout: 30_000 })
  await expect(endpointCell(workbench, 'v1.0.0', 'GET /users')).toHaveAttribute('data-state', 'ok', {
    timeout: 30_000,
  })

  // undo: back before the upgrade, with the idle session open again
  await workbench.getByRole('button', { name: 'Undo step 3' }).click()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3 of 9', { timeout: 30_000 })
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'current')
  await expect(schema.locator('tr[data-column="first"]')).toHaveCount(0)
  await expect(sessionRows(workbench).filter({ hasText: 'v1.0.0-users-page' })).toHaveAttribute(
    'data-state',
    'idle in transaction',
  )

  // the safe way: the learner adds a lock_timeout above the migration
  const editor = workbench.getByRole('textbox', { name: 'SQL for step 3' })
  await editor.locator('.cm-line').nth(1).click()
  await page.keyboard.press('Home')
  await page.keyboard.type("set lock_timeout = '1s';")
  await page.keyboard.press('Enter')
  await expect(editor.locator('.cm-line').nth(1)).toHaveText("set lock_timeout = '1s';")
  await editor.press('Control+Enter')
  await expect(step(workbench, 3)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(workbench.getByText('✓ Passed: step 3')).toBeVisible()
  await expect(workbench.getByText('SQLSTATE 55P03')).toBeVisible()
  await expect(endpointCell(workbench, 'v1.0.0', 'GET /users')).toHaveAttribute('data-state', 'ok')
  await expect(schema.locator('tr[data-column="first"]')).toHaveCount(0)
  await expect(page).toHaveURL(/\/learn\/lock-queue\/clear-lock$/)
})

// The Postgres wiki's lock-monitoring query, as pasted in an incident: pg_catalog-qualified
const wikiLockMonitoring = `SELECT blocked_locks.pid AS blocked_pid, blocking_locks.pid AS blocking_pid, blocking_activity.application_name AS blocking_app
 FROM pg_catalog.pg_locks blocked_locks
 JOIN pg_catalog.pg_stat_activity blocked_activity ON blocked_activity.pid = blocked_locks.pid
 JOIN pg_catalog.pg_locks blocking_locks ON blocking_locks.locktype = blocked_locks.locktype
  AND blocking_locks.database IS NOT DISTINCT FROM blocked_locks.database
  AND blocking_locks.relation IS NOT DISTINCT FROM blocked_locks.relation
  AND blocking_locks.transactionid IS NOT DISTINCT FROM blocked_locks.transactionid
  AND blocking_locks.pid != blocked_locks.pid
 JOIN pg_catalog.pg_stat_activity blocking_activity ON blocking_activity.pid = blocking_locks.pid
 WHERE NOT blocked_locks.granted AND blocking_locks.granted;`

test('in the freeze, the wiki’s lock-monitoring query finds the idle holder, and a terminate sweep over pg_stat_activity ends it', async ({
  page,
}) => {
  test.setTimeout(150_000)
  // steps 1 and 2 replayed as the link opens step 3: the test above runs them as a learner does
  const workbench = await openLesson(page, '/learn/lock-queue/upgrade')
  await workbench.getByRole('button', { name: 'Try the naive way' }).click()
  const { holder, migration } = await expectLockQueue(workbench)

  const screen = await focusTerminal(workbench)
  await page.keyboard.insertText(wikiLockMonitoring)
  await page.keyboard.press('Enter')
  await expect
    .poll(() => terminalText(screen), { timeout: 30_000 })
    .toMatch(new RegExp(`^ *${migration} \\| +${holder} \\| v1\\.0\\.0-users-page$`, 'm'))

  // the prose's sweep, without its age filter: what step 4 does
  await typeLine(
    page,
    "select pid, pg_terminate_backend(pid) from pg_stat_activity where state = 'idle in transaction';",
  )
  await expect.poll(() => terminalText(screen)).toMatch(new RegExp(`^ *${holder} \\| t$`, 'm'))
  await expect(sessionRows(workbench).filter({ hasText: 'v1.0.0-users-page' })).toHaveCount(0, {
    timeout: 30_000,
  })
  // the migration at the head of the queue gets its lock and lands; nothing waits any more
  await expect(workbench.locator('tr[data-state="waiting"]')).toHaveCount(0, { timeout: 30_000 })
  const schema = workbench.getByRole('region', { name: 'Columns of users' })
  await expect(schema.locator('tr[data-column="first"]')).toBeVisible({ timeout: 30_000 })
})

test('v1.0.0 left running at 0% still blocks the upgrade; once it is stopped, the migration lands with lock_timeout and retries', async ({
  page,
}) => {
  test.setTimeout(150_000)
  const workbench = await openLesson(page, '/learn/lock-queue/clear-lock')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 4 of 9')
  await runStep(workbench, 4)
  await expect(sessionRows(workbench).filter({ hasText: 'v1.0.0-users-page' })).toHaveCount(0)
  await runStep(workbench, 5)
  await expect(endpointCell(workbench, 'v1.0.1', 'GET /users')).toHaveAttribute('data-state', 'ok')
  // v1.0.0 gets no traffic, and its connections stay idle in transaction
  const idleV100 = sessionRows(workbench)
    .filter({ hasText: 'v1.0.0' })
    .and(workbench.locator('tr[data-state="idle in transaction"]'))
  await expect(idleV100.first()).toBeVisible()
  const holders = await idleV100.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-owner')))

  // the exercise as it opens, step 3's migration, queues behind the leak again and fails the step
  await expect(step(workbench, 6)).toHaveAttribute('data-state', 'current')
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, 6)).toHaveAttribute('data-state', 'broke things', { timeout: 60_000 })
  await expect(endpointCell(workbench, 'v1.0.1', 'GET /users')).toHaveAttribute('data-state', 'timeout')

  // the solution, loaded from "Show the solution": a lock_timeout and a retry line of three
  // attempts, each giving up after a second. At 1×: at 10× each one-second wait fills one tick
  // of the clock, on screen for a tenth of a second
  await workbench.getByRole('button', { name: 'Show the solution' }).click()
  await workbench.getByRole('button', { name: 'Put the solution in the editor' }).click()
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 6' })).toContainText(
    '-- retry on lock_timeout: 3 attempts, 1s apart, doubling',
  )
  await workbench.getByRole('button', { name: '1×' }).click()
  await workbench.getByRole('button', { name: 'Run step' }).click()
  // it names its blockers only while it waits: one assertion sees both
  const migration = sessionRows(workbench).filter({ hasText: 'migration' })
  await expect(migration.locator('[data-blocked-by]')).toHaveAttribute(
    'data-blocked-by',
    new RegExp(`\\b(${holders.join('|')})\\b`),
    { timeout: 30_000 },
  )
  await workbench.getByRole('button', { name: '10×' }).click()
  await expect(step(workbench, 6)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(workbench.getByText('SQLSTATE 55P03')).toBeVisible()
  await expect(endpointCell(workbench, 'v1.0.1', 'PATCH /user')).toHaveAttribute('data-state', 'ok')
  const schema = workbench.getByRole('region', { name: 'Columns of users' })
  await expect(schema.locator('tr[data-column="first"]')).toHaveCount(0)

  // stopping the v1.0.0 container closes its connections, and their locks go with them
  await runStep(workbench, 7)
  await expect(workbench.locator('tr[data-state="idle in transaction"]')).toHaveCount(0)
  await runStep(workbench, 8)
  await expect(schema.locator('tr[data-column="first"]')).toBeVisible({ timeout: 30_000 })
  await expect(schema.locator('tr[data-column="last"]')).toBeVisible()
  await expect(workbench.locator('details[data-table="results"]')).toHaveCount(0)
  await runStep(workbench, 9)
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 9 of 9')
})
