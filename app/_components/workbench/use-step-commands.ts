'use client'

import { useRef, type RefObject } from 'react'
import type { WorkbenchStep } from '@/lib/workbench'
import { emptyProgress, forgetVerdicts } from '../lesson-progress'
import { saveBeforeReset, type BeforeReset } from './reset-undo'
import { findStepAtHand, type StepPosition } from './step-position'
import type { StepStop } from './use-step-stop'
import type { LessonOpening } from './use-lesson-opening'
import type { LessonProgressHandle } from './use-lesson-progress'
import type { StepFeedback } from './use-step-feedback'
import type { useWorkbench } from './use-workbench'
import type { ResetUndoOffer, ResetUndoOutcome, WorkbenchEvent } from './workbench-host'

/** What the learner (or a host's command) can do to the step at hand and the lesson. */
export interface StepCommands {
  /** Keeps the learner's edit to the step at hand's SQL; editing a shared attempt makes it theirs. */
  edit(sql: string): void
  /** Runs the step at hand: the learner's SQL, the naive way, or the solution. */
  run(how: 'yours' | 'naive' | 'solution'): Promise<void>
  /** Stops the running step (Stop, Ctrl+C, `cancel`, a host's `stop`): its verdict says so. */
  stop(): Promise<void>
  /** Forgets the last step run and opens the simulation where it stood before it (stopping it if it runs). */
  undo(): Promise<void>
  /** Forgets every verdict and opens the lesson at its start; resolves whether it opened. */
  resetLesson(): Promise<boolean>
  /** Forgets the progress, SQL included, and opens the lesson at its start. */
  resetProgress(): void
  /**
   * Puts an embed's one step back where it started, elsewhere the whole lesson, and tells the
   * host, with whether the reset can be undone: the database is saved first when it can be.
   */
  reset(): Promise<void>
  /** Brings back the lesson as the last reset found it (see `undoReset`), and tells the host how it went. */
  undoReset(): Promise<void>
}

// an undo resumes on a database the traffic wrote to before the reset: its sequences go on
// from a range of their own, above any a Stop's replaced worker uses (one a Stop, counted from 1)
const undoGenerationBase = 1000

/** The commands on the step at hand and the lesson: edit, run, undo and the resets. */
export function useStepCommands({
  steps,
  stepIds,
  pinned,
  at: { current, lastRunStep },
  sql,
  shownAttempt,
  dismissSharedAttempt,
  workbench: { state, open, runStep, act, snapshotDatabase },
  requestsPerSecond,
  opening: { openAt, sqlBefore },
  lessonProgress: { progressRef, saveProgress },
  feedback: { setEditorError, announce, lastRunRef, isRunRequestedRef, forgetRun },
  stepStop,
  onEventRef,
}: {
  steps: WorkbenchStep[]
  stepIds: string[]
  /** The only step shown (an embed's), or -1. */
  pinned: number
  at: Pick<StepPosition, 'current' | 'lastRunStep'>
  /** The SQL in the editor for the step at hand. */
  sql: string
  /** A share link's attempt, when the editor shows it. */
  shownAttempt: { step: string; sql: string } | undefined
  dismissSharedAttempt(): void
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'open' | 'runStep' | 'act' | 'snapshotDatabase'>
  /** The scenario's traffic rate: an undo sets the rate again only when the reset found another. */
  requestsPerSecond: number
  opening: LessonOpening
  lessonProgress: Pick<LessonProgressHandle, 'progressRef' | 'saveProgress'>
  feedback: Pick<
    StepFeedback,
    'setEditorError' | 'announce' | 'lastRunRef' | 'isRunRequestedRef' | 'forgetRun'
  >
  stepStop: StepStop
  onEventRef: RefObject<((event: WorkbenchEvent) => void) | undefined>
}): StepCommands {
  const isLive = state.phase === 'live'
  const isRunning = state.runningStep !== undefined
  const step = steps[current] as WorkbenchStep | undefined
  // the lesson as the last reset found it, until it is undone or a step runs
  const beforeResetRef = useRef<BeforeReset | undefined>(undefined)
  const undoCountRef = useRef(0)

  const edit = (value: string) => {
    if (!step) return
    setEditorError(undefined)
    // editing a shared attempt makes it the learner's SQL for this step
    if (shownAttempt) dismissSharedAttempt()
    saveProgress((current) => ({ ...current, sql: { ...current.sql, [step.id]: value } }))
  }

  const run = async (how: 'yours' | 'naive' | 'solution') => {
    if (!step || !isLive || isRunning || isRunRequestedRef.current) return
    isRunRequestedRef.current = true
    // a run after a reset is new work: undoing the reset would throw it away
    beforeResetRef.current = undefined
    setEditorError(undefined)
    const index = current
    // running a step that broke things again starts from where it started
    if (
      index < state.nextStep &&
      !(await open({ step: index, sql: sqlBefore(index, progressRef.current) }))
    ) {
      isRunRequestedRef.current = false
      return
    }
    lastRunRef.current = { step: index, how, sql }
    onEventRef.current?.({ type: 'run', step: index, how, text: textThatRuns(step, how, sql) })
    if (shownAttempt && how === 'yours') {
      // once run, the shared SQL is the learner's own for this step
      saveProgress((current) => ({ ...current, sql: { ...current.sql, [step.id]: shownAttempt.sql } }))
      dismissSharedAttempt()
    }
    if (!(await runStep(index, how, step.isEditable && how === 'yours' ? sql : undefined)))
      isRunRequestedRef.current = false
  }

  const stop = async () => {
    if (!isRunning) return
    announce(`Stopping step ${(state.runningStep ?? 0) + 1}…`)
    await stepStop.stop()
  }
  // Undo and the resets stop a running step first, then open where they want
  const stopFirst = async () => {
    if (isRunning) await stepStop.stop({ thenOpens: true })
  }
  const undo = async () => {
    if (lastRunStep < 0) return
    await stopFirst()
    saveProgress((current) => forgetVerdicts(current, [steps[lastRunStep].id]))
    announce(`Undid step ${lastRunStep + 1}: the database is back where it stood before it.`)
    await openAt(lastRunStep)
  }
  const resetLesson = async () => {
    await stopFirst()
    saveProgress((current) => forgetVerdicts(current, stepIds))
    announce('The lesson is back at its start.')
    return openAt(0)
  }
  const resetProgress = () => {
    void stopFirst().then(() => {
      saveProgress(() => emptyProgress)
      announce('Progress forgotten: every step is new again, with its starting SQL.')
      return openAt(0)
    })
  }
  // the database is saved before anything else changes it; a step running is not waited for,
  // and inside an open transaction Postgres has no consistent copy to give
  const saveForUndo = async (): Promise<ResetUndoOffer> => {
    beforeResetRef.current = undefined
    if (!isLive) return { ok: false, reason: 'the simulation was not running' }
    if (isRunning || isRunRequestedRef.current)
      return { ok: false, reason: 'a step was running, and it is stopped, not saved' }
    const progress = progressRef.current
    try {
      beforeResetRef.current = saveBeforeReset(state, progress, await snapshotDatabase())
    } catch (error) {
      return { ok: false, reason: `the database could not be saved (${(error as Error).message})` }
    }
    return { ok: true, notRestored: beforeResetRef.current.notRestored }
  }
  // an embed's one step goes back to where it started; elsewhere the whole lesson does
  const reset = async () => {
    if (!isLive && state.phase !== 'failed' && !isRunRequestedRef.current) return
    const undo = await saveForUndo()
    // a run still reopening the lesson gives way: the later open wins, and the run sees it
    await stopFirst()
    const step = pinned >= 0 ? pinned : 0
    if (pinned >= 0) {
      saveProgress((current) => forgetVerdicts(current, [steps[pinned].id]))
      announce(`Step ${pinned + 1} is back where it started.`)
      if (!(await openAt(pinned))) return
    } else if (!(await resetLesson())) return
    onEventRef.current?.({ type: 'reset', step, undo })
  }

  /**
   * Undoes the last reset for real: the simulation resumes on the database saved before it, at
   * the step it was at, with its verdicts (this run's and the saved progress), deployment, clock,
   * database state and traffic rate. What it cannot bring back is named by `notRestoredBy`: the
   * sessions that held a transaction open; and the charts start again from the undo.
   */
  const undoReset = async () => {
    const outcome = await undoLastReset()
    if (outcome.ok) {
      const kept =
        outcome.notRestored.length > 0 ? `; not brought back: ${outcome.notRestored.join(', ')}` : ''
      announce(`Undid the reset: back at step ${outcome.step + 1} as it stood${kept}.`)
    }
    onEventRef.current?.({ type: 'reset undone', outcome })
  }
  const undoLastReset = async (): Promise<ResetUndoOutcome> => {
    const saved = beforeResetRef.current
    if (!saved) return { ok: false, reason: 'there is no reset to undo: a step ran since, or none was made' }
    if (!isLive && state.phase !== 'failed') return { ok: false, reason: 'the lesson is still opening' }
    beforeResetRef.current = undefined
    await stopFirst()
    saveProgress(() => saved.progress)
    forgetRun()
    undoCountRef.current += 1
    const isOpen = await open({
      step: saved.nextStep,
      sql: [],
      resume: {
        database: saved.database,
        deployment: saved.deployment,
        ...(saved.previousDeployment && { previousDeployment: saved.previousDeployment }),
        generation: undoGenerationBase + undoCountRef.current,
        atMs: saved.nowMs,
      },
      undoneReset: { verdicts: saved.verdicts },
    })
    if (!isOpen) return { ok: false, reason: 'the simulation did not open on the saved database' }
    // `db stop`, `db hang` and `traffic` typed before the reset hold again
    if (saved.databaseState !== 'up')
      await act({ action: 'database', state: saved.databaseState === 'down' ? 'stop' : 'hang' })
    if (saved.requestsPerSecond !== requestsPerSecond)
      await act({ action: 'traffic', requestsPerSecond: saved.requestsPerSecond })
    const { current: step } = findStepAtHand(
      { nextStep: saved.nextStep, verdicts: saved.verdicts },
      steps.length,
      pinned,
    )
    return { ok: true, step, notRestored: saved.notRestored }
  }

  return { edit, run, stop, undo, resetLesson, resetProgress, reset, undoReset }
}

// What a run of the step runs, as a projector should show it: the learner's text only when it
// is theirs to write and they run it; the naive way's or the solution's otherwise.
function textThatRuns(step: WorkbenchStep, how: 'yours' | 'naive' | 'solution', sql: string): string {
  if (how === 'naive') return step.naive ?? step.summary
  if (how === 'solution') return step.solution ?? step.summary
  return step.isEditable ? sql : step.summary
}
