// throwaway: screenshots of lesson pages for a visual check (not committed)
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from './scripts/chromium.mjs'
const base = process.argv[2]
const pages = process.argv.slice(3)
const browser = await chromium.launch(chromiumLaunchOptions())
for (const [w, h, tag] of [[1400, 900, 'wide'], [390, 844, 'phone']]) {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme })
    const page = await context.newPage()
    for (const path of pages) {
      await page.goto(base + path)
      await page.getByRole('region', { name: 'Workbench' }).getByRole('status').first().waitFor()
      await page.waitForFunction(() => document.body.innerText.includes('Live: step'), null, { timeout: 30000 }).catch(() => {})
      const name = path.replace(/\//g, '_')
      await page.screenshot({ path: `/tmp/shots/${name}-${tag}-${scheme}.png`, fullPage: false })
    }
    await context.close()
  }
}
await browser.close()
