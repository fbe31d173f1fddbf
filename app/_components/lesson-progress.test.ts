import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  emptyProgress,
  firstUnpassedStep,
  forgetVerdicts,
  parseProgress,
  recordVerdict,
} from './lesson-progress'

describe('lesson progress', () => {
  it('reads back what it stored', () => {
    const progress = recordVerdict({ ...emptyProgress, sql: { index: 'select 1' } }, 'serve', true)
    assert.deepEqual(parseProgress(JSON.stringify(progress)), {
      version: 1,
      passed: ['serve'],
      broke: [],
      sql: { index: 'select 1' },
    })
  })

  it('sets aside malformed or foreign storage as no progress', () => {
    assert.deepEqual(parseProgress('{not json'), emptyProgress)
    assert.deepEqual(parseProgress(JSON.stringify({ version: 2, passed: [] })), emptyProgress)
    assert.deepEqual(
      parseProgress(JSON.stringify({ version: 1, passed: 'all', broke: [], sql: {} })),
      emptyProgress,
    )
  })

  it('moves a step from broke to passed and back', () => {
    const broke = recordVerdict(emptyProgress, 'index', false)
    assert.deepEqual([broke.passed, broke.broke], [[], ['index']])
    const passed = recordVerdict(broke, 'index', true)
    assert.deepEqual([passed.passed, passed.broke], [['index'], []])
  })

  it('forgets verdicts on undo but keeps the SQL', () => {
    const progress = { version: 1 as const, passed: ['serve', 'index'], broke: [], sql: { index: 'x' } }
    assert.deepEqual(forgetVerdicts(progress, ['index']), { ...progress, passed: ['serve'] })
  })

  it('opens after the steps passed in a row from the start', () => {
    const steps = ['serve', 'index', 'after']
    assert.equal(firstUnpassedStep(emptyProgress, steps), 0)
    assert.equal(firstUnpassedStep({ ...emptyProgress, passed: ['serve', 'after'] }, steps), 1)
    assert.equal(firstUnpassedStep({ ...emptyProgress, passed: steps }, steps), 3)
  })
})
