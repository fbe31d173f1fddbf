import { expect, test } from './fixtures'

test('the statement reference lists what each statement locks, as the real server showed it, and links to one row', async ({
  page,
}) => {
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Statement locks' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What each statement locks')
  await expect(page.getByText(/ran on a real PostgreSQL 18\.\d+/)).toBeVisible()
  const table = page.getByRole('region', { name: 'Statements and their locks' })
  expect(await table.getByRole('row').count()).toBeGreaterThan(30)
  // the concurrent build: it blocks nobody, an idle writer stops it, and its failure leaves an INVALID index
  await page.goto('/reference/locks#create-index-concurrently')
  const row = page.locator('tr#create-index-concurrently')
  await expect(row).toContainText('SHARE UPDATE EXCLUSIVE on accounts')
  await expect(row).toContainText('blocked: 55P03')
  await expect(row).toContainText('accounts_balance (INVALID index)')
  await expect(row).toContainText('✓ agrees')
  // what the simulator cannot model says so
  await expect(page.locator('tr#detach-partition-concurrently')).toContainText('~ not modelled')
})
