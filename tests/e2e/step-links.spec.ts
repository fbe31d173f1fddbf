import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures'

// One step of each lesson, and where its prose begins: a deep link must show that prose and the
// step's controls together, beside each other on a wide screen, the prose over the step dock on
// a phone
const links: { path: string; number: number; prose: (page: Page) => Locator }[] = [
  {
    path: '/learn/playground/index-totals',
    number: 2,
    prose: (page) => page.locator('.lesson-prose li').filter({ hasText: /^Step 2, index the order totals/ }),
  },
  {
    path: '/learn/two-versions/tighten',
    number: 6,
    prose: (page) => page.getByRole('heading', { name: "Step 6: 0.2's migration, once only v0.1.1 runs" }),
  },
  {
    path: '/learn/database-goes-away/recover',
    number: 3,
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 3 starts the database again/ }),
  },
  {
    path: '/learn/lock-queue/upgrade-again',
    number: 6,
    prose: (page) => page.getByRole('heading', { name: 'Step 6: FAIL FAIL FAIL AGAIN' }),
  },
  {
    path: '/learn/expand-contract/created-at',
    number: 8,
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 8 hands/ }),
  },
  {
    path: '/learn/split-column/dual-write',
    number: 7,
    prose: (page) => page.getByRole('heading', { name: 'Step 7: v2.0.1 writes both' }),
  },
  {
    path: '/learn/release-discipline/deploy-1-1-0',
    number: 5,
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 5 deploys v1.1.0/ }),
  },
]

for (const viewport of [
  { name: 'a laptop', width: 1440, height: 900, controls: 'the workbench' },
  { name: 'a phone', width: 390, height: 844, controls: 'the step dock' },
]) {
  test.describe(`on ${viewport.name} (${viewport.width}×${viewport.height})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } })

    test(`a step’s link in every lesson shows the step’s prose and ${viewport.controls}’s Run for it together`, async ({
      page,
    }) => {
      test.setTimeout(180_000)
      for (const link of links) {
        await page.goto(link.path)
        const workbench = page.getByRole('region', { name: 'Workbench' })
        await expect(workbench.getByRole('status').first()).toContainText(`Live: step ${link.number} of`, {
          timeout: 60_000,
        })
        await expect(link.prose(page), link.path).toBeInViewport()
        const run =
          viewport.width < 1100
            ? page
                .getByRole('region', { name: 'Step at hand' })
                .getByRole('button', { name: `Run step ${link.number}` })
            : workbench.getByRole('button', { name: 'Run step', exact: true })
        await expect(run, link.path).toBeInViewport()
        // on a phone the dock covers the foot of the screen: the prose must begin above it
        if (viewport.width < 1100) {
          const dockTop = (await page.getByRole('region', { name: 'Step at hand' }).boundingBox())?.y ?? 0
          const proseTop = (await link.prose(page).boundingBox())?.y ?? Infinity
          expect(proseTop, link.path).toBeLessThan(dockTop)
        }
      }
    })
  })
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the step dock runs the step at hand, and says how it ended', async ({ page }) => {
    test.setTimeout(90_000)
    await page.goto('/learn/playground')
    const workbench = page.getByRole('region', { name: 'Workbench' })
    await expect(workbench.getByRole('status').first()).toContainText('Live: step 1 of', { timeout: 60_000 })
    const dock = page.getByRole('region', { name: 'Step at hand' })
    await expect(dock).toContainText('Step 1 of 9: v1.0.0 serves the shop')
    await dock.getByRole('button', { name: 'Run step 1' }).click()
    await expect(dock).toContainText('Step 2 of 9: Index the order totals', { timeout: 60_000 })
    await expect(dock).toContainText('step 1 passed')
    await expect(dock.getByRole('button', { name: 'Naive way' })).toBeVisible()
    await dock.getByRole('link', { name: 'Edit the SQL' }).click()
    await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toBeInViewport()
  })
})
