import { checkStepExpectations, stepWindowMs, type ActionProgress, type Simulation, type Step } from '../sim'
import { realWorkBudgetMs, type StepRunHow, type StepVerdict } from './events'
import { statementOnOneLine } from './statement-line'

/** A step the learner ran, from its start until its verdict. */
export interface RunningStep {
  index: number
  step: Step
  how: StepRunHow
  progress: ActionProgress
  startUs: number
  /** When the step's window closes: its action settled (or gave up) and its observe time passed. */
  endUs?: number
  /** What the simulator said it cannot represent while the step ran. */
  notModelled: string[]
  /** Stopped before its window closed: its verdict says so, and judges no claim. */
  cancelled?: StepCancel
}

/** Who stopped a running step, and the statement it was running. */
export type StepCancel = NonNullable<StepVerdict['cancelled']>

/**
 * The running step's verdict, once its window closed and every request that arrived in it has
 * its answer; undefined until then. Sets `endUs` as soon as the window's end is known.
 */
export function judgeStep(simulation: Simulation, running: RunningStep): StepVerdict | undefined {
  if (running.cancelled) return cancelledVerdict(running.index, running.how, running.cancelled)
  const nowUs = simulation.nowUs
  if (running.endUs === undefined) {
    const { step, progress } = running
    const deadlineUs = running.startUs + stepWindowMs(step) * 1000
    const closesAtUs = progress.settledUs ?? (nowUs >= deadlineUs ? deadlineUs : undefined)
    if (closesAtUs === undefined) return undefined
    running.endUs = closesAtUs + step.observeMs * 1000
  }
  if (nowUs < running.endUs || simulation.hasUnansweredBefore(running.endUs)) return undefined
  const expectations = checkStepExpectations(simulation, running.step, running.index, running.endUs)
  const result = running.progress.result
  // never a false green: what the simulator could not represent cannot pass
  const held = expectations.every((expectation) => expectation.held) && running.notModelled.length === 0
  const isNaive = running.how === 'naive'
  return {
    type: 'verdict',
    step: running.index,
    how: running.how,
    passed: held && !isNaive,
    // what the simulator could not represent says nothing of how the naive way broke
    ...(isNaive && running.notModelled.length === 0 && { brokeAsTaught: held }),
    expectations,
    result:
      result === undefined
        ? { ok: 'still running' }
        : result.ok
          ? { ok: true }
          : {
              ok: false,
              error: result.error,
              ...(result.statement !== undefined && { statement: result.statement }),
            },
    ...(running.notModelled.length > 0 && { notModelled: [...new Set(running.notModelled)] }),
  }
}

/**
 * The verdict of a step stopped while it ran: not passed, no claim judged (its window never
 * closed), and the statement that was running cancelled with Postgres's 57014.
 */
export function cancelledVerdict(step: number, how: StepRunHow, cancelled: StepCancel): StepVerdict {
  return {
    type: 'verdict',
    step,
    how,
    passed: false,
    expectations: [],
    result: {
      ok: false,
      error: {
        code: '57014',
        message:
          cancelled.by === 'you'
            ? 'canceling statement due to user request'
            : `canceling statement: it ran longer than ${realWorkBudgetMs / 1000} s for real in PGlite`,
      },
      ...(cancelled.statement !== undefined && { statement: cancelled.statement }),
    },
    cancelled,
  }
}

/** The audit log's line for a verdict: `step 2 passed`, or what broke and Postgres's error. */
export function describeVerdict(running: RunningStep, verdict: StepVerdict): string {
  if (verdict.cancelled) return describeCancel(running.index, verdict.cancelled)
  const result = running.progress.result
  const outcome = verdict.passed
    ? 'passed'
    : running.step.action.kind === 'system test'
      ? 'did not pass'
      : verdict.brokeAsTaught === false
        ? 'the naive way did not break as the lesson says'
        : 'broke things'
  return `step ${running.index + 1} ${outcome}${result && !result.ok ? `: ${result.error.code} ${result.error.message}` : ''}`
}

/** The audit log's line for a step stopped while it ran. */
export function describeCancel(step: number, cancelled: StepCancel): string {
  const who =
    cancelled.by === 'you'
      ? 'cancelled by you'
      : `stopped: it ran over ${realWorkBudgetMs / 1000} s of real time`
  const shown = cancelled.statement && statementOnOneLine(cancelled.statement, 80)
  return `step ${step + 1} ${who}${shown ? ` while running: ${shown}` : ''}`
}
