import type { LessonProgress } from '../lesson-progress'
import type { LiveState } from './use-workbench'

/**
 * Where a step stands, as the list of steps shows it. `applied`: run to open the lesson at a
 * later step, with the learner's SQL or the solution.
 */
export type StepState =
  'not run' | 'passed' | 'broke things' | 'cancelled' | 'applied' | 'running' | 'current'

/** The step at hand, and the last step run. */
export interface StepPosition {
  /** The step the editor shows; the number of steps once every step has run. */
  current: number
  /** The last step run, or -1 before any has. */
  lastRunStep: number
  /** Whether the last step run broke things, with nothing running now. */
  hasLastRunBroken: boolean
}

/**
 * Finds the step at hand: the pinned one (an embed's), else the one running, else one that
 * broke things (it stays, so the learner can fix the SQL and run it again), else the next.
 * `pinned` is -1 when no step is pinned.
 */
export function findStepAtHand(
  state: Pick<LiveState, 'nextStep' | 'runningStep' | 'verdicts'>,
  stepCount: number,
  pinned: number,
): StepPosition {
  const lastRunStep = Math.min(state.nextStep, stepCount) - 1
  const hasLastRunBroken =
    state.runningStep === undefined && lastRunStep >= 0 && state.verdicts[lastRunStep]?.passed === false
  const current =
    pinned >= 0
      ? pinned
      : (state.runningStep ?? (hasLastRunBroken ? lastRunStep : Math.min(state.nextStep, stepCount)))
  return { current, lastRunStep, hasLastRunBroken }
}

/**
 * Reads where step `index` (whose id is `stepId`) stands: by its verdict in this run of the
 * simulation, else by the saved progress. A step that broke things earlier and was applied since
 * (opening the lesson later replays it with the solution) is applied, not broken.
 */
export function readStepState(
  index: number,
  stepId: string,
  {
    state,
    progress,
    current,
  }: {
    state: Pick<LiveState, 'nextStep' | 'runningStep' | 'verdicts'>
    progress: LessonProgress
    current: number
  },
): StepState {
  if (state.runningStep === index) return 'running'
  const verdict = state.verdicts[index]
  if (index < state.nextStep && verdict)
    return verdict.cancelled ? 'cancelled' : verdict.passed ? 'passed' : 'broke things'
  if (index < state.nextStep && progress.passed.includes(stepId)) return 'passed'
  if (index < state.nextStep) return 'applied'
  if (index === current && state.runningStep === undefined) return 'current'
  return 'not run'
}
