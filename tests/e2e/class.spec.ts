import type { Browser, Page } from '@playwright/test'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { createStaticServer } from '../../scripts/static-server.mjs'
import { expect, test } from './fixtures'
import { step } from './workbench-helpers'

/** A student on their own device: a browser context of their own, its console watched. */
async function newStudent(browser: Browser, problems: string[], name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.on('pageerror', (error) => problems.push(`${name} uncaught: ${error.message}`))
  page.on('console', (message) => {
    // the forged publish below is refused on purpose, and the browser logs the refusal
    if (message.type() === 'error' && !/status of 40[13]/.test(message.text()))
      problems.push(`${name} console: ${message.text()}`)
  })
  return page
}

test('a class: five students follow the presenter live, one tries on their own and rejoins, and only the presenter leads', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000)
  const problems: string[] = []
  await page.goto('/present/two-versions')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1', { timeout: 30_000 })
  await workbench.getByRole('button', { name: '10×' }).click()

  await page.getByRole('button', { name: 'Open a class' }).click()
  const code = (await page.getByTestId('class-code').textContent()) ?? ''
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}$/)
  const roster = page.getByTestId('class-roster')
  await expect(roster).toHaveText('No student has joined yet')

  // five students join with the code; the first agrees to share how far they get
  const students: Page[] = []
  for (let index = 0; index < 5; index++) {
    const student = await newStudent(browser, problems, `student ${index + 1}`)
    await student.goto('/join')
    await student.getByLabel('Class code').fill(code.toLowerCase())
    if (index === 0) await student.getByLabel(/Tell the presenter which step I reach/).check()
    await student.getByRole('button', { name: 'Join' }).click()
    await expect(student).toHaveURL(new RegExp(`/present/two-versions/audience\\?class=${code}$`))
    students.push(student)
  }
  const headings = students.map((student) => student.getByRole('heading', { level: 1 }))
  for (const heading of headings) await expect(heading).toHaveText('Step 1 of 7: v0.1.0 serves the shop')
  await expect(roster).toHaveText('5 joined: 5 following, 0 trying on their own')

  // a run: every student sees its outcome; the step stays until the presenter goes on
  await page.locator('body').press('r')
  await expect(page.getByText('✓ Passed: step 1')).toBeVisible({ timeout: 60_000 })
  for (const student of students) await expect(student.getByText('✓ Passed: step 1')).toBeVisible()
  await page.locator('body').press('ArrowRight')
  for (const heading of headings) await expect(heading).toHaveText(/^Step 2 of 7: /)

  // an undo: every student is back at step 1, its verdict gone
  await workbench.getByRole('button', { name: 'Undo step 1' }).click()
  for (const heading of headings) await expect(heading).toHaveText(/^Step 1 of 7: /, { timeout: 30_000 })
  for (const student of students) await expect(student.getByText('✓ Passed: step 1')).toHaveCount(0)

  // a student cannot lead: a control message without the presenter's token, or with a made-up
  // one, is refused, and nobody's page moves
  const forged = await students[1]!.evaluate(async (classCode) => {
    const message = {
      channel: 'cutover-presenter',
      version: 1,
      lesson: 'two-versions',
      kind: 'view',
      view: { current: 6, sql: 'drop table product;' },
    }
    const send = (headers: Record<string, string>) =>
      fetch(`/class/${classCode}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ messages: [message] }),
      }).then((response) => response.status)
    return [await send({}), await send({ authorization: `Bearer ${'0'.repeat(64)}` })]
  }, code)
  expect(forged).toEqual([401, 403])
  for (const heading of headings) await expect(heading).toHaveText(/^Step 1 of 7: /)

  // the first student steps out to try step 1 themselves: the lesson, at that step
  const trying = students[0]!
  await trying.getByRole('link', { name: 'Try it yourself' }).click()
  await expect(trying).toHaveURL(/\/learn\/two-versions\/serve/)
  const classBar = trying.getByRole('complementary', { name: `Class ${code}` })
  await expect(classBar).toContainText('the presenter is at step 1, v0.1.0 serves the shop')
  // they agreed to share: the roster counts them at the step they opened, not yet run
  await expect(roster).toHaveText('5 joined: 4 following, 1 trying on their own · 1 at step 1, not run')
  const ownBench = trying.getByRole('region', { name: 'Workbench' })
  await expect(ownBench.getByRole('status').first()).toContainText('Live: step 1', { timeout: 60_000 })
  await ownBench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(ownBench, 1)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(roster).toContainText('1 passed step 1', { timeout: 10_000 })

  // the presenter moves on: the bar says so, and the student rejoins where the class is
  await page.locator('body').press('ArrowRight')
  await expect(classBar).toContainText('the presenter is at step 2')
  await classBar.getByRole('link', { name: 'Rejoin the class' }).click()
  await expect(trying).toHaveURL(new RegExp(`audience\\?class=${code}$`))
  await expect(headings[0]!).toHaveText(/^Step 2 of 7: /)
  await expect(roster).toContainText('5 joined: 5 following, 0 trying on their own')

  // the presenter reloads: the class is still theirs, and the students still follow
  await page.reload()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2', { timeout: 60_000 })
  await expect(page.getByTestId('class-code')).toHaveText(code)
  await expect(roster).toContainText('5 joined: 5 following')
  await page.locator('body').press('ArrowRight')
  for (const heading of headings) await expect(heading).toHaveText(/^Step 3 of 7: /, { timeout: 30_000 })

  // a lesson switch takes the class along
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption('lock-queue')
  for (const student of students)
    await expect(student).toHaveURL(new RegExp(`/present/lock-queue/audience\\?class=${code}$`), {
      timeout: 60_000,
    })
  await expect(headings[4]!).toHaveText(/^Step 1 of 9: /, { timeout: 60_000 })

  // a student on the wrong code is told so, and loses what they typed nowhere
  const lost = await newStudent(browser, problems, 'a student with a wrong code')
  await lost.goto('/join')
  await lost.getByLabel('Class code').fill(code === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ')
  await lost.getByRole('button', { name: 'Join' }).click()
  await expect(lost.locator('#join-problem')).toContainText('check the code on the projector')
  await expect(lost.getByLabel('Class code')).toHaveValue(code === 'ZZZZZ' ? 'YYYYY' : 'ZZZZZ')

  // the browser logs the missing class's 404 too: that one is this student's, not a fault
  expect(problems.filter((problem) => !problem.startsWith('a student with a wrong code console'))).toEqual([])
})

test('on a host that serves files only, the presenter says class mode is absent and the join page says why', async ({
  browser,
}) => {
  const server = createStaticServer({ root: join(process.cwd(), 'out') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${origin}/present/two-versions`)
    await expect(page.locator('[data-class="absent"]')).toContainText('this host serves files only')
    await expect(page.getByRole('button', { name: 'Open a class' })).toHaveCount(0)
    await page.goto(`${origin}/join?code=K7QFM`)
    await expect(page.locator('#join-problem')).toContainText('served as files only')
    await context.close()
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})
