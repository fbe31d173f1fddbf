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
})
