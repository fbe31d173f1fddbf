import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './scripts/chromium.mjs'

const port = Number(process.env.CUTOVER_TEST_PORT ?? 3210)

export default defineConfig({
  testDir: 'tests/e2e',
  // each test gets a fresh page and its own database worker; two cores run two at once, and
  // any two: a file's tests share nothing, so a long file does not keep one core to itself
  workers: 2,
  fullyParallel: true,
  retries: 0,
  // a test opens one lesson or more, each a real Postgres in a worker, two tests at once on two
  // cores while the browser keeps each page's offline copy: 30 s was too close (a clean-clone
  // run had a test end at 29.8 s and one at 32 s); the waits inside keep their own limits
  timeout: 60_000,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: '.cutover/e2e-results.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node --import tsx scripts/serve.ts --port ${port}`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
  },
})
