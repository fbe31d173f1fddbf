'use client'

import type { StepVerdict, WorkbenchStep } from '@/lib/workbench'
import type { StepCommands } from './use-step-commands'

/**
 * The step at hand at the foot of a narrow screen, where the workbench sits far below the prose:
 * its number and title, how it last ended, Run (Stop while it runs), the naive way, and a link
 * to the editor and the panels. The lesson page's only; a wide screen has the workbench beside
 * the prose, and the dock hides.
 */
export function StepDock({
  step,
  index,
  count,
  isLive,
  isRunning,
  verdict,
  commands,
}: {
  step: WorkbenchStep | undefined
  index: number
  count: number
  isLive: boolean
  isRunning: boolean
  /** The verdict of the step last run, when it is the one before the step at hand or this one. */
  verdict: StepVerdict | undefined
  commands: Pick<StepCommands, 'run' | 'stop'>
}) {
  return (
    <div className="step-dock" role="region" aria-label="Step at hand">
      <p className="step-dock-title">
        {step ? (
          <>
            <a href="#workbench-step-heading">
              Step {index + 1} of {count}
            </a>
            : {step.title}
          </>
        ) : (
          <a href="#workbench-step-heading">Every step has run</a>
        )}
        {verdict && !isRunning && (
          <span className="step-dock-verdict" data-passed={verdict.passed}>
            {' '}
            · step {verdict.step + 1}{' '}
            {verdict.cancelled ? 'cancelled' : verdict.passed ? 'passed' : 'broke things'}
          </span>
        )}
      </p>
      {step && (
        <div className="step-dock-actions">
          {isRunning ? (
            <button type="button" className="danger" onClick={() => void commands.stop()}>
              Stop step {index + 1}
            </button>
          ) : (
            <button type="button" onClick={() => void commands.run('yours')} disabled={!isLive}>
              Run step {index + 1}
            </button>
          )}
          {step.naive !== undefined && (
            <button
              type="button"
              className="secondary"
              onClick={() => void commands.run('naive')}
              disabled={!isLive || isRunning}
            >
              Naive way
            </button>
          )}
          {step.isEditable && (
            <a className="step-dock-edit" href="#workbench-step-heading">
              {step.isExercise ? 'Edit' : 'Read'} the {step.language === 'delmo' ? 'test' : 'SQL'}
            </a>
          )}
        </div>
      )}
    </div>
  )
}
