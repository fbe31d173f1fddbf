import type { BrowserContext, Locator, Page } from '@playwright/test'
import { expect } from './fixtures'

/** Opens a lesson (or one of its steps), waits for its traffic, and sets the clock to 10×. */
export async function openLesson(page: Page, path: string): Promise<Locator> {
  await page.goto(path)
  const workbench = page.getByRole('region', { name: 'Workbench' })
  await expect(workbench.getByRole('status').first()).toContainText('Live: step', { timeout: 30_000 })
  await workbench.getByRole('button', { name: '10×' }).click()
  return workbench
}

/** Step `number` (from 1) in the workbench's list of steps; its `data-state` says how it stands. */
export function step(workbench: Locator, number: number): Locator {
  return workbench
    .getByRole('navigation', { name: 'Steps' })
    .getByRole('listitem')
    .nth(number - 1)
}

/** Presses Run step and waits until step `number` passed. */
export async function runStep(workbench: Locator, number: number): Promise<void> {
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
}

/**
 * Runs an exercise as a learner who gives up: its starter as it opens must not pass, then the
 * solution goes into the editor from "Show the solution" and passes (Run step runs a step that
 * broke things again from where it started).
 */
export async function runWithSolution(workbench: Locator, number: number): Promise<void> {
  await workbench.getByRole('button', { name: 'Run step' }).click()
  await expect(step(workbench, number)).toHaveAttribute('data-state', 'broke things', { timeout: 90_000 })
  await workbench.getByRole('button', { name: 'Show the solution' }).click()
  await workbench.getByRole('button', { name: 'Put the solution in the editor' }).click()
  await expect(workbench.getByRole('region', { name: 'Solution compared with your SQL' })).toContainText(
    'Your SQL is the solution',
  )
  await runStep(workbench, number)
}

/** The rows of the Sessions and locks panel; each row's `data-state` and `data-owner` say who it is. */
export function sessionRows(workbench: Locator): Locator {
  return workbench.getByRole('region', { name: 'Sessions and locks' }).locator('tbody tr')
}

/** One version's cell for one endpoint in the Versions × endpoints grid. */
export function endpointCell(workbench: Locator, version: string, endpoint: string): Locator {
  return workbench
    .getByRole('region', { name: 'Versions × endpoints' })
    .locator(`td[data-version="${version}"][data-endpoint="${endpoint}"]`)
}

/** What the terminal shows, row by row, as text (xterm draws spaces as no-break spaces). */
export async function terminalText(screen: Locator): Promise<string> {
  const rows = await screen.locator('.xterm-rows > div').allTextContents()
  return rows
    .map((row) => row.replace(/\u00a0/g, ' ').trimEnd())
    .join('\n')
    .trimEnd()
}

/**
 * The workbench's terminal, ready, scrolled into view (xterm draws only while on screen, as a
 * learner would see it), showing its prompt, and focused.
 */
export async function focusTerminal(workbench: Locator): Promise<Locator> {
  const screen = workbench.getByRole('region', { name: 'Terminal' }).getByTestId('terminal')
  await expect(screen).toHaveAttribute('data-ready', 'true')
  await screen.scrollIntoViewIfNeeded()
  await expect.poll(() => terminalText(screen), { timeout: 15_000 }).toContain('postgres=>')
  await screen.click()
  return screen
}

/**
 * Replaces everything below the first line of step `number`'s editor (the lesson's, locked) with
 * `sql`. The editor wraps long lines, and Home goes to the start of the wrapped part: the click
 * is at the line's very start.
 */
export async function replaceStepSql(
  page: Page,
  workbench: Locator,
  number: number,
  sql: string,
): Promise<void> {
  const editor = workbench.getByRole('textbox', { name: `SQL for step ${number}` })
  await editor
    .locator('.cm-line')
    .nth(1)
    .click({ position: { x: 1, y: 4 } })
  await page.keyboard.press('Shift+Control+End')
  await page.keyboard.type(sql)
  await expect(editor).toContainText(sql)
}

/** Opens lock-queue's presenter window until it is live, then its audience window beside it. */
export async function openPresenterAndAudience(page: Page, context: BrowserContext): Promise<Page> {
  await page.goto('/present/lock-queue')
  await expect(page.getByRole('region', { name: 'Workbench' }).getByRole('status').first()).toContainText(
    'Live:',
    { timeout: 60_000 },
  )
  const audience = await context.newPage()
  await audience.goto('/present/lock-queue/audience')
  return audience
}
