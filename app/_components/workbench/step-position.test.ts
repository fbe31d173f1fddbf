import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StepVerdict } from '@/lib/workbench'
import { emptyProgress } from '../lesson-progress'
import { findStepAtHand, readStepState } from './step-position'

function verdict(step: number, passed: boolean): StepVerdict {
  return { type: 'verdict', step, how: 'yours', passed, expectations: [], result: { ok: true } }
}

describe('the step at hand', () => {
  it('is the next step to run, and the number of steps once every one has run', () => {
    assert.deepEqual(findStepAtHand({ nextStep: 1, verdicts: { 0: verdict(0, true) } }, 3, -1), {
      current: 1,
      lastRunStep: 0,
      hasLastRunBroken: false,
    })
    assert.equal(findStepAtHand({ nextStep: 3, verdicts: {} }, 3, -1).current, 3)
  })

  it('stays at a step that broke things, so it can be fixed and run again', () => {
    assert.deepEqual(findStepAtHand({ nextStep: 2, verdicts: { 1: verdict(1, false) } }, 3, -1), {
      current: 1,
      lastRunStep: 1,
      hasLastRunBroken: true,
    })
  })

  it('is the step running while it runs, and the pinned step whatever runs', () => {
    const running = { nextStep: 2, runningStep: 1, verdicts: { 1: verdict(1, false) } }
    assert.deepEqual(findStepAtHand(running, 3, -1), { current: 1, lastRunStep: 1, hasLastRunBroken: false })
    assert.equal(findStepAtHand(running, 3, 2).current, 2)
  })
})

describe('where a step stands', () => {
  const progress = { ...emptyProgress, passed: ['a'], broke: ['b'] }
  const state = { nextStep: 3, runningStep: undefined, verdicts: {} }

  it('is passed or applied for the steps replayed on opening, as the progress recorded them: one that broke was replayed the safe way', () => {
    assert.deepEqual(
      ['a', 'b', 'c'].map((id, index) => readStepState(index, id, { state, progress, current: 3 })),
      ['passed', 'applied', 'applied'],
    )
  })

  it('is what its verdict said for a step run since the lesson opened', () => {
    const run = { ...state, verdicts: { 1: verdict(1, false), 2: verdict(2, true) } }
    assert.deepEqual(
      ['a', 'b', 'c'].map((id, index) => readStepState(index, id, { state: run, progress, current: 3 })),
      ['passed', 'broke things', 'passed'],
    )
  })

  it('is current for the step at hand, running for the step running, and not run after them', () => {
    assert.equal(readStepState(3, 'd', { state, progress, current: 3 }), 'current')
    assert.equal(readStepState(4, 'e', { state, progress, current: 3 }), 'not run')
    const running = { nextStep: 3, runningStep: 3, verdicts: {} }
    assert.equal(readStepState(3, 'd', { state: running, progress, current: 3 }), 'running')
  })
})
