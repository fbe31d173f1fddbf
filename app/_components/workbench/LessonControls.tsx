import type { StepCommands } from './use-step-commands'

/**
 * The buttons that take the simulation back: an embed's Reset the step, or the lesson page's
 * Undo of the last step run, Reset the lesson and Reset progress. Each stops a running step
 * first, so none waits for it.
 */
export function LessonControls({
  isPinned,
  lastRunStep,
  isLive,
  isFailed,
  commands: { reset, undo, resetLesson, resetProgress },
}: {
  /** Whether the workbench shows one step only (an embed). */
  isPinned: boolean
  /** The last step run, or -1 before any has. */
  lastRunStep: number
  isLive: boolean
  /** Whether the simulation could not open (an embed's reset tries again). */
  isFailed: boolean
  commands: Pick<StepCommands, 'reset' | 'undo' | 'resetLesson' | 'resetProgress'>
}) {
  return isPinned ? (
    <div className="workbench-actions">
      <button
        type="button"
        className="secondary"
        onClick={() => void reset()}
        disabled={!isLive && !isFailed}
      >
        Reset the step
      </button>
    </div>
  ) : (
    <div className="workbench-actions">
      <button
        type="button"
        className="secondary"
        onClick={() => void undo()}
        disabled={!isLive || lastRunStep < 0}
      >
        {lastRunStep >= 0 ? `Undo step ${lastRunStep + 1}` : 'Undo'}
      </button>
      <button type="button" className="secondary" onClick={() => void resetLesson()} disabled={!isLive}>
        Reset the lesson
      </button>
      <button type="button" className="secondary" onClick={resetProgress}>
        Reset progress
      </button>
    </div>
  )
}
