import { deflateRawSync } from 'node:zlib'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { openLesson, replaceStepSql, step } from './workbench-helpers'

const safeMigration =
  'alter table product add column slug varchar(255); alter table product add column created_at timestamptz;'

// a link made the way a tampered or hand-made one would be, not by the page: an attempt at step
// 2 with this SQL, and any fields of its own
function handMadeLink(sql: string, extra: Record<string, unknown> = {}): string {
  const data = { v: 1, lesson: 'two-versions', step: 'expand', sql, ...extra }
  return `/learn/two-versions/expand#attempt=${deflateRawSync(JSON.stringify(data)).toString('base64url')}`
}

// a fragment alone does not load a page again: leave it first
async function openFresh(page: Page, path: string) {
  await page.goto('about:blank')
  return openLesson(page, path)
}

test('a share link carries the attempt to another browser as text, which runs only on Run step', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000)
  const workbench = await openLesson(page, '/learn/two-versions/expand')
  await replaceStepSql(page, workbench, 2, safeMigration)
  await workbench.getByRole('button', { name: 'Share my attempt' }).click()
  const link = await workbench.getByRole('textbox', { name: 'Link to your attempt at step 2' }).inputValue()
  expect(link).toMatch(new RegExp(`^${baseURL}/learn/two-versions/expand#attempt=[A-Za-z0-9_-]+$`))
  expect(link).not.toContain('slug')

  // the recipient: nothing stored of the sender's
  await page.evaluate(() => localStorage.clear())
  const theirs = await openFresh(page, link)
  await expect(theirs.getByRole('status').filter({ hasText: 'A shared attempt at step 2' })).toBeVisible()
  const theirEditor = theirs.getByRole('textbox', { name: 'SQL for step 2' })
  await expect(theirEditor).toContainText('add column slug varchar(255); alter table product')
  await expect(step(theirs, 2)).toHaveAttribute('data-state', 'current')
  await expect(theirs.locator('.workbench-verdict')).toHaveCount(0)
  await expect(theirs.getByRole('region', { name: 'Audit log' })).not.toContainText('ran step 2')

  await theirs.getByRole('button', { name: 'Run step' }).click()
  await expect(step(theirs, 2)).toHaveAttribute('data-state', 'passed', { timeout: 60_000 })
  // run, it is theirs: a reload shows it without the link
  await openFresh(page, '/learn/two-versions/expand')
  await expect(
    page.getByRole('region', { name: 'Workbench' }).getByRole('textbox', { name: 'SQL for step 3' }),
  ).toHaveCount(0)
})

test('hostile share links are refused with a clear message, and nothing of them runs', async ({ page }) => {
  test.setTimeout(120_000)
  const refusal = (workbench: ReturnType<Page['getByRole']>) =>
    workbench.getByRole('alert').filter({ hasText: 'This share link was not loaded' })
  const pwned = () => page.evaluate(() => (window as unknown as { pwned?: number }).pwned)

  // oversized: refused before anything is decompressed
  let workbench = await openFresh(page, `/learn/two-versions/expand#attempt=${'A'.repeat(7000)}`)
  await expect(refusal(workbench)).toContainText(
    'the link is too large: 7000 characters, over the limit of 6000. Nothing from it was run or kept.',
  )
  const editor = workbench.getByRole('textbox', { name: 'SQL for step 2' })
  await expect(editor).toContainText('What makemigrations amounts to')

  // markup in place of the attempt
  workbench = await openFresh(page, '/learn/two-versions/expand#attempt=<script>window.pwned=1</script>')
  await expect(refusal(workbench)).toContainText('not a Cutover share link')

  // well encoded, but asking for more than SQL
  workbench = await openFresh(
    page,
    handMadeLink('<img src=x onerror="window.pwned=1">drop table product;', { autorun: true }),
  )
  await expect(refusal(workbench)).toContainText('Unrecognized key: "autorun"')
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'current')

  // a script in the SQL itself is text in the editor: it neither runs as script nor as SQL
  workbench = await openFresh(
    page,
    handMadeLink(
      '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=1">\ndrop table product;',
    ),
  )
  await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toContainText(
    '</script><script>window.pwned=1</script>',
  )
  await expect(step(workbench, 2)).toHaveAttribute('data-state', 'current')
  await expect(
    workbench.getByRole('region', { name: 'Schema' }).locator('[data-table="product"]'),
  ).toBeVisible()
  expect(await pwned()).toBeUndefined()
})
