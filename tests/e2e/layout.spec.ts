import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { openPresenterAndAudience } from './workbench-helpers'

// Every main route, as a learner, a docs reader and a class see it
const routes = [
  '/',
  '/reference/locks',
  '/embedding',
  '/learn/playground',
  '/learn/lock-queue/upgrade',
  '/learn/expand-contract/backfill',
  '/learn/release-discipline',
  '/embed/lock-queue/upgrade',
  '/present/lock-queue',
]

const isLive = (path: string) =>
  path.startsWith('/learn/') || path.startsWith('/embed/') || path.startsWith('/present/')

/**
 * What is cut off: an element that reaches past the window's right edge, or past an ancestor
 * that clips it (overflow hidden or clip), with no scrolling box between them to reach it by.
 */
function findCutOff(page: Page): Promise<{ scrollsSideways: boolean; cutOff: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const cutOff: string[] = []
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect()
      if (box.width === 0 || box.height === 0) continue
      let limit = width
      for (
        let ancestor = element.parentElement;
        ancestor && ancestor !== document.body;
        ancestor = ancestor.parentElement
      ) {
        const overflow = getComputedStyle(ancestor).overflowX
        if (overflow === 'auto' || overflow === 'scroll') {
          limit = Infinity
          break
        }
        if (overflow === 'hidden' || overflow === 'clip') {
          // a box of 1 px that hides its content on purpose (visually hidden text) cuts nothing a reader sees
          if (ancestor.getBoundingClientRect().width <= 1) limit = Infinity
          else limit = Math.min(limit, ancestor.getBoundingClientRect().right)
          break
        }
      }
      if (box.right > limit + 1) {
        const name = `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`
        cutOff.push(`${name}: right edge at ${Math.round(box.right)} px, room to ${Math.round(limit)} px`)
      }
    }
    return { scrollsSideways: document.documentElement.scrollWidth > width, cutOff }
  })
}

for (const viewport of [
  { name: 'a projector', width: 1280, height: 720 },
  { name: 'a phone', width: 375, height: 800 },
]) {
  test.describe(`on ${viewport.name} (${viewport.width}×${viewport.height})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } })

    test('no main route scrolls sideways or cuts anything off, once it is live', async ({ page }) => {
      test.setTimeout(180_000)
      for (const path of routes) {
        await page.goto(path)
        if (isLive(path))
          await expect(
            page.getByRole('region', { name: 'Workbench' }).getByRole('status').first(),
          ).toContainText('Live:', { timeout: 60_000 })
        else await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible()
        const { scrollsSideways, cutOff } = await findCutOff(page)
        expect.soft(scrollsSideways, `${path} scrolls sideways`).toBe(false)
        expect.soft(cutOff, `${path} cuts off`).toEqual([])
      }
    })

    test('the audience window draws the presenter’s terminal inside its box', async ({ page, context }) => {
      const audience = await openPresenterAndAudience(page, context)
      await expect(audience.getByTestId('terminal')).toHaveAttribute('data-ready', 'true')
      await expect(audience.getByTestId('terminal')).toContainText('postgres=>')
      const { scrollsSideways, cutOff } = await findCutOff(audience)
      expect(scrollsSideways).toBe(false)
      expect(cutOff).toEqual([])
    })
  })
}
