import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SessionView } from '@/lib/workbench'
import { emptyProgress } from '../lesson-progress'
import { notRestoredBy, saveBeforeReset } from './reset-undo'
import { initialLiveState } from './use-workbench'

const session = (kind: SessionView['kind'], label: string, state: SessionView['state']): SessionView => ({
  owner: 1,
  kind,
  label,
  state,
  sql: 'select 1',
  sinceMs: 0,
  locks: [],
  blockedBy: [],
})

describe('undoing a reset', () => {
  it('names the sessions a resumed simulation cannot bring back, but not the app’s, which its traffic does', () => {
    const sessions = [
      session('app', 'v1.0.0', 'idle in transaction'),
      session('session', 'v1.0.0-users-page', 'idle in transaction'),
      session('console', 'console', 'idle in transaction (aborted)'),
      session('console', 'create index', 'waiting'),
    ]
    assert.deepEqual(notRestoredBy({ sessions }), [
      'v1.0.0-users-page’s open transaction',
      'the terminal’s open transaction',
      'create index’s running statement',
    ])
  })

  it('keeps what the simulation goes on from, with the database and the progress as they were', () => {
    const database = new Blob(['saved'])
    const state = {
      ...initialLiveState,
      phase: 'live' as const,
      nextStep: 2,
      nowMs: 41_000,
      deployment: { 'v1.0.1': 100 },
      previousDeployment: { 'v1.0.0': 100 },
      databaseState: 'hanging' as const,
      requestsPerSecond: 0,
      sessions: [session('session', 'v1.0.0-users-page', 'idle in transaction')],
    }
    const progress = { ...emptyProgress, passed: ['serve', 'users-page'] }
    assert.deepEqual(saveBeforeReset(state, progress, database), {
      database,
      progress,
      nextStep: 2,
      verdicts: {},
      deployment: { 'v1.0.1': 100 },
      previousDeployment: { 'v1.0.0': 100 },
      nowMs: 41_000,
      databaseState: 'hanging',
      requestsPerSecond: 0,
      notRestored: ['v1.0.0-users-page’s open transaction'],
    })
  })
})
