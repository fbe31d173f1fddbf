import type { StepVerdict } from '@/lib/workbench'
import type { LessonProgress } from '../lesson-progress'
import type { LiveState } from './use-workbench'

/**
 * What the workbench keeps of the lesson as it resets, to undo the reset: the database itself
 * (a snapshot), the progress (verdicts and SQL), and what the simulation needs to go on from
 * there: the step at hand, this run's verdicts, the deployment, the clock, the database's state
 * and the traffic's rate.
 */
export interface BeforeReset {
  database: Blob
  progress: LessonProgress
  nextStep: number
  verdicts: Record<number, StepVerdict>
  deployment: Record<string, number>
  previousDeployment?: Record<string, number>
  nowMs: number
  databaseState: LiveState['databaseState']
  requestsPerSecond: number
  /** What an undo will not bring back (see `notRestoredBy`). */
  notRestored: string[]
}

/** Keeps what an undo needs from the live state at the reset, with the database saved then. */
export function saveBeforeReset(state: LiveState, progress: LessonProgress, database: Blob): BeforeReset {
  return {
    database,
    progress,
    nextStep: state.nextStep,
    verdicts: state.verdicts,
    deployment: state.deployment,
    ...(state.previousDeployment && { previousDeployment: state.previousDeployment }),
    nowMs: state.nowMs,
    databaseState: state.databaseState,
    requestsPerSecond: state.requestsPerSecond,
    notRestored: notRestoredBy(state),
  }
}

/**
 * What an undo cannot bring back, in words: the sessions that held a transaction open, or
 * waited, at the reset. A snapshot holds only what was committed, and the simulation resumed on
 * it starts with no sessions: a step's held session (lock-queue's `/users/` page) or a `begin;`
 * in the terminal is gone, with its locks. The app's own connections come back with its traffic.
 */
export function notRestoredBy(state: Pick<LiveState, 'sessions'>): string[] {
  return state.sessions
    .filter((session) => session.kind !== 'app')
    .map((session) => {
      const who = session.kind === 'console' && session.label === 'console' ? 'the terminal' : session.label
      return session.state.startsWith('idle in transaction')
        ? `${who}’s open transaction`
        : `${who}’s running statement`
    })
}
