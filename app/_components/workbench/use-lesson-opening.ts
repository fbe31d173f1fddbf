'use client'

import { useCallback, useEffect, useRef, type RefObject } from 'react'
import type { WorkerDatabase } from '@/lib/engine'
import type { WorkbenchStep } from '@/lib/workbench'
import { proseSectionOf } from '../lesson/prose-section'
import { firstUnpassedStep, type LessonProgress } from '../lesson-progress'
import type { LessonProgressHandle } from './use-lesson-progress'
import type { StepFeedback } from './use-step-feedback'
import type { PendingRestart } from './use-step-stop'
import type { StepCancelRequest, useWorkbench } from './use-workbench'

/** How the workbench opens the simulation at a step. */
export interface LessonOpening {
  /** Opens at `step`, replaying the steps before it with the SQL that passed them; resolves whether it opened. */
  openAt(step: number): Promise<boolean>
  /** The SQL that passed each step before `step` (null where the step runs its own), as `current` recorded it. */
  sqlBefore(step: number, current: LessonProgress): (string | null)[]
}

/**
 * Opens the simulation once the database and the stored progress are both there, at the step
 * the page asks for (the pinned one, the address's, else the first not passed), and again
 * where it stood after Stop replaced the worker.
 */
export function useLessonOpening({
  steps,
  stepIds,
  database,
  workerGeneration,
  initialStep,
  pinned,
  followsStepInUrl,
  workbench: { state, open },
  lessonProgress: { progressRef, hasLoadedProgress },
  feedback: { forgetRun, isRunRequestedRef, lastRunRef },
  pendingRestartRef,
}: {
  steps: WorkbenchStep[]
  stepIds: string[]
  database: WorkerDatabase | undefined
  workerGeneration: number
  initialStep: string | undefined
  /** The only step shown (an embed's), or -1. */
  pinned: number
  followsStepInUrl: boolean
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'open'>
  lessonProgress: Pick<LessonProgressHandle, 'progressRef' | 'hasLoadedProgress'>
  feedback: Pick<StepFeedback, 'forgetRun' | 'isRunRequestedRef' | 'lastRunRef'>
  /** Why the worker is being replaced, when the page replaced it on purpose. */
  pendingRestartRef: RefObject<PendingRestart | undefined>
}): LessonOpening {
  const sqlBefore = useCallback(
    (step: number, current: LessonProgress) =>
      steps
        .slice(0, step)
        .map((candidate) =>
          candidate.isEditable && current.passed.includes(candidate.id)
            ? (current.sql[candidate.id] ?? null)
            : null,
        ),
    [steps],
  )

  const openAt = useCallback(
    (step: number) => {
      forgetRun()
      return open({ step, sql: sqlBefore(step, progressRef.current) })
    },
    [forgetRun, open, progressRef, sqlBefore],
  )

  // open once the database and the stored progress are both there, and again after Stop replaced the worker
  const openedFor = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!database || !hasLoadedProgress) return
    const key = `${workerGeneration}`
    if (openedFor.current === key) return
    const isFirst = openedFor.current === undefined
    openedFor.current = key
    const fromUrl = initialStep ? stepIds.indexOf(initialStep) : -1
    if (isFirst && fromUrl >= 0 && followsStepInUrl) {
      // a step's link opens the prose where the step begins: on a wide screen the workbench
      // stays beside it, on a narrow one the step dock at the foot holds the step's controls
      const prose = document.querySelector('.lesson-prose')
      const section = prose && proseSectionOf(prose, stepIds, fromUrl)
      section?.scrollIntoView({ block: 'start' })
      // beside the prose the workbench scrolls in its own box: it opens on the step at hand,
      // its editor and Run, rather than on the list of steps above them
      const box = document.querySelector<HTMLElement>('.lesson.has-workbench .workbench')
      const step = box?.querySelector('.workbench-step')
      if (box && step && getComputedStyle(box).overflowY === 'auto') {
        box.scrollTop += step.getBoundingClientRect().top - box.getBoundingClientRect().top - 8
      }
    }
    if (!isFirst) {
      const restart = pendingRestartRef.current
      pendingRestartRef.current = undefined
      isRunRequestedRef.current = false
      // Undo or Reset stopped a step this way: they open the lesson where they want it
      if (restart?.thenOpens) return
      // Stop replaced the worker, which came back at its last saved state: traffic resumes
      // there, and a step that was running comes back cancelled
      const running = state.runningStep
      const lastRun = lastRunRef.current
      const cancelled: StepCancelRequest | undefined =
        running === undefined
          ? undefined
          : {
              step: running,
              how: lastRun?.step === running && lastRun.how !== 'scripted' ? lastRun.how : 'yours',
              by: restart?.by ?? 'you',
              ...(restart?.statement !== undefined && { statement: restart.statement }),
            }
      void open({
        step: running ?? state.nextStep,
        sql: [],
        resume: {
          deployment: state.deployment,
          ...(state.previousDeployment && { previousDeployment: state.previousDeployment }),
          generation: workerGeneration,
          atMs: state.nowMs,
          ...(cancelled && { cancelled }),
        },
      })
      return
    }
    void openAt(
      pinned >= 0 ? pinned : fromUrl >= 0 ? fromUrl : firstUnpassedStep(progressRef.current, stepIds),
    )
  }, [
    database,
    followsStepInUrl,
    hasLoadedProgress,
    initialStep,
    isRunRequestedRef,
    lastRunRef,
    open,
    openAt,
    pendingRestartRef,
    pinned,
    progressRef,
    state,
    stepIds,
    workerGeneration,
  ])

  return { openAt, sqlBefore }
}
