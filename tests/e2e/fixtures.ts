import { expect, test as base } from '@playwright/test'

/** Watches every page of a test; a test that visits a missing page on purpose says so. */
export interface PageWatch {
  /** The browser logs a 404 as a console error; this one is expected. */
  expectNotFound(path: string): void
  /** A page of another origin the test itself serves (an embed's host page). */
  allowOrigin(origin: string): void
}

/**
 * Every page in every spec is watched: a console error, an uncaught exception or a request
 * to any host but our own fails the test that caused it.
 */
export const test = base.extend<{ pageWatch: PageWatch }>({
  pageWatch: [
    async ({ page, baseURL }, use) => {
      const problems: string[] = []
      const expectedMissing = new Set<string>()
      const allowedOrigins = new Set<string>()
      const origin = new URL(baseURL ?? 'http://localhost').origin
      page.on('console', (message) => {
        if (message.type() !== 'error') return
        const source = message.location().url
        const isExpected404 =
          message.text().includes('404') && source !== '' && expectedMissing.has(new URL(source).pathname)
        if (!isExpected404) problems.push(`console error: ${message.text()} (${source})`)
      })
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
      page.context().on('request', (request) => {
        const url = new URL(request.url())
        if (url.protocol.startsWith('http') && url.origin !== origin && !allowedOrigins.has(url.origin)) {
          problems.push(`request to another host: ${request.url()}`)
        }
      })
      await use({
        expectNotFound: (path) => expectedMissing.add(path),
        allowOrigin: (allowed) => allowedOrigins.add(allowed),
      })
      expect(problems).toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
