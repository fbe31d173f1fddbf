import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

async function openPlayground(page: Page) {
  const requested: string[] = []
  page.on('request', (request) => requested.push(new URL(request.url()).pathname))
  await page.goto('/learn/playground')
  await expect(page.getByRole('status').and(page.locator('.database-status'))).toContainText(
    'Database ready',
    {
      timeout: 30_000,
    },
  )
  // the workbench's traffic is live from then on, and the consoles run inside it
  await expect(page.getByRole('region', { name: 'Workbench' }).getByRole('status').first()).toContainText(
    'Live: step',
    { timeout: 30_000 },
  )
  return requested
}

const consoles = (page: Page) => page.getByRole('region', { name: 'SQL console' })

async function runSql(page: Page, index: number, sql: string) {
  const box = consoles(page).nth(index)
  await box.getByRole('textbox', { name: 'SQL' }).fill(sql)
  await box.getByRole('button', { name: 'Run' }).click()
  return box
}

// one page for the consoles' answers: each query replaces its console's last result, and none
// of them changes what the others read
test('the playground’s consoles, on one page: it starts from its snapshot, and each query shows its rows, command tag, NULL or Postgres’s error', async ({
  page,
}) => {
  const requested = await openPlayground(page)

  await test.step('the lesson reaches "database ready" from its snapshot without fetching initdb', async () => {
    expect(requested.some((path) => path.startsWith('/snapshots/playground-'))).toBe(true)
    expect(requested.some((path) => path.endsWith('.wasm'))).toBe(true)
    expect(requested.filter((path) => path.includes('initdb'))).toEqual([])
  })

  await test.step('a query shows its rows', async () => {
    const box = consoles(page).first()
    await box.getByRole('button', { name: 'Run' }).click()
    const table = box.getByRole('table')
    await expect(table.getByRole('columnheader')).toHaveText(['name', 'email', 'created_at'])
    await expect(table.getByRole('row')).toHaveCount(6)
    await expect(table.getByRole('row').nth(1)).toContainText('alan.dijkstra1@example.org')
    await expect(box).toContainText('(5 rows)')
  })

  await test.step('Ctrl+Enter runs the SQL, and NULL is shown as NULL', async () => {
    const box = consoles(page).first()
    await box.getByRole('textbox', { name: 'SQL' }).fill("select null as nothing, 'x' as something")
    await box.getByRole('textbox', { name: 'SQL' }).press('Control+Enter')
    await expect(box.getByRole('cell')).toHaveText(['NULL', 'x'])
  })

  await test.step('a statement that returns no rows shows the command tag psql prints', async () => {
    const box = await runSql(page, 0, 'alter table users add column nickname text')
    await expect(box.locator('.sql-command')).toContainText('ALTER TABLE')
    await runSql(page, 0, "update users set nickname = 'x' where id = 1")
    await expect(box.locator('.sql-command')).toContainText(/^UPDATE 1 ·/, { timeout: 30_000 })
  })

  await test.step('a bad query shows Postgres’s error with a caret under its position', async () => {
    const box = await runSql(page, 1, 'select id,\n       nmae\nfrom users;')
    const error = box.getByRole('alert')
    await expect(error).toContainText('ERROR: column "nmae" does not exist')
    await expect(error).toContainText('SQLSTATE 42703')
    await expect(error).toContainText('HINT: Perhaps you meant to reference the column "users.name".')
    await expect(error.getByLabel('at line 2, column 8')).toHaveText('LINE 2:        nmae\n               ^')
  })

  await test.step('a wrong column is underlined in the editor, on exactly the name Postgres points at', async () => {
    const box = await runSql(page, 1, 'select nmae from users;')
    await expect(box.getByRole('alert')).toContainText('ERROR: column "nmae" does not exist')
    await expect(box.locator('.cm-lintRange-error')).toHaveText('nmae')
    // the underline fits the SQL that ran: the first edit takes it away, the caret output stays
    const editor = box.getByRole('textbox', { name: 'SQL' })
    await editor.press('End')
    await editor.press('Backspace')
    await expect(box.locator('.cm-lintRange-error')).toHaveCount(0)
    await expect(box.getByRole('alert')).toContainText('SQLSTATE 42703')
  })

  await test.step('the underline lands on the failing statement of a script, counting characters as Postgres does', async () => {
    // the elephant is one character to Postgres and two UTF-16 units to JavaScript
    const box = await runSql(page, 1, "select 1;\nselect '🐘' as elephant, users.nmae\nfrom users;")
    await expect(box.getByRole('alert')).toContainText('column users.nmae does not exist')
    await expect(box.locator('.cm-lintRange-error')).toHaveText('users.nmae')
  })
})

test('a runaway query is stopped, the page stays responsive, and the database answers again', async ({
  page,
}) => {
  await openPlayground(page)
  // pg_sleep inside a simulation is modelled time; this keeps Postgres itself busy
  const box = await runSql(page, 2, 'select count(*) from generate_series(1, 10000000000)')
  await expect(box.getByText('Running…')).toBeVisible()
  // the main thread is free while Postgres is busy: the theme toggle still reacts
  const toggle = page.getByRole('button', { name: 'Dark theme' })
  const before = await toggle.getAttribute('aria-pressed')
  await toggle.click()
  await expect(toggle).not.toHaveAttribute('aria-pressed', before ?? '')
  await box.getByRole('button', { name: 'Stop' }).click()
  await expect(box.getByRole('alert')).toContainText('Cancelled: canceling statement due to user request')
  await runSql(page, 2, 'select count(*) as users from users')
  await expect(box.getByRole('cell')).toHaveText(['200'])
})

test('an unbounded recursive query is stopped too, and earlier changes survive the stop', async ({
  page,
}) => {
  await openPlayground(page)
  const box = await runSql(
    page,
    0,
    "insert into users (name, email) values ('Edgar Codd', 'ted@example.org')",
  )
  await expect(box).toContainText('INSERT 0 1')
  const runaway = consoles(page).nth(2)
  await runaway.getByRole('button', { name: 'Run' }).click()
  await expect(runaway.getByText('Running…')).toBeVisible()
  await runaway.getByRole('button', { name: 'Stop' }).click()
  await expect(runaway.getByRole('alert')).toContainText('SQLSTATE 57014')
  await runSql(page, 0, "select name from users where email = 'ted@example.org'")
  await expect(box.getByRole('cell')).toHaveText(['Edgar Codd'])
})

// it allocates as it goes and Postgres never checks for a cancel inside it; left alone it ends
// after seconds with 53200 (out of memory)
const allocating = "select length(string_agg(repeat('x', 10000), '')) from generate_series(1, 1000000)"

test('a statement that allocates without checking for a cancel is stopped too, and the database answers again', async ({
  page,
}) => {
  await openPlayground(page)
  const box = await runSql(page, 2, allocating)
  await expect(box.getByText('Running…')).toBeVisible()
  await box.getByRole('button', { name: 'Stop' }).click()
  await expect(box.getByRole('alert')).toContainText('Cancelled: canceling statement due to user request')
  await runSql(page, 2, 'select count(*) as users from users')
  await expect(box.getByRole('cell')).toHaveText(['200'])
})
