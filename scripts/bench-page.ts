// What the benchmark's measures wait for in a lesson page.
import type { Page } from '@playwright/test'

/**
 * Waits until the lesson's workbench is live (its database open, the simulation opened at its
 * step, traffic flowing) and returns when that was, in ms from the start of navigation: the
 * page's own `cutover:live` mark, set as the workbench first renders "Live". Read in the page,
 * not timed from here, so the figure carries no polling delay of the test driver (a locator's
 * wait noticed the text up to 400 ms late).
 */
export async function liveAfterMs(page: Page, timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    () => performance.getEntriesByName('cutover:live')[0]?.startTime,
    null,
    {
      timeout: timeoutMs,
    },
  )
  return (await handle.jsonValue()) as number
}
