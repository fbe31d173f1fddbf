import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { embedEventSchema } from '../../app/_components/embed/embed-protocol'
import { expect, test } from './fixtures'

// A documentation site on another origin: a page of its own with a step's frame in it (the
// frame as `frameHtml` writes it, given the site's origin), which records every message the
// frame sends and can send the frame commands.
async function serveDocsPage(
  frameOrigin: string,
  frameHtml: (hostOrigin: string) => string,
): Promise<{ server: Server; origin: string }> {
  let html = ''
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  html = `<!doctype html><html><head><title>Docs</title></head><body>
<h1>Our deploy guide</h1>
<div style="width: 720px">${frameHtml(origin)}</div>
<script>
  window.received = []
  window.addEventListener('message', (event) => {
    if (event.origin === ${JSON.stringify(frameOrigin)}) window.received.push(event.data)
  })
  window.send = (message) =>
    document.querySelector('iframe').contentWindow.postMessage(message, ${JSON.stringify(frameOrigin)})
</script></body></html>`
  return { server, origin }
}

// The docs page with a plain frame of the step at `frameUrlFor(its origin)`
function serveHostPage(frameUrlFor: (hostOrigin: string) => string) {
  const frameOriginOf = (hostOrigin: string) => new URL(frameUrlFor(hostOrigin)).origin
  return serveDocsPage(
    frameOriginOf('http://127.0.0.1'),
    (hostOrigin) =>
      `<iframe id="step" title="Cutover step" src="${frameUrlFor(hostOrigin)}" style="width:100%;height:900px;border:0"></iframe>`,
  )
}

// The docs page with the snippet exactly as the /embedding page's builder writes it: the frame
// and the course's resize script
function serveSnippetPage(snippet: string, frameOrigin: string) {
  return serveDocsPage(frameOrigin, () => snippet)
}

interface Received {
  type: string
  [key: string]: unknown
}

async function received(page: Page, type?: string): Promise<Received[]> {
  const all = (await page.evaluate('window.received')) as Received[]
  return all.filter((event) => event.type !== 'resize' && (type === undefined || event.type === type))
}

async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((body) => (window as unknown as { send(message: unknown): void }).send(body), message)
}

// the frame answers in order, so an answer to `status` comes after every message sent before it
async function askStatus(page: Page): Promise<unknown> {
  const before = (await received(page, 'status')).length
  await send(page, { source: 'cutover-host', version: 1, type: 'status' })
  await expect.poll(async () => (await received(page, 'status')).length).toBe(before + 1)
  return (await received(page, 'status')).at(-1)?.state
}

test('a step embedded on another origin tells its host ready, run and passed, and ignores malformed messages', async ({
  page,
  baseURL,
  pageWatch,
}) => {
  test.setTimeout(120_000)
  const { server, origin } = await serveHostPage(
    () => `${baseURL}/embed/two-versions/serve?panels=traffic,versions,audit`,
  )
  pageWatch.allowOrigin(origin)
  try {
    await page.goto(`${origin}/`)
    const frame = page.frameLocator('#step')
    await expect(frame.getByRole('heading', { name: 'Step 1: v0.1.0 serves the shop' })).toBeVisible()
    await expect(frame.getByRole('link', { name: 'Open the full lesson ↗' })).toHaveAttribute(
      'href',
      '/learn/two-versions/serve',
    )
    // no site chrome, and only the panels asked for
    await expect(frame.getByRole('link', { name: 'Cutover' })).toHaveCount(0)
    await expect(frame.getByRole('navigation', { name: 'Steps' })).toHaveCount(0)
    await expect(frame.getByRole('region', { name: 'Audit log' })).toBeVisible()
    await expect(frame.getByRole('region', { name: 'Terminal' })).toHaveCount(0)

    await expect
      .poll(() => received(page, 'ready'), { timeout: 30_000 })
      .toEqual([
        {
          source: 'cutover',
          version: 1,
          lesson: 'two-versions',
          step: 'serve',
          type: 'ready',
          title: 'v0.1.0 serves the shop',
        },
      ])
    await frame.getByRole('button', { name: '10×' }).click()

    // a run asked for in any malformed way is not taken: the step has not started
    for (const malformed of [
      '{"source":"cutover-host","version":1,"type":"run"}',
      { type: 'run' },
      { source: 'cutover-host', version: 1, type: 'run', sql: 'drop table orders' },
      { source: 'cutover-host', version: 2, type: 'run' },
      { source: 'cutover-host', version: 1, type: 'deploy' },
    ])
      await send(page, malformed)
    expect(await askStatus(page)).toBe('not run')
    await expect(frame.getByRole('button', { name: 'Run step' })).toBeEnabled()
    expect(await received(page, 'step-run')).toEqual([])

    await send(page, { source: 'cutover-host', version: 1, type: 'run' })
    await expect.poll(() => received(page, 'step-passed'), { timeout: 60_000 }).toHaveLength(1)
    const runs = await received(page, 'step-run')
    expect(runs).toEqual([
      {
        source: 'cutover',
        version: 1,
        lesson: 'two-versions',
        step: 'serve',
        type: 'step-run',
        outcome: 'passed',
        how: 'yours',
        claims: { held: expect.any(Number), total: expect.any(Number) },
      },
    ])
    expect(runs[0].claims).toEqual({
      held: (runs[0].claims as { total: number }).total,
      total: expect.any(Number),
    })
    await expect(frame.getByText('✓ Passed: step 1')).toBeVisible()

    // a malformed reset leaves the passed step as it is; a well-formed one resets it
    await send(page, { source: 'cutover-host', version: 1, type: 'reset', step: 'expand' })
    await send(page, { source: 'other', version: 1, type: 'reset' })
    expect(await askStatus(page)).toBe('passed')
    await send(page, { source: 'cutover-host', version: 1, type: 'reset' })
    await expect.poll(() => received(page, 'reset'), { timeout: 30_000 }).toHaveLength(1)
    expect(await askStatus(page)).toBe('not run')
    await expect(frame.getByText('✓ Passed: step 1')).toHaveCount(0)

    // nothing of the learner's leaves the frame: every event is one of the documented shapes
    // (the schemas are strict: a field of its own, such as the SQL, fails them)
    for (const event of (await page.evaluate('window.received')) as Received[])
      expect(embedEventSchema.safeParse(event).error?.issues ?? []).toEqual([])
  } finally {
    server.close()
  }
})

test('the builder’s snippet on another origin: the frame takes its content’s height, and stop and reset end a running step', async ({
  page,
  baseURL,
  pageWatch,
}) => {
  test.setTimeout(120_000)
  await page.goto('/embedding')
  await page.getByLabel('Lesson').selectOption('lock-queue')
  await page.getByLabel('Step').selectOption('upgrade')
  const snippet = await page.getByLabel('Paste this into your page').inputValue()
  expect(snippet).toContain(`<script src="${baseURL}/embed-resize.js" async></script>`)
  const { server, origin } = await serveSnippetPage(snippet, new URL(baseURL!).origin)
  pageWatch.allowOrigin(origin)
  try {
    await page.goto(`${origin}/`)
    await expect.poll(() => received(page, 'ready'), { timeout: 30_000 }).toHaveLength(1)
    // the frame is as tall as its content says, from the script of the course's origin
    const lastResize = async () =>
      ((await page.evaluate('window.received')) as Received[])
        .filter((event) => event.type === 'resize')
        .at(-1)?.height as number | undefined
    const frameHeight = () =>
      page.evaluate(() => document.querySelector('iframe')!.getBoundingClientRect().height)
    await expect
      .poll(async () => Math.abs((await frameHeight()) - ((await lastResize()) ?? -100)))
      .toBeLessThan(1.5)

    // lock-queue's upgrade, as the step starts, freezes behind the idle page: it runs on until stopped
    await send(page, { source: 'cutover-host', version: 1, type: 'run' })
    await expect.poll(() => askStatus(page), { timeout: 30_000 }).toBe('running')
    await send(page, { source: 'cutover-host', version: 1, type: 'stop' })
    await expect
      .poll(async () => (await received(page, 'step-run')).map((event) => event.outcome), { timeout: 30_000 })
      .toEqual(['cancelled'])

    await send(page, { source: 'cutover-host', version: 1, type: 'run' })
    await expect.poll(() => askStatus(page), { timeout: 30_000 }).toBe('running')
    await send(page, { source: 'cutover-host', version: 1, type: 'reset' })
    await expect.poll(() => received(page, 'reset'), { timeout: 30_000 }).toHaveLength(1)
    await expect.poll(() => askStatus(page)).toBe('not run')
  } finally {
    server.close()
  }
})

test('an embed’s options are read with a schema: a wrong one is named and none of them is used', async ({
  page,
}) => {
  await page.goto('/embed/two-versions/serve?panels=traffic,chat&theme=dark')
  const problem = page.getByRole('alert').filter({ hasText: 'options' })
  await expect(problem).toContainText('This embed’s options were not used')
  await expect(problem).toContainText('panels.1: no panel is called "chat"')
  // the defaults instead: the terminal shows, and the theme is not forced dark
  await expect(page.getByRole('region', { name: 'Terminal' })).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined()

  await page.goto('/embed/two-versions/serve?theme=dark&panels=sessions&traffic=paused')
  await expect(page.getByRole('region', { name: 'Sessions and locks' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Terminal' })).toHaveCount(0)
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true', {
    timeout: 30_000,
  })

  await page.goto('/embed/two-versions/serve?panels=traffic&speed=10')
  await expect(page.getByRole('button', { name: '10×' })).toHaveAttribute('aria-pressed', 'true', {
    timeout: 30_000,
  })
})

test('an embed told its host’s origin talks to that origin only', async ({ page, baseURL, pageWatch }) => {
  test.setTimeout(90_000)
  const { server, origin } = await serveHostPage(
    (hostOrigin) =>
      `${baseURL}/embed/two-versions/serve?panels=traffic&origin=${encodeURIComponent(hostOrigin)}`,
  )
  pageWatch.allowOrigin(origin)
  try {
    await page.goto(`${origin}/`)
    await expect.poll(() => received(page, 'ready'), { timeout: 30_000 }).toHaveLength(1)
    expect(await askStatus(page)).toBe('not run')
  } finally {
    server.close()
  }

  // the same frame told another origin: none of its events reaches this page, though it posted
  // ready long before the step ran, and step-run and step-passed before its verdict showed
  const elsewhere = await serveHostPage(
    () => `${baseURL}/embed/two-versions/serve?panels=traffic&origin=https://docs.example.com`,
  )
  pageWatch.allowOrigin(elsewhere.origin)
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })
  try {
    await page.goto(`${elsewhere.origin}/`)
    const frame = page.frameLocator('#step')
    await expect(frame.getByRole('status').filter({ hasText: 'Live: step 1' })).toBeVisible({
      timeout: 30_000,
    })
    await frame.getByRole('button', { name: '10×' }).click()
    await frame.getByRole('button', { name: 'Run step' }).click()
    await expect(frame.getByText('✓ Passed: step 1')).toBeVisible({ timeout: 60_000 })
    expect(await received(page)).toEqual([])
    // the frame says why, in the console a host's author looks at
    expect(
      warnings.some((text) =>
        text.includes('the origin option is https://docs.example.com, but this frame is in a page of'),
      ),
    ).toBe(true)
  } finally {
    elsewhere.server.close()
  }
})
