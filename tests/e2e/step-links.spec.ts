import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { proseSectionOf } from '../../app/_components/lesson/prose-section'
import { loadLessons } from '../../lib/scenario/node'
import { findCutOff } from './cut-off'
import { expect, test } from './fixtures'

const root = process.cwd()
const { lessons } = await loadLessons(join(root, 'content', 'lessons'), root)

// One step of each lesson, and where its prose begins: a deep link must show that prose and the
// step's controls together, beside each other on a wide screen, the prose over the step dock on
// a phone
const links: Record<string, { step: string; prose: (page: Page) => Locator }> = {
  playground: {
    step: 'index-totals',
    prose: (page) => page.locator('.lesson-prose li').filter({ hasText: /^Step 2, index the order totals/ }),
  },
  'two-versions': {
    step: 'tighten',
    prose: (page) => page.getByRole('heading', { name: "Step 6: 0.2's migration, once only v0.1.1 runs" }),
  },
  'database-goes-away': {
    step: 'recover',
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 3 starts the database again/ }),
  },
  'lock-queue': {
    step: 'upgrade-again',
    prose: (page) => page.getByRole('heading', { name: 'Step 6: FAIL FAIL FAIL AGAIN' }),
  },
  'expand-contract': {
    step: 'created-at',
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 8 hands/ }),
  },
  'split-column': {
    step: 'dual-write',
    prose: (page) => page.getByRole('heading', { name: 'Step 7: v2.0.1 writes both' }),
  },
  'release-discipline': {
    step: 'deploy-1-1-0',
    prose: (page) => page.locator('.lesson-prose p').filter({ hasText: /^Step 5 deploys v1.1.0/ }),
  },
}

/**
 * The parts of the workbench a step's prose talks about, by the words the lessons use for them
 * (matched without regard to case), and where each is. A step's prose also mentions a panel
 * when it names it in bold (**Sessions and locks**). Left out on purpose: "column", which in the
 * prose is nearly always a table's column (the grid's columns come with "cell" or "grid"), and
 * the Deploy and Request log panels, which no lesson's prose names.
 */
const mentions: { part: string; words: RegExp; find(workbench: Locator, step: number): Locator }[] = [
  { part: 'Traffic', words: /\btraffic chart\b|\blanes?\b/i, find: region('Traffic') },
  { part: 'Versions × endpoints', words: /\bgrid\b|\bcells?\b/i, find: region('Versions × endpoints') },
  { part: 'Invariants', words: /\binvariants?\b/i, find: region('Invariants') },
  { part: 'Sessions and locks', words: /\bsessions?\b/i, find: region('Sessions and locks') },
  // a terminal snippet's button is named "Run in the terminal: …"
  { part: 'Terminal', words: /\bterminal\b|\btype `/i, find: region('Terminal') },
  { part: 'Schema', words: /\bschema\b/i, find: region('Schema') },
  { part: 'Audit log', words: /\baudit log\b/i, find: region('Audit log') },
  {
    part: 'Every claim of this lesson',
    words: /\bcheck this lesson['’]s claims\b/i,
    find: region('Every claim of this lesson'),
  },
  {
    part: 'the step’s editor',
    words: /\beditor\b/i,
    find: (workbench, step) =>
      workbench.getByRole('textbox', { name: new RegExp(`^(SQL|Test) for step ${step}$`) }),
  },
  {
    part: 'Steps',
    words: /\bstep list\b/i,
    find: (workbench) => workbench.getByRole('navigation', { name: 'Steps' }),
  },
]

function region(name: string) {
  return (workbench: Locator) => workbench.getByRole('region', { name, exact: true })
}

/** What a learner reads of one step's prose: its words, inline code in backticks, and what it puts in bold. */
interface StepProse {
  text: string
  bold: string[]
}

/**
 * Runs in the page: each step's prose, from where `proseSectionOf` finds it begins (the first
 * step's from the lesson's start) to where the next step's begins (steps that begin in one
 * place share it), as the learner reads it — no code blocks or SQL consoles, no closed boxes
 * but their summary, a button by its name.
 */
function readStepProse(stepIds: string[]): StepProse[] {
  const { proseSectionOf: sectionOf } = window as unknown as { proseSectionOf: typeof proseSectionOf }
  const prose = document.querySelector('.lesson-prose')!
  const body = prose.querySelector('.lesson-body')!
  const starts = stepIds.map((_, index) => sectionOf(prose, stepIds, index))
  return starts.map((start, index) => {
    const range = document.createRange()
    // the lesson's opening, before any step's own prose, is what the learner reads for step 1
    if (start && index > 0) range.setStartBefore(start)
    else range.setStart(body, 0)
    const end = starts
      .filter(
        (other): other is Element =>
          other !== undefined &&
          (start === undefined ||
            (start.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0),
      )
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0]
    if (end) range.setEndBefore(end)
    else range.setEnd(body, body.childNodes.length)
    const section = document.createElement('div')
    section.append(range.cloneContents())
    for (const gone of section.querySelectorAll('pre, .sql-box, [hidden]')) gone.remove()
    for (const box of section.querySelectorAll('details:not([open])'))
      for (const child of [...box.children]) if (child.tagName !== 'SUMMARY') child.remove()
    for (const button of section.querySelectorAll('button'))
      button.replaceWith(`[${button.getAttribute('aria-label') ?? button.textContent}]`)
    for (const code of section.querySelectorAll('code')) code.replaceWith(`\`${code.textContent}\``)
    return {
      text: section.textContent?.replace(/\s+/g, ' ') ?? '',
      bold: [...section.querySelectorAll('strong, b')].map((strong) => strong.textContent?.trim() ?? ''),
    }
  })
}

/**
 * Runs in the page: scrolls `part` into view as a learner would and lists what keeps them from
 * seeing it whole — content wider than its box, a box past the window's edge or cut by a box
 * that clips or scrolls it, anything over it. A part taller than the screen is seen in two
 * scrolls, its top and then its foot.
 */
function lookAt(part: Element): string[] {
  const problems: string[] = []
  const name = (element: Element | null) =>
    element
      ? `<${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}> “${element.textContent?.trim().replace(/\s+/g, ' ').slice(0, 30) ?? ''}”`
      : 'nothing'
  const width = document.documentElement.clientWidth
  // what the page pins to the screen's top or foot (the step dock on a phone) covers what
  // scrolls under it: the learner sees the rest, between the two
  let top = 0
  let bottom = window.innerHeight
  const pinned = (element: Element | null) => {
    for (let at = element; at && at !== document.body; at = at.parentElement)
      if (getComputedStyle(at).position === 'fixed') return at.getBoundingClientRect()
    return undefined
  }
  for (const x of [1, width / 2, width - 2]) {
    const foot = pinned(document.elementFromPoint(x, window.innerHeight - 1))
    if (foot) bottom = Math.min(bottom, foot.top)
    const head = pinned(document.elementFromPoint(x, 0))
    if (head) top = Math.max(top, head.bottom)
  }
  const clips: Element[] = []
  for (
    let ancestor = part.parentElement;
    ancestor && ancestor !== document.body;
    ancestor = ancestor.parentElement
  )
    if (getComputedStyle(ancestor).overflowX !== 'visible') clips.push(ancestor)

  if (part.scrollWidth > part.clientWidth + 1)
    problems.push(`its content is ${part.scrollWidth - part.clientWidth} px wider than its box`)
  const box = part.getBoundingClientRect()
  if (box.left < -1 || box.right > width + 1)
    problems.push(`its box spans ${Math.round(box.left)}–${Math.round(box.right)} px of a ${width} px window`)
  for (const clip of clips) {
    const clipBox = clip.getBoundingClientRect()
    const left = clipBox.left + clip.clientLeft
    const right = left + clip.clientWidth
    if (box.left < left - 1 || box.right > right + 1)
      problems.push(
        `${name(clip)} cuts it: its box spans ${Math.round(box.left)}–${Math.round(box.right)} px, the clip ${Math.round(left)}–${Math.round(right)} px`,
      )
  }

  const seeFrom = (block: 'start' | 'end') => {
    part.scrollIntoView({ block, behavior: 'instant' })
    window.scrollBy({ top: block === 'start' ? -top : window.innerHeight - bottom, behavior: 'instant' })
    const now = part.getBoundingClientRect()
    let [seenTop, seenBottom, seenLeft, seenRight] = [
      Math.max(now.top, top),
      Math.min(now.bottom, bottom),
      Math.max(now.left, 0),
      Math.min(now.right, width),
    ]
    for (const clip of clips) {
      const clipBox = clip.getBoundingClientRect()
      seenTop = Math.max(seenTop, clipBox.top + clip.clientTop)
      seenBottom = Math.min(seenBottom, clipBox.top + clip.clientTop + clip.clientHeight)
      seenLeft = Math.max(seenLeft, clipBox.left + clip.clientLeft)
      seenRight = Math.min(seenRight, clipBox.left + clip.clientLeft + clip.clientWidth)
    }
    if (seenBottom - seenTop < 8 || seenRight - seenLeft < 8) {
      problems.push(`scrolled to its ${block}, none of it is on screen`)
      return
    }
    // five points across, every 20 px down, inside its edges (and its rounded corners): a bar
    // over it cannot slip between them; each thing over it is named once, where first found
    const xs = [0, 0.25, 0.5, 0.75, 1].map((at) => seenLeft + 12 + at * (seenRight - seenLeft - 24))
    const ys: number[] = []
    for (let y = seenTop + 3; y < seenBottom - 3; y += 20) ys.push(y)
    ys.push(seenBottom - 3)
    const covers = new Map<string, string>()
    for (const y of ys)
      for (const x of xs) {
        const hit = document.elementFromPoint(x, y)
        if (hit && part.contains(hit)) continue
        if (!covers.has(name(hit))) covers.set(name(hit), `(${Math.round(x)}, ${Math.round(y)})`)
      }
    for (const [cover, at] of covers) problems.push(`scrolled to its ${block}, ${cover} covers it at ${at}`)
  }
  seeFrom('start')
  if (box.height > bottom - top) seeFrom('end')
  return problems
}

const softly = expect.configure({ soft: true })

const live = (page: Page) => page.getByRole('region', { name: 'Workbench' }).getByRole('status').first()

const viewports = [
  { name: 'a laptop', width: 1440, height: 900 },
  { name: 'a phone', width: 390, height: 844 },
] as const

for (const lesson of lessons) {
  const steps = lesson.scenario?.steps ?? []
  const link = links[lesson.slug]
  if (!link) throw new Error(`${lesson.slug} has no step link to open it by: add one to links`)
  const linked = steps.findIndex((step) => step.id === link.step)

  /** Opens the lesson at its step link: the step's prose and its Run must show together. */
  async function openLink(page: Page, viewport: (typeof viewports)[number]) {
    await page.setViewportSize(viewport)
    await page.goto(`/learn/${lesson.slug}/${link.step}`)
    await expect(live(page)).toHaveText(`Live: step ${linked + 1} of ${steps.length}`, { timeout: 60_000 })
    await expect(link.prose(page), viewport.name).toBeInViewport()
    const dock = page.getByRole('region', { name: 'Step at hand' })
    const run =
      viewport.width < 1100
        ? dock.getByRole('button', { name: `Run step ${linked + 1}` })
        : page
            .getByRole('region', { name: 'Workbench' })
            .getByRole('button', { name: 'Run step', exact: true })
    await expect(run, viewport.name).toBeInViewport()
    // on a phone the dock covers the foot of the screen: the prose must begin above it
    if (viewport.width < 1100) {
      const dockTop = (await dock.boundingBox())?.y ?? 0
      const proseTop = (await link.prose(page).boundingBox())?.y ?? Infinity
      expect(proseTop, viewport.name).toBeLessThan(dockTop)
    }
  }

  test(`${lesson.slug}: a step’s link shows its prose with its Run (beside it on a laptop, in the dock on a phone), and every panel a step’s prose mentions is visible and uncut at both sizes`, async ({
    page,
  }) => {
    test.setTimeout(240_000)
    await openLink(page, viewports[1])
    await openLink(page, viewports[0])
    const workbench = page.getByRole('region', { name: 'Workbench' })

    await page.evaluate(`window.proseSectionOf = ${proseSectionOf.toString()}`)
    const prose = await page.evaluate(
      readStepProse,
      steps.map((step) => step.id),
    )
    const mentioned = prose.map(({ text, bold }) =>
      mentions.filter(
        ({ part, words }) =>
          words.test(text) || bold.some((strong) => strong.toLowerCase() === part.toLowerCase()),
      ),
    )
    // every lesson's prose points at its workbench somewhere: none found means the reading broke
    expect(mentioned.flat().length).toBeGreaterThan(0)

    // paused, each step's panels hold still as the step opened, drawn from the steps replayed
    // before it; the replays are what a link costs, the live traffic after them is not needed
    await workbench.getByRole('button', { name: 'Pause' }).click()
    await expect(workbench.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true')

    // the same page at both sizes, as a window resized: nothing in the layout is fixed at load
    // but the opening scroll, which the links above checked on a page of each size
    let sizes = [...viewports]
    const seeMentioned = async (index: number) => {
      for (const viewport of sizes) {
        await page.setViewportSize(viewport)
        for (const { part, find } of mentioned[index]) {
          const where = `step ${index + 1} (${steps[index].id}) mentions ${part}; on ${viewport.name}`
          const element = find(workbench, index + 1)
          await expect(element, where).toBeVisible()
          await expect(element, where).not.toHaveAttribute('aria-busy', 'true')
          if (part === 'Terminal')
            await expect(element.getByTestId('terminal'), where).toHaveAttribute('data-ready', 'true')
          // a resize reaches the terminal's columns a frame or two later: what stays cut, fails
          await softly
            .poll(
              async () => [...(await element.evaluate(lookAt)), ...(await element.evaluate(findCutOff))],
              {
                message: `${where}: seen whole, nothing in it cut off`,
              },
            )
            .toEqual([])
        }
      }
      // the next step begins at the size this one ended at
      sizes = sizes.toReversed()
    }
    // the linked step as it opened; then each other step through its tile, whose link opens it
    // in the page with the steps before it applied
    await seeMentioned(linked)
    for (const [index, step] of steps.entries()) {
      if (index === linked || mentioned[index].length === 0) continue
      const tile = workbench.getByRole('navigation', { name: 'Steps' }).getByRole('link').nth(index)
      await expect(tile).toHaveAttribute('href', `/learn/${lesson.slug}/${step.id}`)
      await tile.click()
      // read every 100 ms: the default backoff notices an open of a few seconds up to a second late
      await expect
        .poll(() => live(page).textContent(), { intervals: [100], timeout: 60_000 })
        .toBe(`Live: step ${index + 1} of ${steps.length}`)
      await expect(page).toHaveURL(`/learn/${lesson.slug}/${step.id}`)
      await seeMentioned(index)
    }
  })
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the step dock runs the step at hand, and says how it ended', async ({ page }) => {
    test.setTimeout(90_000)
    await page.goto('/learn/playground')
    const workbench = page.getByRole('region', { name: 'Workbench' })
    await expect(workbench.getByRole('status').first()).toContainText('Live: step 1 of', { timeout: 60_000 })
    const dock = page.getByRole('region', { name: 'Step at hand' })
    await expect(dock).toContainText('Step 1 of 9: v1.0.0 serves the shop')
    await dock.getByRole('button', { name: 'Run step 1' }).click()
    await expect(dock).toContainText('Step 2 of 9: Index the order totals', { timeout: 60_000 })
    await expect(dock).toContainText('step 1 passed')
    await expect(dock.getByRole('button', { name: 'Naive way' })).toBeVisible()
    await dock.getByRole('link', { name: 'Edit the SQL' }).click()
    await expect(workbench.getByRole('textbox', { name: 'SQL for step 2' })).toBeInViewport()
  })
})
