import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { initialLiveState, reduceLiveState } from '../workbench/use-workbench'
import {
  foldTerminalOutput,
  keptTerminalChars,
  readPresentedLesson,
  readPresenterMessage,
} from './presenter-channel'

const envelope = { channel: 'cutover-presenter', version: 1, lesson: 'lock-queue' }

describe('the presenter channel', () => {
  it('passes on a snapshot of the live state, which the audience folds further with the same reducer', () => {
    const state = reduceLiveState(initialLiveState, { type: 'opening' })
    const message = readPresenterMessage(
      {
        ...envelope,
        kind: 'snapshot',
        state,
        view: { current: 2, sql: 'select 1;' },
        terminal: 'postgres=> ',
      },
      'lock-queue',
    )
    assert.deepEqual(message, {
      kind: 'snapshot',
      state,
      view: { current: 2, sql: 'select 1;' },
      terminal: 'postgres=> ',
    })
    const running = readPresenterMessage(
      { ...envelope, kind: 'action', action: { type: 'running', step: 2 } },
      'lock-queue',
    )
    assert.ok(running?.kind === 'action')
    assert.equal(reduceLiveState(state, running.action).runningStep, 2)
  })

  it('passes on a resume after a Stop and an undone reset, so the audience opens with the presenter', () => {
    const verdict = {
      type: 'verdict',
      step: 0,
      how: 'solution',
      passed: true,
      expectations: [],
      result: { ok: true },
    }
    const actions = [
      { type: 'opening', resuming: true },
      {
        type: 'opened',
        opened: { step: 1, nowMs: 40_000 },
        speed: 1,
        resumed: true,
        undoneReset: { verdicts: { 0: verdict } },
      },
    ].map((action) => readPresenterMessage({ ...envelope, kind: 'action', action }, 'lock-queue'))
    const state = actions.reduce(
      (folded, message) => (message?.kind === 'action' ? reduceLiveState(folded, message.action) : folded),
      initialLiveState,
    )
    assert.deepEqual([state.phase, state.nextStep, state.verdicts[0]?.passed], ['live', 1, true])
  })

  it('drops messages for another lesson, of another shape, or with fields of their own', () => {
    for (const data of [
      { ...envelope, lesson: 'split-column', kind: 'hello', id: 'a' },
      { ...envelope, kind: 'view', view: { current: -1, sql: '' } },
      { ...envelope, kind: 'action', action: { type: 'drop everything' } },
      { ...envelope, kind: 'hello', id: 'a', extra: true },
      { ...envelope, version: 2, kind: 'hello', id: 'a' },
      'hello',
    ])
      assert.equal(readPresenterMessage(data, 'lock-queue'), undefined)
  })

  it('keeps the terminal’s output for a late audience, cleared by a clear and cut to its last part', () => {
    assert.equal(
      foldTerminalOutput(foldTerminalOutput('', { kind: 'write', text: 'a' }), { kind: 'write', text: 'b' }),
      'ab',
    )
    assert.equal(foldTerminalOutput('abc', { kind: 'clear' }), '')
    const long = foldTerminalOutput('line\n'.repeat(keptTerminalChars / 5), { kind: 'write', text: 'end' })
    assert.ok(long.length <= keptTerminalChars)
    assert.ok(long.startsWith('line\n') && long.endsWith('line\nend'))
  })

  it('carries what a step ran, apart from the editor, and what the projector shows', () => {
    const view = { current: 2, sql: 'select 1;', ran: { how: 'naive', text: 'drop table results;' } }
    assert.deepEqual(readPresenterMessage({ ...envelope, kind: 'view', view }, 'lock-queue'), {
      kind: 'view',
      view,
    })
    assert.equal(
      readPresenterMessage(
        { ...envelope, kind: 'view', view: { ...view, ran: { how: 'sideways', text: '' } } },
        'lock-queue',
      ),
      undefined,
    )
    assert.deepEqual(readPresenterMessage({ ...envelope, kind: 'screen', screen: 'black' }, 'lock-queue'), {
      kind: 'screen',
      screen: 'black',
    })
    assert.equal(
      readPresenterMessage({ ...envelope, kind: 'screen', screen: 'off' }, 'lock-queue'),
      undefined,
    )
  })

  it('lets a presenter take the audience to another lesson, by a slug and nothing else', () => {
    const presenting = { channel: 'cutover-presenter', version: 1, kind: 'presenting' }
    assert.equal(readPresentedLesson({ ...presenting, lesson: 'split-column' }), 'split-column')
    assert.equal(readPresentedLesson({ ...presenting, lesson: '../../evil?x=1' }), undefined)
    assert.equal(readPresentedLesson({ ...presenting, lesson: 'split-column', extra: true }), undefined)
  })
})
