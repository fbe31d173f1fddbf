// What the benchmark's measures wait for in a lesson page.
import type { Page } from '@playwright/test'

/** Waits until the lesson's workbench says "Live": its database open and its traffic flowing. */
export async function waitUntilLive(page: Page, timeoutMs = 60_000): Promise<void> {
  await page
    .getByRole('region', { name: 'Workbench' })
    .getByRole('status')
    .filter({ hasText: 'Live: step' })
    .first()
    .waitFor({ timeout: timeoutMs })
}
