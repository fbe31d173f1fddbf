import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { expect, test } from './fixtures'
import { createStaticServer } from '../../scripts/static-server.mjs'

// A server of its own, for this test to stop: the suite's server goes on for the others.
async function serveOut() {
  const server = createStaticServer({ root: join(process.cwd(), 'out') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const stop = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  // localhost: a service worker needs a secure context, which plain http on localhost is
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, stop }
}

test('a lesson opened once opens and goes Live again with the server stopped, from the copy the service worker kept; removing the copy forgets it', async ({
  browser,
}) => {
  // a cold first visit, the copy kept, then a second visit from it
  test.setTimeout(120_000)
  const server = await serveOut()
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(`${server.origin}/learn/lock-queue`)
    const status = (on: typeof page) =>
      on.getByRole('region', { name: 'Workbench' }).getByRole('status').first()
    await expect(status(page)).toContainText('Live: step 1', { timeout: 60_000 })
    // kept once the lesson is live: its files come again, from the HTTP cache
    await expect(page.locator('html')).toHaveAttribute('data-offline', 'kept', { timeout: 60_000 })
    await expect(
      page.getByText('The lessons you open are kept on this device and work offline.'),
    ).toBeVisible()

    await server.stop()
    const offline = await context.newPage()
    await offline.goto(`${server.origin}/learn/lock-queue`)
    await expect(status(offline)).toContainText('Live: step 1', { timeout: 60_000 })
    // and the lesson goes on: its first step runs and passes under traffic, offline
    const workbench = offline.getByRole('region', { name: 'Workbench' })
    await workbench.getByRole('button', { name: 'Run step' }).click()
    await expect(workbench.locator('li[data-state="passed"]')).toHaveCount(1, { timeout: 30_000 })

    // a page this browser never opened (nor prefetched, as the lesson's links are) says so,
    // instead of the browser's own error
    await offline.goto(`${server.origin}/learn/split-column/all-v2-again`)
    await expect(
      offline.getByRole('heading', { name: 'This page is not saved for offline use' }),
    ).toBeVisible()

    await offline.goto(`${server.origin}/learn/lock-queue`)
    await offline.getByRole('button', { name: 'Remove the offline copy' }).click()
    await expect(offline.locator('html')).not.toHaveAttribute('data-offline', 'kept')
    expect(
      await offline.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('cutover-'))),
    ).toEqual([])
    expect(
      await offline.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
    ).toBe(0)
    // with nothing kept and no server, the lesson is gone
    await expect(offline.goto(`${server.origin}/learn/lock-queue`)).rejects.toThrow(/ERR_CONNECTION_REFUSED/)
  } finally {
    await context.close()
    await server.stop().catch(() => undefined)
  }
})
