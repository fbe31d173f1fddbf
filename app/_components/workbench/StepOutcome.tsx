import Link from 'next/link'
import { statementOnOneLine, type StepVerdict, type WorkbenchStep } from '@/lib/workbench'
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
      {isComplete && (
        <div className="workbench-complete" role="status">
          <strong>Lesson complete.</strong> Every step passed.{' '}
          {next ? <Link href={next.href}>Next: {next.title} →</Link> : <Link href="/">All lessons</Link>}
        </div>
      )}
    </>
  )
}
