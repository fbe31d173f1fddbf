import { expect, test } from './fixtures'

test('the index says who it is for and what is simulated, where to start, and lists the whole course with what is coming', async ({
  page,
}) => {
  await page.goto('/')
  await expect(page.getByRole('main')).toContainText('For developers who write migrations')
  await expect(page.getByRole('region', { name: 'What is real, and what is simulated' })).toContainText(
    'Simulated: time, traffic',
  )
  await expect(page.getByRole('link', { name: /^Start with lesson 0/ })).toHaveAttribute(
    'href',
    '/learn/playground',
  )
  const lessons = page.getByRole('region', { name: 'The course' })
  // lessons 0 to 15, numbered as the curriculum numbers them: the unwritten ones are coming
  await expect(lessons.getByRole('listitem')).toHaveCount(16)
  await expect(lessons.locator('[data-coming]')).toHaveCount(16 - (await lessons.getByRole('link').count()))
  await expect(lessons.locator('[data-coming]').first()).toContainText('Adding columns')
  await expect(lessons.locator('[data-coming]').first()).toContainText('coming')
  const first = lessons.getByRole('listitem').first()
  await expect(first.getByRole('link', { name: 'A real Postgres in your browser' })).toBeVisible()
  await expect(first).toContainText('Query the playground')
  await expect(first).toContainText('5 min')
  await first.getByRole('link').click()
  await expect(page).toHaveURL(/\/learn\/playground$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A real Postgres in your browser')
})

test('an unknown lesson gets a real 404 page', async ({ page, pageWatch }) => {
  pageWatch.expectNotFound('/learn/no-such-lesson')
  const response = await page.goto('/learn/no-such-lesson')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await page.getByRole('link', { name: 'See all lessons' }).click()
  await expect(page.getByRole('region', { name: 'The course' })).toBeVisible()
})

test.describe('a step’s deep link on a wide screen', () => {
  test.use({ viewport: { width: 1400, height: 900 } })

  test('with a trailing slash, as docs tools write it, opens the step, and the prose where the step begins', async ({
    page,
  }) => {
    await page.goto('/learn/lock-queue/upgrade/')
    await expect(page).toHaveURL(/\/learn\/lock-queue\/upgrade$/)
    const workbench = page.getByRole('region', { name: 'Workbench' })
    await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 30_000 })
    await expect(page.getByRole('heading', { name: 'Step 3: FAIL FAIL FAIL' })).toBeInViewport()
  })

  test('in a lesson without step headings, opens the prose right after the step before it', async ({
    page,
  }) => {
    await page.goto('/learn/expand-contract/expand')
    const workbench = page.getByRole('region', { name: 'Workbench' })
    await expect(workbench.getByRole('status').first()).toContainText('Live: step 2', { timeout: 30_000 })
    await expect(page.getByText('is the migration of 0.1.1. The editor holds the shortcut')).toBeInViewport()
  })
})

test('the lesson text is in the page before any script runs, with the database still starting', async ({
  request,
}) => {
  const html = await (await request.get('/learn/playground')).text()
  expect(html).toContain('Every lesson in Cutover runs against a real PostgreSQL 18')
  expect(html).toContain('Starting the database…')
})

test('the theme toggle switches to dark and the choice survives a reload', async ({ page }) => {
  await page.goto('/')
  const toggle = page.getByRole('button', { name: 'Dark theme' })
  const initial = await toggle.getAttribute('aria-pressed')
  await toggle.click()
  const chosen = initial === 'true' ? 'light' : 'dark'
  await expect(page.locator('html')).toHaveAttribute('data-theme', chosen)
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', chosen)
})

test('every lesson fits a phone’s width: long code and wide tables scroll in their blocks, not the page', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 375, height: 800 })
  await page.goto('/')
  const links = await page.getByRole('region', { name: 'The course' }).getByRole('link').all()
  const paths = await Promise.all(links.map((link) => link.getAttribute('href')))
  expect(paths.length).toBeGreaterThan(1)
  for (const path of paths) {
    await page.goto(path ?? '/')
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    const widths = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ])
    expect({ path, scrollWidth: widths[0] }).toEqual({ path, scrollWidth: widths[1] })
  }
})

test('the embedding page, the statement reference, an embed and the audience window fit a 375 px screen, as a narrow iframe would be', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 375, height: 800 })
  for (const path of [
    '/embedding',
    '/reference/locks',
    '/embed/split-column/canary?panels=traffic,versions,terminal,sessions,deploy,audit',
    '/present/split-column/audience',
  ]) {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    if (path.startsWith('/embed/'))
      await expect(page.getByRole('region', { name: 'Workbench' }).getByRole('status').first()).toContainText(
        'Live:',
        { timeout: 60_000 },
      )
    const widths = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ])
    expect({ path, scrollWidth: widths[0] }).toEqual({ path, scrollWidth: widths[1] })
  }
})
