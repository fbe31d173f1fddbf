import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { buildSnapshot } from '../../lib/engine/node'
import { describeProblem, loadLessons } from '../../lib/scenario/node'

const { lessons, problems } = await loadLessons(join(process.cwd(), 'content', 'lessons'))

describe('the course content', () => {
  it('has no malformed lesson', () => {
    assert.deepEqual(problems.map(describeProblem), [])
  })

  it('has at least one lesson', () => {
    assert.ok(lessons.length > 0)
  })

  for (const lesson of lessons) {
    it(`builds the starting database of ${lesson.folder}`, async () => {
      const built = await buildSnapshot(lesson.setupSql)
      assert.deepEqual(built.ok ? 'built' : built.error, 'built')
    })
  }
})
