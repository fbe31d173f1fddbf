// Class mode in the benchmark: how long a presenter's action takes to reach students' pages,
// and how much memory the server holds for a class of a hundred. The course is served by the
// same script `npm start` runs, in its own process, so its memory is the server's alone.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { Browser, Page } from '@playwright/test'
import type { ClassEvent } from '../app/_components/class/class-protocol'
import { openClassStream } from './class-stream'

export interface ClassTimings {
  /** Presenter's key → the event at each of the simulated students, per action (all of them). */
  simulatedMs: number[]
  /** Presenter's key → the real student page's DOM showing it, per action. */
  pageMs: number[]
  students: number
  actions: number
  /** The server with the class open and its presenter publishing, before anyone joined. */
  idle: ServerMemory
  hundred: ServerMemory
}

const simulatedStudents = 25
const actions = 30
const crowd = 100

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
  return port
}

async function startServer(): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort()
  const args = ['--expose-gc', '--import', 'tsx', 'scripts/serve.ts', '--port', String(port)]
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('being served')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)))
  })
  return { origin: `http://127.0.0.1:${port}`, child }
}

export interface ServerMemory {
  rssMb: number
  /** The JavaScript heap and the buffers outside it, after a full collection. */
  heapMb: number
  streams: number
  keptBytes: number
}

/** What the server holds now: it prints it, after a full collection, when sent SIGUSR2 (serve.ts). */
async function serverMemory(child: ChildProcess): Promise<ServerMemory> {
  const line = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      const found = /server memory: (\{.*\})/.exec(chunk.toString())
      if (!found) return
      child.stdout!.off('data', onData)
      resolve(found[1]!)
    }
    child.stdout!.on('data', onData)
  })
  child.kill('SIGUSR2')
  const held = JSON.parse(await line) as {
    rss: number
    heapUsed: number
    external: number
    streams: number
    keptBytes: number
  }
  const mb = (bytes: number) => bytes / 1024 / 1024
  return {
    rssMb: mb(held.rss),
    heapMb: mb(held.heapUsed + held.external),
    streams: held.streams,
    keptBytes: held.keptBytes,
  }
}

/** A simulated student: a class stream read in Node, noting when each message arrived. */
async function simulatedStudent(
  origin: string,
  code: string,
  id: string,
  onEvent: (event: ClassEvent) => void,
) {
  const stream = await openClassStream(
    `${origin}/class/${code}/events?student=${id}&where=following`,
    onEvent,
  )
  return stream.close
}

const epochNow = () => performance.timeOrigin + performance.now()

export async function measureClass(browser: Browser): Promise<ClassTimings> {
  const { origin, child } = await startServer()
  const closers: (() => void)[] = []
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const presenter = await context.newPage()
    await presenter.goto(`${origin}/present/split-column`)
    await presenter.getByText('Live: step 1').first().waitFor({ timeout: 60_000 })
    await presenter.getByRole('button', { name: 'Open a class' }).click()
    const code = (await presenter.getByTestId('class-code').textContent()) ?? ''
    await presenter.waitForTimeout(5000)
    const idle = await serverMemory(child)
    // the presenter's key, timed where it lands
    await presenter.evaluate(() => {
      const times: number[] = []
      Object.assign(window, { keyTimes: times })
      window.addEventListener('keydown', () => times.push(performance.timeOrigin + performance.now()), {
        capture: true,
      })
    })

    // the simulated students note when each layout arrives; the real one when its page shows it
    const arrivals: { layout: string; atMs: number }[][] = []
    for (let index = 0; index < simulatedStudents; index++) {
      const seen: { layout: string; atMs: number }[] = []
      arrivals.push(seen)
      closers.push(
        await simulatedStudent(origin, code, `benchstudent${index}`, (event) => {
          if (event.kind === 'message' && event.message.kind === 'look')
            seen.push({ layout: event.message.look.layout, atMs: epochNow() })
        }),
      )
    }
    const studentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const student: Page = await studentContext.newPage()
    await student.goto(`${origin}/join?code=${code}`)
    await student.waitForURL(/audience\?class=/)
    await student.getByRole('heading', { level: 1, name: /^Step 1/ }).waitFor()
    await student.evaluate(() => {
      const shown: { layout: string; atMs: number }[] = []
      Object.assign(window, { layoutsShown: shown })
      const main = document.querySelector('main.audience')!
      new MutationObserver(() =>
        shown.push({
          layout: main.getAttribute('data-layout') ?? '',
          atMs: performance.timeOrigin + performance.now(),
        }),
      ).observe(main, { attributes: true, attributeFilter: ['data-layout'] })
    })

    // only what the keys below cause counts
    for (const seen of arrivals) seen.length = 0
    const simulatedMs: number[] = []
    const pageMs: number[] = []
    for (let action = 0; action < actions; action++) {
      // 2 and 4 alternate: the blocking chain large, the terminal large; every press changes the layout
      const [key, layout] = action % 2 === 0 ? ['2', 'locks'] : ['4', 'terminal']
      await presenter.locator('body').press(key)
      const pressedMs = (await presenter.evaluate(() =>
        (window as unknown as { keyTimes: number[] }).keyTimes.at(-1),
      ))!
      const deadline = Date.now() + 10_000
      while (arrivals.some((seen) => seen.length <= action) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5))
      for (const seen of arrivals) {
        const arrival = seen[action]
        if (arrival?.layout === layout) simulatedMs.push(arrival.atMs - pressedMs)
      }
      const shownMs = await student.evaluate(
        async ({ layout, count }) => {
          const shown = (window as unknown as { layoutsShown: { layout: string; atMs: number }[] })
            .layoutsShown
          for (let wait = 0; wait < 2000 && shown.length < count; wait++)
            await new Promise((r) => setTimeout(r, 5))
          const last = shown[count - 1]
          return last?.layout === layout ? last.atMs : undefined
        },
        { layout, count: action + 1 },
      )
      if (shownMs !== undefined) pageMs.push(shownMs - pressedMs)
    }
    await studentContext.close()
    for (const close of closers.splice(0)) close()

    // a hundred students join and report; the presenter's traffic keeps flowing meanwhile
    for (let index = 0; index < crowd; index++) {
      const id = `crowdstudent${index}`
      closers.push(await simulatedStudent(origin, code, id, () => undefined))
      await fetch(`${origin}/class/${code}/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ student: id, lesson: 'split-column', step: index % 5, outcome: 'passed' }),
      })
    }
    await presenter.waitForTimeout(10_000)
    const hundred = await serverMemory(child)
    await context.close()
    return {
      simulatedMs,
      pageMs,
      students: simulatedStudents,
      actions,
      idle,
      hundred,
    }
  } finally {
    for (const close of closers) close()
    child.kill()
  }
}
