import { expect, test } from './fixtures'
import { endpointCell, focusTerminal, terminalText } from './workbench-helpers'

test('the presenter drives from the keyboard and the audience window stays in step, terminal and all', async ({
  page,
  context,
}) => {
  test.setTimeout(150_000)
  await page.goto('/present/two-versions')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1', { timeout: 30_000 })
  await workbench.getByRole('button', { name: '10×' }).click()

  // the speaker notes show for the step at hand only
  const notes = page.getByRole('complementary', { name: 'Speaker notes' })
  await expect(notes.locator('[data-step="serve"]')).toBeVisible()
  await expect(notes.locator('[data-step="expand"]')).toBeHidden()

  // typed before the audience window opens: it is replayed there
  const terminal = await focusTerminal(workbench)
  await page.keyboard.type('status')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain('traffic')
  await page.keyboard.press('Escape')

  const audience = await context.newPage()
  await audience.goto('/present/two-versions/audience')
  const heading = audience.getByRole('heading', { level: 1 })
  await expect(heading).toHaveText('Step 1 of 7: v0.1.0 serves the shop')
  await expect(page.getByText('Audience window: in step')).toBeVisible()
  const mirrored = audience.getByTestId('terminal')
  await expect(mirrored).toHaveAttribute('data-ready', 'true')
  await expect.poll(() => terminalText(mirrored)).toContain('traffic')
  await expect(audience.getByText('Speaker notes')).toHaveCount(0)

  // R runs the step; the verdict and the green cell appear in both windows
  await page.locator('body').press('r')
  await expect(page.getByText('✓ Passed: step 1')).toBeVisible({ timeout: 60_000 })
  await expect(audience.getByText('✓ Passed: step 1')).toBeVisible()
  await expect(endpointCell(audience.locator('body'), 'v0.1.0', 'mutation productCreate')).toHaveAttribute(
    'data-state',
    'ok',
  )
  await expect(heading).toHaveText('Step 2 of 7: 0.1.1’s migration, while v0.1.0 runs')
  await expect(notes.locator('[data-step="expand"]')).toBeVisible()
  await expect(notes.locator('[data-step="serve"]')).toBeHidden()

  // → and ← move between steps, the audience following
  await page.locator('body').press('ArrowRight')
  await expect(heading).toHaveText('Step 3 of 7: Roll out v0.1.1 to half the servers', { timeout: 30_000 })
  await page.locator('body').press('ArrowLeft')
  await expect(heading).toHaveText('Step 2 of 7: 0.1.1’s migration, while v0.1.0 runs', { timeout: 30_000 })
  await expect(audience.getByRole('region', { name: 'The step’s SQL' })).toContainText('alter table product')

  // Space pauses the traffic, in both windows' clocks
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2')
  await page.locator('body').press(' ')
  await expect(workbench.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true')
  await expect(audience.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true')

  await page.locator('body').press('p')
  await expect(audience.getByRole('button', { name: '10×' })).toHaveAttribute('aria-pressed', 'true')

  // what the presenter types now is drawn in the audience's terminal as it happens
  await focusTerminal(workbench)
  await page.keyboard.type('select 6 * 7 as answer;')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(mirrored), { timeout: 30_000 }).toContain('42')

  // the presenter's window closing is said, not left as a frozen picture
  await page.close()
  await expect(
    audience.getByRole('status').filter({ hasText: 'The presenter’s window closed' }),
  ).toBeVisible()
})
