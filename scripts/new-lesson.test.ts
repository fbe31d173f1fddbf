import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { buildSnapshot } from '../lib/engine/node'
import { describeProblem, loadLessons } from '../lib/scenario/node'
import { createLesson } from './new-lesson'

describe('npm run lesson:new', () => {
  let lessonsDir: string
  before(async () => {
    lessonsDir = await mkdtemp(join(tmpdir(), 'cutover-new-lesson-'))
    await mkdir(join(lessonsDir, '03-lock-queue'))
    await writeFile(join(lessonsDir, '03-lock-queue', 'lesson.mdx'), 'an author’s work\n')
  })
  after(() => rm(lessonsDir, { recursive: true, force: true }))

  it('makes a lesson.mdx, a setup.sql and a scenario.yaml in the NN-slug folder', async () => {
    const result = await createLesson(lessonsDir, '07-add-index')
    assert.deepEqual(result, {
      ok: true,
      folder: '07-add-index',
      files: ['lesson.mdx', 'setup.sql', 'scenario.yaml'],
    })
    assert.deepEqual((await readdir(join(lessonsDir, '07-add-index'))).sort(), [
      'lesson.mdx',
      'scenario.yaml',
      'setup.sql',
    ])
  })

  it('makes a lesson the loader reads without a problem: one step, one claim', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-new-lesson-'))
    try {
      await createLesson(dir, '01-first-steps')
      const { lessons, problems } = await loadLessons(dir, dir)
      assert.deepEqual(problems.map(describeProblem), [])
      const [lesson] = lessons
      assert.deepEqual(
        { slug: lesson.slug, title: lesson.meta.title, steps: lesson.scenario?.steps.map((step) => step.id) },
        { slug: 'first-steps', title: 'First steps', steps: ['serve'] },
      )
      assert.deepEqual(lesson.scenario?.steps[0].expect, { versions: { v1: 'ok' } })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('makes a setup.sql that builds the starting database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-new-lesson-'))
    try {
      await createLesson(dir, '01-first-steps')
      const built = await buildSnapshot(await readFile(join(dir, '01-first-steps', 'setup.sql'), 'utf8'))
      assert.deepEqual(built.ok ? 'built' : built.error, 'built')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a name that is not two digits and a kebab-case slug', async () => {
    for (const name of ['7-add-index', '007-add-index', '07_add_index', '07-Add-Index', '07-', 'add-index']) {
      const result = await createLesson(lessonsDir, name)
      assert.deepEqual(result.ok, false, name)
      assert.match(result.ok ? '' : result.error, /is not NN-slug/, name)
    }
  })

  it('refuses a number another lesson has, and leaves that lesson as it was', async () => {
    assert.deepEqual(await createLesson(lessonsDir, '03-lock-queue'), {
      ok: false,
      error: 'number 03 is taken by 03-lock-queue',
    })
    assert.deepEqual(await createLesson(lessonsDir, '03-other-queue'), {
      ok: false,
      error: 'number 03 is taken by 03-lock-queue',
    })
    assert.equal(
      await readFile(join(lessonsDir, '03-lock-queue', 'lesson.mdx'), 'utf8'),
      'an author’s work\n',
    )
    assert.deepEqual(await readdir(join(lessonsDir, '03-lock-queue')), ['lesson.mdx'])
  })

  it('refuses a slug another lesson has under another number', async () => {
    assert.deepEqual(await createLesson(lessonsDir, '04-lock-queue'), {
      ok: false,
      error: 'slug lock-queue is taken by 03-lock-queue',
    })
  })

  it('refuses a folder that is not there', async () => {
    const result = await createLesson(join(lessonsDir, 'nowhere'), '01-first-steps')
    assert.match(result.ok ? '' : result.error, /is not a folder of lessons$/)
  })

  it('exits 1 with one line when run with a bad name, touching nothing', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-lesson.ts', 'Bad Name'], {
      encoding: 'utf8',
    })
    assert.deepEqual(
      { status: run.status, stderr: run.stderr, stdout: run.stdout },
      {
        status: 1,
        stderr:
          'error: "Bad Name" is not NN-slug: two digits, a dash, then lowercase words joined by dashes (07-add-index)\n',
        stdout: '',
      },
    )
  })
})
