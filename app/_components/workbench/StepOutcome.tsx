import Link from 'next/link'
import { statementOnOneLine, type StepVerdict, type WorkbenchStep } from '@/lib/workbench'
import { SolutionDiff } from '../SolutionDiff'
import { lessonLinesOf } from './StepAtHand'
import type { BusyForReal } from './use-step-stop'
import { VerdictView } from './VerdictView'

/**
 * How the last command ended: the simulation's problem, the step running, its verdict, and the
 * lesson complete with the way on (the lesson page's only).
 */
export function StepOutcome({
  steps,
  problem,
  runningStep,
  verdict,
  isComplete,
  next,
  busy,
  ranSql,
}: {
  steps: WorkbenchStep[]
  /** What went wrong with the live simulation, if anything. */
  problem: string | undefined
  runningStep: number | undefined
  /** The verdict of the step running or last run. */
  verdict: StepVerdict | undefined
  /** Whether every step passed, on a page that shows the whole lesson. */
  isComplete: boolean
  next: { href: string; title: string } | undefined
  /** A statement Postgres has been busy with for real for a while. */
  busy?: BusyForReal
  /** The SQL the learner ran at the verdict's step, to set against the solution once it passed. */
  ranSql?: string
}) {
  const isRunning = runningStep !== undefined
  return (
    <>
      {problem && (
        <p role="alert" className="sql-error">
          {problem}
        </p>
      )}
      {isRunning && (
        <p className="workbench-running" role="status">
          Step {(runningStep ?? 0) + 1} is running: its outcome comes once its traffic has been watched and
          every request that arrived during it has its answer.
        </p>
      )}
      {busy && (
        <p className="workbench-busy" role="status" data-busy-session={busy.session}>
          Postgres is busy with <code>{statementOnOneLine(busy.sql, 80)}</code> for real, so the clock and the
          traffic wait. It is stopped after {busy.budgetSeconds} s
          {busy.session === 'migration' ? ', or press Stop' : ''}.
        </p>
      )}
      {!isRunning && verdict && <VerdictView verdict={verdict} steps={steps} />}
      {!isRunning && verdict?.passed && verdict.how === 'yours' && ranSql !== undefined && (
        <SolutionOfPassedStep step={steps[verdict.step]} index={verdict.step} sql={ranSql} />
      )}
      {isComplete && (
        <div className="workbench-complete" role="status">
          <strong>Lesson complete.</strong> Every step passed.{' '}
          {next ? <Link href={next.href}>Next: {next.title} →</Link> : <Link href="/">All lessons</Link>}
        </div>
      )}
    </>
  )
}

// Passing is not the end of learning: the lesson's way stays a click away, against the learner's.
function SolutionOfPassedStep({
  step,
  index,
  sql,
}: {
  step: WorkbenchStep | undefined
  index: number
  sql: string
}) {
  if (!step?.isExercise || step.solution === undefined) return null
  return (
    <details className="workbench-passed-solution">
      <summary>Compare yours with the lesson’s solution to step {index + 1}</summary>
      <SolutionDiff
        yours={sql}
        solution={step.solution}
        lockedLines={lessonLinesOf(step)}
        label={`Solution to step ${index + 1} compared with your SQL`}
      />
    </details>
  )
}
