'use client'

import type { SchemaView, WorkbenchStep } from '@/lib/workbench'
import { useState } from 'react'
import { isCommentLine } from '../line-diff'
import { SolutionDiff, solutionForEditor } from '../SolutionDiff'
import { SharedAttemptNotice, ShareLinkView } from './ShareAttempt'
import { StepEditor } from './StepEditor'
import type { StepCommands } from './use-step-commands'
import type { StepFeedback } from './use-step-feedback'
import type { SharedAttemptState } from './use-shared-attempt'
import type { ShareLink } from './use-share-link'

/** What the step at hand is drawn from. */
export interface StepAtHandProps {
  step: WorkbenchStep
  /** The step's index in the lesson. */
  index: number
  /** The SQL in the editor: a shared attempt shown, else the learner's, else the starter. */
  sql: string
  schema: SchemaView | undefined
  sharedAttempt: SharedAttemptState
  /** Whether the editor shows a share link's attempt. */
  isShowingSharedAttempt: boolean
  dismissSharedAttempt(): void
  /** Whether this workbench makes and opens share links (the learner's lesson page). */
  takesSharedAttempts: boolean
  shareLink: ShareLink | undefined
  share(): Promise<void>
  isLive: boolean
  isRunning: boolean
  hasLastRunBroken: boolean
  feedback: Pick<StepFeedback, 'showSolution' | 'setShowSolution' | 'editorError'>
  commands: Pick<StepCommands, 'run' | 'edit' | 'stop'>
}

/**
 * The step at hand: its heading, a share link's notice, the editor (or the step's summary), the
 * buttons to run it, the naive way, the share link made, and the solution when asked for.
 */
export function StepAtHand(props: StepAtHandProps) {
  const { step, index, sql, feedback, commands } = props
  return (
    <>
      <h3 id="workbench-step-heading">
        Step {index + 1}: {step.title}
      </h3>
      <SharedAttemptNotice
        sharedAttempt={props.sharedAttempt}
        isShown={props.isShowingSharedAttempt}
        index={index}
        onDismiss={props.dismissSharedAttempt}
      />
      {step.isEditable ? (
        <StepEditor
          step={step}
          index={index}
          sql={sql}
          schema={props.schema}
          error={feedback.editorError}
          onEdit={commands.edit}
          onRun={() => void commands.run('yours')}
        />
      ) : (
        <p>{step.summary}</p>
      )}
      <StepActions {...props} />
      {step.naive !== undefined && step.isEditable && <NaiveWay naive={step.naive} />}
      {props.shareLink?.step === step.id && <ShareLinkView shareLink={props.shareLink} index={index} />}
      {feedback.showSolution && step.isExercise && step.solution !== undefined && (
        <SolutionAtHand step={step} solution={step.solution} sql={sql} onEdit={commands.edit} />
      )}
    </>
  )
}

/**
 * The lesson's own lines in the starter, by their text: its comments and its locked lines. Kept
 * in the learner's SQL they are the lesson's words, never a difference of the learner's.
 */
export function lessonLinesOf(step: WorkbenchStep): string[] {
  const lines = step.starter.split('\n')
  return lines.filter((line, index) => isCommentLine(line) || step.lockedLines.includes(index + 1))
}

// The solution against the editor's SQL, and the way to load it (and to put the learner's back).
function SolutionAtHand({
  step,
  solution,
  sql,
  onEdit,
}: {
  step: WorkbenchStep
  solution: string
  sql: string
  onEdit(sql: string): void
}) {
  // what the editor held before the solution was loaded, for this step
  const [yoursBefore, setYoursBefore] = useState<{ step: string; sql: string }>()
  const loaded = solutionForEditor(step.starter, solution)
  const canPutBack = yoursBefore?.step === step.id && sql === loaded
  return (
    <SolutionDiff
      yours={sql}
      solution={solution}
      lockedLines={lessonLinesOf(step)}
      actions={
        <div className="workbench-actions">
          {canPutBack ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                onEdit(yoursBefore.sql)
                setYoursBefore(undefined)
              }}
            >
              Put yours back
            </button>
          ) : (
            sql !== loaded && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setYoursBefore({ step: step.id, sql })
                  onEdit(loaded)
                }}
              >
                Put the solution in the editor
              </button>
            )
          )}
        </div>
      }
    />
  )
}

function StepActions({
  step,
  index,
  isLive,
  isRunning,
  hasLastRunBroken,
  takesSharedAttempts,
  share,
  feedback: { showSolution, setShowSolution },
  commands: { run, stop },
}: StepAtHandProps) {
  return (
    <div className="workbench-actions">
      {isRunning ? (
        // takes the Run button's place, so the key that ran the step finds the Stop
        <button type="button" className="danger" onClick={() => void stop()}>
          Stop step {index + 1}
        </button>
      ) : (
        <button type="button" onClick={() => void run('yours')} disabled={!isLive}>
          Run step
        </button>
      )}
      {step.naive !== undefined && (
        <button
          type="button"
          className="secondary"
          onClick={() => void run('naive')}
          disabled={!isLive || isRunning}
        >
          Try the naive way
        </button>
      )}
      {takesSharedAttempts && step.isEditable && (
        <button type="button" className="secondary" onClick={() => void share()}>
          Share my attempt
        </button>
      )}
      {step.isExercise && step.solution !== undefined && (
        <button
          type="button"
          className="secondary"
          aria-expanded={showSolution}
          onClick={() => setShowSolution((shown) => !shown)}
        >
          {showSolution ? 'Hide the solution' : 'Show the solution'}
        </button>
      )}
      <span className="muted workbench-hint">
        {isRunning
          ? 'Running… Stop cancels its statement, as Ctrl+C in psql does.'
          : hasLastRunBroken
            ? `Runs step ${index + 1} again from where it started.`
            : step.isEditable && (
                <>
                  <kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the editor runs
                </>
              )}
      </span>
    </div>
  )
}

// one statement reads on one line; a longer naive way keeps its lines
function NaiveWay({ naive }: { naive: string }) {
  return naive.includes('\n') ? (
    <div className="muted workbench-naive">
      <p>The naive way:</p>
      {/* focusable, so a keyboard can scroll a long line into view */}
      <pre tabIndex={0}>
        <code>{naive}</code>
      </pre>
    </div>
  ) : (
    <p className="muted workbench-naive">
      The naive way: <code>{naive}</code>
    </p>
  )
}
