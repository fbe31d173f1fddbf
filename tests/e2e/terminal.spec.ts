import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { focusTerminal, terminalText } from './workbench-helpers'

async function openTerminal(page: Page) {
  await page.goto('/learn/playground')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step', { timeout: 30_000 })
  const screen = await focusTerminal(workbench)
  return { workbench, screen }
}

async function typeLine(page: Page, line: string) {
  await page.keyboard.type(line)
  await page.keyboard.press('Enter')
}

test('a query typed over several lines prints its table as psql does', async ({ page }) => {
  const { screen } = await openTerminal(page)
  await typeLine(page, 'select id, name')
  await expect.poll(() => terminalText(screen)).toContain('postgres->')
  await typeLine(page, 'from users where id <= 2 order by id;')
  await expect
    .poll(() => terminalText(screen))
    .toContain(' id |     name\n----+---------------\n  1 | Alan Dijkstra\n  2 | Grace Allen\n(2 rows)')
  // history: up brings the last line back
  await page.keyboard.press('ArrowUp')
  await expect.poll(() => terminalText(screen)).toMatch(/postgres=> from users where id <= 2 order by id;$/)
})

// pg_sleep is modelled time in a simulation; a count over ten billion rows keeps Postgres busy for real
const runaway = 'select count(*) from generate_series(1, 10000000000);'

test('Ctrl+C stops a runaway query that keeps Postgres busy, and the prompt comes back', async ({ page }) => {
  test.setTimeout(90_000)
  const { workbench, screen } = await openTerminal(page)
  await typeLine(page, runaway)
  await expect.poll(() => terminalText(screen)).toContain(runaway)
  await page.keyboard.press('Control+C')
  await expect
    .poll(() => terminalText(screen), { timeout: 30_000 })
    .toMatch(/Cancel request sent\nERROR: {2}canceling statement due to user request[\s\S]*postgres=>$/)
  // the simulation resumed on the restored database, and the console works in it
  await expect(workbench.getByRole('status').first()).toContainText('Live: step', { timeout: 30_000 })
  await typeLine(page, 'select count(*) > 0 as has_users from users;')
  await expect.poll(() => terminalText(screen), { timeout: 30_000 }).toContain(' has_users\n-----------\n t')
})

test('Ctrl+C stops a statement that allocates without checking for a cancel', async ({ page }) => {
  test.setTimeout(90_000)
  const { workbench, screen } = await openTerminal(page)
  const allocating = "select length(string_agg(repeat('x', 10000), '')) from generate_series(1, 1000000);"
  await typeLine(page, allocating)
  await expect.poll(() => terminalText(screen)).toContain('generate_series(1, 1000000);')
  await page.keyboard.press('Control+C')
  await expect
    .poll(() => terminalText(screen), { timeout: 30_000 })
    .toMatch(/Cancel request sent\nERROR: {2}canceling statement due to user request[\s\S]*postgres=>$/)
  await expect(workbench.getByRole('status').first()).toContainText('Live: step', { timeout: 30_000 })
  await typeLine(page, 'select 1 as answer;')
  await expect.poll(() => terminalText(screen), { timeout: 30_000 }).toContain(' answer\n--------\n      1')
})

test('a setting the simulator does not model says so, before its SET', async ({ page }) => {
  const { screen } = await openTerminal(page)
  await typeLine(page, "set idle_in_transaction_session_timeout = '5s';")
  await expect
    .poll(() => terminalText(screen))
    .toMatch(/NOTE: {2}not modelled by the simulator: Postgres ends a session[\s\S]*\nSET\n/)
})

test('a canary deployed from the terminal takes its share of the traffic', async ({ page }) => {
  test.setTimeout(90_000)
  const { workbench, screen } = await openTerminal(page)
  await workbench.getByRole('button', { name: '10×' }).click()
  await screen.click()
  await typeLine(page, 'deploy v1.0.0')
  await expect.poll(() => terminalText(screen)).toContain('deployed v1.0.0 100%')
  const canary = workbench.getByRole('region', { name: 'Traffic' }).locator('[data-version="v1.1.0"]')
  await expect(canary).toHaveAttribute('data-last-ok', '0')
  await typeLine(page, 'canary v1.1.0 10')
  await expect.poll(() => terminalText(screen)).toContain('deployed v1.0.0 90%, v1.1.0 10%')
  await expect
    .poll(async () => Number(await canary.getAttribute('data-last-ok')), { timeout: 30_000 })
    .toBeGreaterThan(0)
  const deploy = workbench.getByRole('region', { name: 'Deploy' })
  await expect(deploy.locator('li[data-version="v1.1.0"]')).toHaveAttribute('data-share', '10')

  // the panel's canary names the same versions, and a move there is what the terminal reports
  await expect(deploy.getByRole('combobox', { name: 'Canary' })).toHaveValue('v1.1.0')
  await expect(deploy.locator('.wb-canary-split')).toContainText('Running: v1.1.0 10% · v1.0.0 90%')
  await deploy.getByRole('slider', { name: 'Canary share for v1.1.0' }).fill('30')
  await expect(deploy.locator('.wb-canary-split')).toContainText('Apply to run: v1.1.0 30% · v1.0.0 70%')
  await deploy.getByRole('button', { name: 'Apply split' }).click()
  await expect(deploy.locator('li[data-version="v1.0.0"]')).toHaveAttribute('data-share', '70')
  await expect(deploy.locator('li[data-version="v1.1.0"]')).toHaveAttribute('data-share', '30')
  await screen.click()
  await typeLine(page, 'status')
  await expect.poll(() => terminalText(screen)).toContain('deployed       v1.0.0 70%, v1.1.0 30%')
})

test('a canary with nothing beside it is refused, and clear and help fit the screen', async ({ page }) => {
  const { screen } = await openTerminal(page)
  // read row by row, as the screen wraps the words
  const words = async () => (await terminalText(screen)).replace(/\s+/g, ' ')
  await typeLine(page, 'canary v1.1.0 10')
  await expect
    .poll(words)
    .toContain('canary: nothing else runs to take the other 90% of traffic; deploy a version first')
  // clear empties the screen and leaves the main prompt, not a statement's continuation
  await typeLine(page, 'clear')
  await expect.poll(() => terminalText(screen)).toBe('postgres=>')
  // help wraps at words to the screen's columns: read row by row, every description is whole
  await typeLine(page, 'help')
  await expect.poll(() => terminalText(screen)).toContain('e.g. help')
  expect((await terminalText(screen)).split('\n').some((row) => row.startsWith('      '))).toBe(true)
  expect(await words()).toContain(
    'stop the running step, as Ctrl+C stops a statement (Ctrl+C at an empty prompt does it too)',
  )
  expect(await words()).toContain(
    'Time and concurrency are simulated; every SQL statement runs for real in PostgreSQL 18 (PGlite).',
  )
})

test('terminating the idle-in-transaction session drains the lock queue', async ({ page }) => {
  test.setTimeout(90_000)
  const { workbench, screen } = await openTerminal(page)
  await workbench.getByRole('button', { name: '10×' }).click()
  await screen.click()
  await typeLine(page, 'deploy v1.0.0')
  await typeLine(page, 'begin;')
  await expect.poll(() => terminalText(screen)).toContain('postgres=*>')
  await typeLine(page, 'lock table orders in share mode;')
  await expect.poll(() => terminalText(screen)).toContain('LOCK TABLE')
  const sessionsPanel = workbench.getByRole('region', { name: 'Sessions and locks' })
  await expect(sessionsPanel.locator('tr[data-state="waiting"]').first()).toBeVisible({ timeout: 30_000 })
  await typeLine(page, 'sessions')
  await expect.poll(() => terminalText(screen)).toMatch(/\| console +\| idle in transaction/)
  const text = await terminalText(screen)
  const pid = /^ *(\d+) \| console +\| idle in transaction/m.exec(text)![1]
  await typeLine(page, `terminate ${pid}`)
  await expect.poll(() => terminalText(screen)).toContain(`terminated session ${pid}`)
  await expect(sessionsPanel.locator('tr[data-state="waiting"]')).toHaveCount(0, { timeout: 30_000 })
  await typeLine(page, 'locks')
  // its answer is in, up to the next prompt, before its lines are read: none is a lock still waiting
  await expect.poll(() => terminalText(screen)).toMatch(/> locks\n[\s\S]+postgres=\*?>/)
  expect(await terminalText(screen)).not.toMatch(/ f +\| \{/)
  // psql learns its connection is gone with its next statement
  await typeLine(page, 'select 1;')
  await expect
    .poll(() => terminalText(screen))
    .toContain('FATAL:  terminating connection due to administrator command')
  await expect.poll(() => terminalText(screen)).toContain('The connection to the server was lost.')
})

test('a lesson snippet runs its command in the terminal', async ({ page }) => {
  const { screen } = await openTerminal(page)
  await page.getByRole('button', { name: 'Run in the terminal: status' }).click()
  await expect.poll(() => terminalText(screen)).toContain('simulated time')
  await expect.poll(() => terminalText(screen)).toContain('database       running')
})
