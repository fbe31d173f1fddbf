import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { describeProblem, loadLessons } from './lesson'

async function lessonsDir(lessons: Record<string, Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cutover-lessons-'))
  for (const [folder, files] of Object.entries(lessons)) {
    await mkdir(join(root, 'content', 'lessons', folder), { recursive: true })
    for (const [name, text] of Object.entries(files)) {
      await writeFile(join(root, 'content', 'lessons', folder, name), text)
    }
  }
  return root
}

const goodMdx = '---\ntitle: First\nsummary: One line.\ndurationMinutes: 5\n---\n\n# Hello\n'

const twoSteps = `versions:
  - id: v1
    endpoints: [{ name: GET /, sql: select 1 }]
steps:
  - { id: serve, title: Serve, deploy: { v1: 100 } }
  - { id: add-column, title: Add a column, migrate: alter table t add column x int }
`

// goodMdx ends on line 7, so notes that start with a blank line start on line 9 of the file
async function loadNotes(notes: string, files: Record<string, string> = { 'scenario.yaml': twoSteps }) {
  const root = await lessonsDir({
    '01-notes': { 'lesson.mdx': goodMdx + notes, 'setup.sql': 'select 1;', ...files },
  })
  return loadLessons(join(root, 'content', 'lessons'), root)
}

describe('loadLessons', () => {
  it('returns lessons in folder order with the slug taken from the folder name', async () => {
    const root = await lessonsDir({
      '02-second': { 'lesson.mdx': goodMdx.replace('First', 'Second'), 'setup.sql': 'select 1;' },
      '01-first': { 'lesson.mdx': goodMdx, 'setup.sql': 'select 1;' },
    })
    const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.deepEqual(problems, [])
    assert.deepEqual(
      lessons.map((lesson) => [lesson.folder, lesson.slug, lesson.meta.title]),
      [
        ['01-first', 'first', 'First'],
        ['02-second', 'second', 'Second'],
      ],
    )
  })

  it('reads prose with MDX expressions, GitHub tables and runnable SQL together', async () => {
    const body =
      goodMdx +
      "\n<TerminalSnippet>{'select 1 <> 2;'}</TerminalSnippet>\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```sql runnable\nselect 1;\n```\n"
    const root = await lessonsDir({ '01-first': { 'lesson.mdx': body, 'setup.sql': 'select 1;' } })
    const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.deepEqual(problems, [])
    assert.equal(lessons.length, 1)
  })

  it('names the file and the field of malformed metadata', async () => {
    const root = await lessonsDir({
      '01-broken': {
        'lesson.mdx': '---\ntitle: Broken\nsummary: ok\ndurationMinutes: ten\nauthor: me\n---\nbody\n',
        'setup.sql': '',
      },
    })
    const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.equal(lessons.length, 0)
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-broken/lesson.mdx: durationMinutes: Invalid input: expected number, received string',
      'content/lessons/01-broken/lesson.mdx: frontmatter: Unrecognized key: "author"',
    ])
  })

  it('names the file and line of broken MDX', async () => {
    const root = await lessonsDir({
      '01-mdx': { 'lesson.mdx': goodMdx + '\n<SqlBox initial={`x`\n', 'setup.sql': '' },
    })
    const { problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.equal(problems.length, 1)
    assert.match(describeProblem(problems[0]), /^content\/lessons\/01-mdx\/lesson\.mdx:1\d: body: /)
  })

  it('rejects a folder that is not named NN-slug and a lesson without setup.sql', async () => {
    const root = await lessonsDir({
      intro: { 'lesson.mdx': goodMdx },
      '03-no-setup': { 'lesson.mdx': goodMdx },
    })
    const { problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.deepEqual(
      problems.map((problem) => problem.file),
      ['content/lessons/03-no-setup/setup.sql', 'content/lessons/intro'],
    )
  })

  it('loads speaker notes for the whole lesson and for steps of its scenario', async () => {
    const { lessons, problems } = await loadNotes(
      '\n<SpeakerNotes>\nPoint at the **traffic** chart.\n</SpeakerNotes>\n\n' +
        '<SpeakerNotes step="add-column">\nAsk the class what v1 does.\n</SpeakerNotes>\n',
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      lessons.map((lesson) => lesson.scenario?.steps.map((step) => step.id)),
      [['serve', 'add-column']],
    )
  })

  it('names the file, line and field of a note whose step is not in the scenario', async () => {
    const { lessons, problems } = await loadNotes(
      '\n<SpeakerNotes>\nFine.\n</SpeakerNotes>\n\n<SpeakerNotes step="add-colum">\nA typo.\n</SpeakerNotes>\n',
    )
    assert.deepEqual(lessons, [])
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:13: SpeakerNotes.step: no step "add-colum" in scenario.yaml; its steps are serve, add-column',
    ])
  })

  it('refuses a step written as an expression, and any other attribute', async () => {
    const { problems } = await loadNotes(
      '\n<SpeakerNotes step={\'serve\'} slide="2">\nNotes.\n</SpeakerNotes>\n',
    )
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:9: SpeakerNotes.step: write the step as a string, step="add-column", not as an expression {\'serve\'}',
      'content/lessons/01-notes/lesson.mdx:9: SpeakerNotes: takes only step="…" and projector="…"; found slide',
    ])
  })

  it('refuses a step note in a lesson without a scenario', async () => {
    const { problems } = await loadNotes('\n<SpeakerNotes step="serve">\nNotes.\n</SpeakerNotes>\n', {})
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:9: SpeakerNotes.step: names step "serve", but this lesson has no scenario.yaml and so no steps; leave step out for notes on the whole lesson',
    ])
  })

  it('loads a step note split by <AfterRun> into before and after the run', async () => {
    const { lessons, problems } = await loadNotes(
      '\n<SpeakerNotes step="add-column">\nAsk first.\n\n<AfterRun>\nPoint at the grid.\n</AfterRun>\n</SpeakerNotes>\n',
    )
    assert.deepEqual(problems, [])
    assert.equal(lessons.length, 1)
  })

  it('names the line of each <AfterRun> the presenter could not place', async () => {
    const { lessons, problems } = await loadNotes(
      [
        '',
        '<SpeakerNotes>\nThe lesson.\n\n<AfterRun>\nNo step.\n</AfterRun>\n</SpeakerNotes>',
        '<SpeakerNotes step="serve">\n<AfterRun>\nFirst.\n</AfterRun>\n\nBefore, but last.\n</SpeakerNotes>',
        '<SpeakerNotes step="add-column">\nAsk.\n\n<AfterRun when="now">\n</AfterRun>\n</SpeakerNotes>',
        'In the prose: <AfterRun>inline</AfterRun>.',
        '<AfterRun>\nOutside any notes.\n</AfterRun>',
        '',
      ].join('\n\n'),
    )
    assert.deepEqual(lessons, [])
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:13: AfterRun: notes on the whole lesson have no run to come after: put <AfterRun> in notes with step="…"',
      'content/lessons/01-notes/lesson.mdx:19: AfterRun: must be the last block of its notes: what to say before the run comes first, above it',
      'content/lessons/01-notes/lesson.mdx:29: AfterRun: takes no attributes: <AfterRun>…</AfterRun>',
      'content/lessons/01-notes/lesson.mdx:29: AfterRun: is empty: write what to point at once the step has run, or leave <AfterRun> out',
      'content/lessons/01-notes/lesson.mdx:33: AfterRun: inline in a paragraph: put <AfterRun> on lines of its own, with a blank line before it',
      'content/lessons/01-notes/lesson.mdx:35: AfterRun: outside <SpeakerNotes step="…">: it holds what to say once that step has run, so it goes directly inside those notes, as their last block',
    ])
  })

  it('loads the projector layout a step’s notes name, and any other step takes overview', async () => {
    const { lessons, problems } = await loadNotes(
      '\n<SpeakerNotes step="add-column" projector="terminal">\nType <TerminalSnippet>\\d t</TerminalSnippet> and show the Versions × endpoints grid.\n</SpeakerNotes>\n',
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(lessons[0]?.projectorByStep, { 'add-column': 'terminal' })
  })

  it('refuses step notes that point the class at a panel their layout does not show, naming one that does', async () => {
    const { lessons, problems } = await loadNotes(
      [
        '',
        '<SpeakerNotes>\nKeep Sessions and locks and the Invariants in mind all lesson.\n</SpeakerNotes>',
        '<SpeakerNotes step="serve">\nPoint at Sessions and locks.\n</SpeakerNotes>',
        '<SpeakerNotes step="add-column" projector="locks">\nThen the Traffic chart.\n</SpeakerNotes>',
        '',
      ].join('\n\n'),
    )
    assert.deepEqual(lessons, [])
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:14: SpeakerNotes.projector: the notes point at sessions, which the projector\'s overview layout does not show (it shows traffic, terminal, versions); name a layout that shows every panel the notes mention: projector="locks"',
      'content/lessons/01-notes/lesson.mdx:18: SpeakerNotes.projector: the notes point at traffic, which the projector\'s locks layout does not show (it shows sessions, terminal); name a layout that shows every panel the notes mention: projector="overview" or "data"',
    ])
  })

  it('takes a panel shown by the layout a note tells the presenter to press, and refuses a layout that is not one', async () => {
    const { problems } = await loadNotes(
      [
        '',
        '<SpeakerNotes step="serve">\nPress 2 and point at Sessions and locks.\n</SpeakerNotes>',
        '<SpeakerNotes step="add-column" projector="big">\nNotes.\n</SpeakerNotes>',
        '',
      ].join('\n\n'),
    )
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:14: SpeakerNotes.projector: is one of overview, locks, data, terminal, written as a string; found "big"',
    ])
  })

  it('refuses notes inline in a paragraph', async () => {
    const { problems } = await loadNotes('\nSome prose <SpeakerNotes>hidden</SpeakerNotes> goes on.\n')
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/01-notes/lesson.mdx:9: SpeakerNotes: inline in a paragraph: put <SpeakerNotes> on lines of its own, with a blank line before it',
    ])
  })
})
