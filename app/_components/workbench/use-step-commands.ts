'use client'

import type { RefObject } from 'react'
import type { WorkbenchStep } from '@/lib/workbench'
import { emptyProgress, forgetVerdicts } from '../lesson-progress'
import type { StepPosition } from './step-position'
import type { StepStop } from './use-step-stop'
import type { LessonOpening } from './use-lesson-opening'
import type { LessonProgressHandle } from './use-lesson-progress'
import type { StepFeedback } from './use-step-feedback'
import type { useWorkbench } from './use-workbench'
import type { WorkbenchEvent } from './workbench-host'

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
  /** Puts an embed's one step back where it started, elsewhere the whole lesson, and tells the host. */
  reset(): Promise<void>
}

/** The commands on the step at hand and the lesson: edit, run, undo and the resets. */
export function useStepCommands({
  steps,
  stepIds,
  pinned,
  at: { current, lastRunStep },
  sql,
  shownAttempt,
  dismissSharedAttempt,
  workbench: { state, open, runStep },
  opening: { openAt, sqlBefore },
  lessonProgress: { progressRef, saveProgress },
  feedback: { setEditorError, announce, lastRunRef, isRunRequestedRef },
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
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'open' | 'runStep'>
  opening: LessonOpening
  lessonProgress: Pick<LessonProgressHandle, 'progressRef' | 'saveProgress'>
  feedback: Pick<StepFeedback, 'setEditorError' | 'announce' | 'lastRunRef' | 'isRunRequestedRef'>
  stepStop: StepStop
  onEventRef: RefObject<((event: WorkbenchEvent) => void) | undefined>
}): StepCommands {
  const isLive = state.phase === 'live'
  const isRunning = state.runningStep !== undefined
  const step = steps[current] as WorkbenchStep | undefined

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
  // an embed's one step goes back to where it started; elsewhere the whole lesson does
  const reset = async () => {
    if (!isLive && state.phase !== 'failed' && !isRunRequestedRef.current) return
    // a run still reopening the lesson gives way: the later open wins, and the run sees it
    await stopFirst()
    const step = pinned >= 0 ? pinned : 0
    if (pinned >= 0) {
      saveProgress((current) => forgetVerdicts(current, [steps[pinned].id]))
      announce(`Step ${pinned + 1} is back where it started.`)
      if (!(await openAt(pinned))) return
    } else if (!(await resetLesson())) return
    onEventRef.current?.({ type: 'reset', step })
  }

  return { edit, run, stop, undo, resetLesson, resetProgress, reset }
}

// What a run of the step runs, as a projector should show it: the learner's text only when it
// is theirs to write and they run it; the naive way's or the solution's otherwise.
function textThatRuns(step: WorkbenchStep, how: 'yours' | 'naive' | 'solution', sql: string): string {
  if (how === 'naive') return step.naive ?? step.summary
  if (how === 'solution') return step.solution ?? step.summary
  return step.isEditable ? sql : step.summary
}
