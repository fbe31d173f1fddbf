'use client'

import { useCallback, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react'
import type { StepRunHow, StepVerdict, WorkbenchStep } from '@/lib/workbench'
import { placeStatementError } from '../error-place'
import { recordVerdict } from '../lesson-progress'
import type { SqlEditorError } from '../SqlEditor'
import type { LessonProgressHandle } from './use-lesson-progress'
import type { WorkbenchEvent } from './workbench-host'

/** The last run asked for: which step, how, and the SQL it ran. */
export interface StepRun {
  step: number
  how: StepRunHow
  sql: string
}

/** What the step at hand shows of its runs, and what a verdict changes there. */
export interface StepFeedback {
  showSolution: boolean
  setShowSolution: Dispatch<SetStateAction<boolean>>
  /** Postgres's error placed in the editor, until the learner edits. */
  editorError: SqlEditorError | undefined
  setEditorError: Dispatch<SetStateAction<SqlEditorError | undefined>>
  /** Read out by screen readers: what the last command did. */
  announcement: string
  announce(text: string): void
  lastRunRef: RefObject<StepRun | undefined>
  /**
   * Set the moment a run is asked for, before the worker hears of it, so a second Run (or a
   * host's status question) in the same instant sees it.
   */
  isRunRequestedRef: RefObject<boolean>
  /** Records a verdict, tells the host, announces it and underlines a failed statement. */
  onVerdict(verdict: StepVerdict): void
  /** Hides the solution and the error, and ends any run asked for: its verdict will not come. */
  forgetRun(): void
}

/** The feedback on the learner's runs: the solution shown, the error placed, the announcement. */
export function useStepFeedback({
  steps,
  saveProgress,
  onEventRef,
}: {
  steps: WorkbenchStep[]
  saveProgress: LessonProgressHandle['saveProgress']
  onEventRef: RefObject<((event: WorkbenchEvent) => void) | undefined>
}): StepFeedback {
  const [showSolution, setShowSolution] = useState(false)
  const [editorError, setEditorError] = useState<SqlEditorError | undefined>()
  const [announcement, setAnnouncement] = useState('')
  const lastRunRef = useRef<StepRun | undefined>(undefined)
  const isRunRequestedRef = useRef(false)

  const onVerdict = useCallback(
    (verdict: StepVerdict) => {
      const step = steps[verdict.step]
      if (!step) return
      isRunRequestedRef.current = false
      onEventRef.current?.({ type: 'verdict', verdict })
      // a step stopped before its claims were judged neither passed nor broke things
      if (verdict.cancelled) {
        setAnnouncement(
          verdict.cancelled.by === 'you'
            ? `Step ${verdict.step + 1} cancelled by you.`
            : `Step ${verdict.step + 1} stopped: a statement ran longer than the real-time budget.`,
        )
        return
      }
      saveProgress((current) => recordVerdict(current, step.id, verdict.passed))
      const broke = verdict.expectations.find((expectation) => expectation.held)
      setAnnouncement(
        verdict.passed
          ? `Step ${verdict.step + 1} passed: everything it claims held.`
          : step.language === 'delmo'
            ? `Step ${verdict.step + 1} is not done yet.`
            : verdict.brokeAsTaught && broke
              ? `Step ${verdict.step + 1}, the naive way, broke things as the lesson says: ${broke.claim}.`
              : `Step ${verdict.step + 1} broke things.`,
      )
      const run = lastRunRef.current
      if (
        !verdict.passed &&
        verdict.result.ok === false &&
        run?.step === verdict.step &&
        run.how === 'yours'
      ) {
        setEditorError(placeStatementError(run.sql, verdict.result.error, verdict.result.statement))
      }
    },
    [onEventRef, saveProgress, steps],
  )

  const forgetRun = useCallback(() => {
    setShowSolution(false)
    setEditorError(undefined)
    isRunRequestedRef.current = false
  }, [])

  return {
    showSolution,
    setShowSolution,
    editorError,
    setEditorError,
    announcement,
    announce: setAnnouncement,
    lastRunRef,
    isRunRequestedRef,
    onVerdict,
    forgetRun,
  }
}
