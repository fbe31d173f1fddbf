import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StepVerdict, WorkbenchBatch } from '@/lib/workbench'
import { initialLiveState, reduceLiveState, type LiveAction, type LiveState } from './use-workbench'

const batch = (nowMs: number, what: string): WorkbenchBatch => ({
  ...initialLiveState,
  type: 'workbench',
  nowMs,
  audit: [{ atMs: nowMs, actor: 'lesson', what }],
  schemaChanged: false,
})

const verdict = (step: number): StepVerdict => ({
  type: 'verdict',
  step,
  how: 'solution',
  passed: true,
  expectations: [],
  result: { ok: true },
})

const fold = (actions: LiveAction[]): LiveState => actions.reduce(reduceLiveState, initialLiveState)

describe('the live state', () => {
  it('keeps the audit log in time order across an undo, but for the one line that marks the rewind', () => {
    const state = fold([
      { type: 'opening' },
      { type: 'opened', opened: { step: 0, nowMs: 0 }, speed: 1, resumed: false },
      { type: 'batch', batch: batch(40_000, 'step 1 passed') },
      { type: 'batch', batch: batch(130_000, 'step 4 passed') },
      // undo step 4: the steps before it replay on a new clock
      { type: 'opening' },
      { type: 'opened', opened: { step: 3, nowMs: 31_000 }, speed: 1, resumed: false },
      { type: 'batch', batch: batch(32_000, 'ran step 4') },
    ])
    const times = state.audit.map((entry) => entry.atMs)
    const backwards = times.flatMap((atMs, index) => (index > 0 && atMs < times[index - 1] ? [index] : []))
    assert.deepEqual(backwards, [3])
    assert.equal(state.audit[3].rewoundFromMs, 130_000)
    assert.match(state.audit[3].what, /^reopened at the start of step 4; the clock went back from 02:10/)
  })

  it('brings back the verdicts of a run whose reset is undone, and says so in the audit log', () => {
    const state = fold([
      { type: 'opening' },
      { type: 'opened', opened: { step: 0, nowMs: 0 }, speed: 1, resumed: false },
      { type: 'verdict', verdict: verdict(0) },
      // the reset
      { type: 'opening' },
      { type: 'opened', opened: { step: 0, nowMs: 0 }, speed: 1, resumed: false },
      { type: 'opening', resuming: true },
      {
        type: 'opened',
        opened: { step: 1, nowMs: 40_000 },
        speed: 1,
        resumed: true,
        undoneReset: { verdicts: { 0: verdict(0) } },
      },
    ])
    assert.deepEqual([state.nextStep, state.verdicts], [1, { 0: verdict(0) }])
    assert.equal(state.audit.at(-1)?.what, 'undid the reset: back at step 2 on the database saved before it')
  })

  it('drops a verdict that arrives while the workbench reopens: it is the earlier run’s', () => {
    const opened = fold([
      { type: 'opening' },
      { type: 'opened', opened: { step: 0, nowMs: 0 }, speed: 1, resumed: false },
      { type: 'running', step: 8 },
      { type: 'opening' },
    ])
    const late = reduceLiveState(opened, { type: 'verdict', verdict: verdict(8) })
    assert.deepEqual(late.verdicts, {})
  })
})
