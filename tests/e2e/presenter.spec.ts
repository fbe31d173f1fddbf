import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { endpointCell, focusTerminal, openLesson, sessionRows, step, terminalText } from './workbench-helpers'

test('the presenter drives from the keyboard and the audience window stays in step, terminal and all', async ({
  page,
  context,
}) => {
  test.setTimeout(150_000)
  await page.goto('/present/two-versions')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 1', { timeout: 30_000 })
  await workbench.getByRole('button', { name: '10×' }).click()

  // the speaker notes show for the step at hand only
  const notes = page.getByRole('complementary', { name: 'Speaker notes' })
  await expect(notes.locator('[data-step="serve"]')).toBeVisible()
  await expect(notes.locator('[data-step="expand"]')).toBeHidden()

  // typed before the audience window opens: it is replayed there
  const terminal = await focusTerminal(workbench)
  await page.keyboard.type('status')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain('traffic')
  await page.keyboard.press('Escape')

  const audience = await context.newPage()
  await audience.goto('/present/two-versions/audience')
  const heading = audience.getByRole('heading', { level: 1 })
  await expect(heading).toHaveText('Step 1 of 7: v0.1.0 serves the shop')
  await expect(page.getByText('Audience window: in step')).toBeVisible()
  const mirrored = audience.getByTestId('terminal')
  await expect(mirrored).toHaveAttribute('data-ready', 'true')
  await expect.poll(() => terminalText(mirrored)).toContain('traffic')
  await expect(audience.getByText('Speaker notes')).toHaveCount(0)

  // R runs the step; the verdict and the green cell appear in both windows, and the step that
  // ran stays on the projector, its notes too, until the presenter goes on
  await page.locator('body').press('r')
  await expect(page.getByText('✓ Passed: step 1')).toBeVisible({ timeout: 60_000 })
  await expect(audience.getByText('✓ Passed: step 1')).toBeVisible()
  await expect(endpointCell(audience.locator('body'), 'v0.1.0', 'mutation productCreate')).toHaveAttribute(
    'data-state',
    'ok',
  )
  await expect(heading).toHaveText('Step 1 of 7: v0.1.0 serves the shop')
  await expect(notes.locator('[data-step="serve"]')).toBeVisible()
  await expect(page.getByTestId('next-step')).toHaveText(/^→ shows step 2/)
  await page.locator('body').press('ArrowRight')
  await expect(heading).toHaveText('Step 2 of 7: 0.1.1’s migration, while v0.1.0 runs', { timeout: 30_000 })
  await expect(notes.locator('[data-step="expand"]')).toBeVisible()
  await expect(notes.locator('[data-step="serve"]')).toBeHidden()

  // → and ← move between steps, the audience following
  await page.locator('body').press('ArrowRight')
  await expect(heading).toHaveText('Step 3 of 7: Roll out v0.1.1 to half the servers', { timeout: 30_000 })
  await page.locator('body').press('ArrowLeft')
  await expect(heading).toHaveText('Step 2 of 7: 0.1.1’s migration, while v0.1.0 runs', { timeout: 30_000 })
  await expect(audience.getByRole('region', { name: 'The step’s SQL' })).toContainText('alter table product')

  // Space pauses the traffic, in both windows' clocks, and the projector says so in large type
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2')
  const paused = audience.getByRole('status').filter({ hasText: 'Paused: the simulated clock is stopped' })
  await expect(paused).toHaveCount(0)
  await page.locator('body').press(' ')
  await expect(workbench.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true')
  await expect(paused).toBeVisible()
  const clock = audience.locator('.audience-clock')
  await expect(clock).not.toContainText('×')

  await page.locator('body').press('p')
  await expect(clock).toContainText('10×')
  await expect(paused).toHaveCount(0)

  // B blacks the projector out and brings it back
  const black = audience.getByRole('status', { name: 'The presenter blanked the screen' })
  await page.locator('body').press('b')
  await expect(black).toBeVisible()
  await page.locator('body').press('b')
  await expect(black).toHaveCount(0)

  // what the presenter types now is drawn in the audience's terminal as it happens
  await focusTerminal(workbench)
  await page.keyboard.type('select 6 * 7 as answer;')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(mirrored), { timeout: 30_000 }).toContain('42')

  // the presenter's window closing is said, not left as a frozen picture
  await page.close()
  await expect(
    audience.getByRole('status').filter({ hasText: 'The presenter’s window closed' }),
  ).toBeVisible()
})

/**
 * The projector fits its window in layouts 1, 2 and 4: no scrolling, every panel the layout
 * names there, the terminal's columns and rows inside its box.
 */
async function expectProjectorFits(presenter: Page, audience: Page): Promise<void> {
  for (const [key, panels] of [
    ['1', ['Traffic', 'Versions × endpoints', 'Terminal', 'The step’s SQL']],
    ['2', ['Sessions and locks', 'Terminal', 'The step’s SQL']],
    ['4', ['Terminal', 'Versions × endpoints', 'The step’s SQL']],
  ] as const) {
    await presenter.locator('body').press(key)
    for (const name of panels) await expect(audience.getByRole('region', { name }).first()).toBeVisible()
    await expect
      .poll(() => audience.evaluate(() => document.documentElement.scrollHeight - window.innerHeight))
      .toBeLessThanOrEqual(0)
    await expect
      .poll(() =>
        audience.evaluate(() => {
          const box = document.querySelector('.audience .terminal-screen')!.getBoundingClientRect()
          const drawn = document.querySelector('.audience .xterm-screen')!.getBoundingClientRect()
          return drawn.bottom <= box.bottom + 1 && drawn.right <= box.right + 1
        }),
      )
      .toBe(true)
  }
}

test('at 150 % browser zoom the projector still fits a 1280×720 window, the terminal at 80 columns', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  // 150 % zoom: each CSS pixel is 1.5 of the screen's, so a 1280×720 window is 853×480 CSS pixels
  const context = await browser.newContext({ deviceScaleFactor: 1.5, viewport: { width: 960, height: 600 } })
  const page = await context.newPage()
  await page.goto('/present/lock-queue?step=upgrade')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 60_000 })
  const audience = await context.newPage()
  await audience.setViewportSize({ width: 853, height: 480 })
  await audience.goto('/present/lock-queue/audience')
  await expect(audience.getByRole('heading', { level: 1 })).toHaveText(/^Step 3 of /)
  await expect(audience.getByTestId('terminal')).toHaveAttribute('data-ready', 'true')
  await expectProjectorFits(page, audience)
  await context.close()
})

test('the projector shows the SQL that ran, Home asks before it resets, a reload keeps the step, and a lesson switch takes the projector along', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000)
  await page.goto('/present/lock-queue?step=upgrade')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 60_000 })
  await workbench.getByRole('button', { name: '10×' }).click()
  const audience = await context.newPage()
  await audience.setViewportSize({ width: 1280, height: 720 })
  await audience.goto('/present/lock-queue/audience')
  const heading = audience.getByRole('heading', { level: 1 })
  await expect(heading).toHaveText(/^Step 3 of /)

  // the editor holds the learner's lock_timeout; N runs the naive way, and the projector shows
  // the naive SQL that ran, not the editor's
  const editor = workbench.getByRole('textbox', { name: 'SQL for step 3' })
  await editor.click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type("\nset lock_timeout = '1s';")
  // keys typed into the editor are its text: the presenter leaves it to use the keys
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.locator('body').press('n')
  const sql = audience.getByRole('region', { name: 'The step’s SQL' })
  await expect(sql.getByRole('heading', { name: 'What ran: the naive way' })).toBeVisible({ timeout: 30_000 })
  await expect(sql.locator('pre')).not.toContainText("lock_timeout = '1s'")
  await expect(heading).toHaveText(/^Step 3 of /)

  // the projector fits a 16:9 window in every layout, at 1280×720 and 1920×1080: no scrolling,
  // the terminal's rows inside its box, every panel the layout names there; 2 puts the blocking
  // chain in large, with the root of the queue
  for (const size of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    await audience.setViewportSize(size)
    await expectProjectorFits(page, audience)
    await expect(
      audience.getByRole('region', { name: 'Sessions and locks' }).getByText('root of the queue'),
    ).toHaveCount(0)
  }
  await page.locator('body').press('2')
  await expect(
    audience.getByRole('region', { name: 'Sessions and locks' }).getByText('root of the queue'),
  ).toBeVisible()
  await page.locator('body').press('1')

  // a student picks the step up on their own device: the link and its QR code carry the SQL on screen
  const follow = audience.getByRole('link', { name: /\/learn\/lock-queue\/upgrade$/ })
  await expect(follow).toHaveAttribute('href', /\/learn\/lock-queue\/upgrade#attempt=/)
  await expect(audience.getByRole('img', { name: /^A QR code for this step/ })).toBeVisible()
  const student = await context.newPage()
  await student.goto((await follow.getAttribute('href'))!)
  const studentEditor = student.getByRole('textbox', { name: 'SQL for step 3' })
  await expect(studentEditor).toContainText('drop table results', { timeout: 60_000 })
  await expect(studentEditor).not.toContainText("lock_timeout = '1s'")
  await student.close()

  // Home asks first; keeping going changes nothing
  await page.locator('body').press('Home')
  const question = page.getByRole('alertdialog', { name: 'Reset the lesson?' })
  await expect(question).toBeVisible()
  await question.getByRole('button', { name: 'Keep going' }).click()
  await expect(question).toHaveCount(0)
  await expect(heading).toHaveText(/^Step 3 of /)

  // a reload opens at the step in the address, not at the first one not passed
  await expect(page).toHaveURL(/\?step=upgrade$/, { timeout: 60_000 })
  await page.reload()
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3', { timeout: 60_000 })

  // the presenter opens another lesson: the projector follows it there
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption('split-column')
  await expect(audience).toHaveURL(/\/present\/split-column\/audience$/, { timeout: 60_000 })
  await expect(audience.getByRole('heading', { level: 1 })).toHaveText(/^Step 1 of 16/, { timeout: 60_000 })
})

test('a step’s notes say what to do before it runs and, once it runs, what to point at; a note’s command runs in the presenter’s terminal', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const workbench = await openLesson(page, '/present/two-versions')
  const notes = page.getByRole('complementary', { name: 'Speaker notes' })
  const serve = notes.locator('[data-step="serve"]')

  // before the run, the part after it is marked as what comes next
  await expect(serve.getByText('Once it has run:')).toBeVisible()
  await expect(serve.getByText('Now that it has run:')).toBeHidden()

  // the note's command is typed into the presenter's terminal and run
  const terminal = workbench.getByRole('region', { name: 'Terminal' }).getByTestId('terminal')
  await expect(terminal).toHaveAttribute('data-ready', 'true')
  await serve.getByRole('button', { name: 'Run in the terminal: \\d product' }).click()
  await expect.poll(() => terminalText(terminal), { timeout: 15_000 }).toMatch(/^ description +\| jsonb/m)

  // once the step runs, the part after the run comes first
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(serve.getByText('Now that it has run:')).toBeVisible()
  await expect(serve.getByText('Once it has run:')).toBeHidden()
  const after = serve.locator('.speaker-note-after')
  const before = serve.getByText('Run the step.')
  expect((await after.boundingBox())!.y).toBeLessThan((await before.boundingBox())!.y)
  await expect(page.getByText('✓ Passed: step 1')).toBeVisible({ timeout: 60_000 })

  // → goes on to a step not run yet: its notes are before their run again
  await page.getByRole('heading', { level: 1 }).click()
  await page.keyboard.press('ArrowRight')
  await expect(notes.locator('[data-step="expand"]')).toBeVisible()
  await expect(notes).toHaveAttribute('data-phase', 'before')
})

test('a note’s command with a placeholder is typed without Enter, for the presenter to finish', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const workbench = await openLesson(page, '/present/lock-queue?step=upgrade')
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 3')
  const upgrade = page.getByRole('complementary', { name: 'Speaker notes' }).locator('[data-step="upgrade"]')
  const terminal = workbench.getByRole('region', { name: 'Terminal' }).getByTestId('terminal')
  await expect(terminal).toHaveAttribute('data-ready', 'true')

  await upgrade.getByRole('button', { name: 'Run in the terminal: sessions' }).click()
  await expect.poll(() => terminalText(terminal), { timeout: 15_000 }).toContain('v1.0.0-users-page')
  await upgrade.getByRole('button', { name: 'Type in the terminal: terminate PID' }).click()
  await expect.poll(() => terminalText(terminal)).toMatch(/postgres=> terminate$/)
  expect(await terminalText(terminal)).not.toContain('usage: terminate')

  // the presenter finishes it with the pid the Sessions panel shows
  const pid = await sessionRows(workbench)
    .filter({ hasText: 'v1.0.0-users-page' })
    .first()
    .getAttribute('data-owner')
  await page.keyboard.type(pid!)
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain(`terminated session ${pid}`)
})

test('Home resets the lesson and U undoes it: the step, its verdict and the database come back', async ({
  page,
}) => {
  test.setTimeout(150_000)
  const workbench = await openLesson(page, '/present/two-versions')
  const status = workbench.getByRole('status').first()

  // a table made by hand: no replay of the steps would bring it back, only the database itself
  const terminal = await focusTerminal(workbench)
  await page.keyboard.type('create table made_by_hand (id int);')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain('CREATE TABLE')
  await page.getByRole('heading', { level: 1 }).click()
  await page.keyboard.press('r')
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  await expect(status).toContainText('Live: step 2')

  await page.keyboard.press('Home')
  await page
    .getByRole('alertdialog', { name: 'Reset the lesson?' })
    .getByRole('button', { name: 'Reset the lesson' })
    .click()
  const news = page.getByRole('status', { name: 'Reset' })
  await expect(news).toContainText('Lesson reset to step 1', { timeout: 30_000 })
  await expect(status).toContainText('Live: step 1', { timeout: 30_000 })
  await expect(step(workbench, 1)).not.toHaveAttribute('data-state', 'passed')
  await focusTerminal(workbench)
  await page.keyboard.type('\\d made_by_hand')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain('Did not find any relation named "made_by_hand"')

  await page.getByRole('heading', { level: 1 }).click()
  await page.keyboard.press('u')
  await expect(news).toContainText('Reset undone: back at step 2', { timeout: 30_000 })
  await expect(status).toContainText('Live: step 2')
  await expect(step(workbench, 1)).toHaveAttribute('data-state', 'passed')
  // the projector holds the step that ran, as it did before the reset
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Step 1 of 7/)
  await focusTerminal(workbench)
  await page.keyboard.press('Control+L')
  await page.keyboard.type('\\d made_by_hand')
  await page.keyboard.press('Enter')
  await expect.poll(() => terminalText(terminal)).toContain('Table "public.made_by_hand"')
})

test('the projector takes the layout each step’s notes name, and the presenter’s pick lasts for its step', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000)
  await page.goto('/present/lock-queue?step=users-page')
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step 2', { timeout: 60_000 })
  const audience = await context.newPage()
  await audience.goto('/present/lock-queue/audience')
  const projector = audience.locator('main.audience')
  // step 2's notes point at Sessions and locks: projector="locks"
  await expect(projector).toHaveAttribute('data-layout', 'locks')
  await expect(page.getByRole('combobox', { name: 'Projector' })).toHaveValue('locks')
  await page.locator('body').press('ArrowRight')
  await expect(audience.getByRole('heading', { level: 1 })).toHaveText(/^Step 3 of /, { timeout: 30_000 })
  await expect(projector).toHaveAttribute('data-layout', 'overview')
  // the presenter's pick holds for the step it was picked at
  await page.locator('body').press('4')
  await expect(projector).toHaveAttribute('data-layout', 'terminal')
  await page.locator('body').press('ArrowLeft')
  await expect(audience.getByRole('heading', { level: 1 })).toHaveText(/^Step 2 of /, { timeout: 30_000 })
  await expect(projector).toHaveAttribute('data-layout', 'locks')
})
