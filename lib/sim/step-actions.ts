import { check, refusedBy } from './checks'
import type { ActionProgress, OperatorResult } from './event-log'
import type { Step, StepAction, SystemTestTask } from './model'
import { cancelStatement, currentSql, startOperatorRun, type OperatorRun } from './operator-run'
import { hangDatabase, startDatabase, stopDatabase } from './outage'
import { endSession, terminateIdle } from './sessions'
import { microsPerMs, type SimulationState } from './simulation-state'
import { deploy } from './traffic'

/** Starts a step's action now; it settles later in virtual time. */
export function beginStep(sim: SimulationState, step: Step): ActionProgress {
  sim.stepIndex += 1
  sim.stepStartsUs.push(sim.nowUs)
  sim.operatorLockWaitUs.push(0)
  sim.log({ type: 'step', atUs: sim.nowUs, index: sim.stepIndex, id: step.id })
  const progress: ActionProgress = {}
  sim.actions.push(progress)
  const index = sim.stepIndex
  const settle = (result: OperatorResult) => {
    if (progress.settledUs !== undefined) return
    progress.settledUs = sim.nowUs
    progress.result = result
    sim.log({
      type: 'step settled',
      atUs: sim.nowUs,
      step: index,
      ok: result.ok,
      ...(!result.ok && { code: result.error.code }),
    })
  }
  const run = applyAction(sim, step.action, settle)
  if (run) sim.stepRuns.set(progress, run)
  return progress
}

/**
 * Cancels what a step's action is doing, as Ctrl+C in psql cancels a statement: the statement
 * its session runs or waits on fails with 57014 and its transaction rolls back; transactions
 * it committed before stay. Returns that statement, or undefined when the step's action had
 * nothing running (it settled, or it is not a session's SQL).
 */
export function cancelStep(sim: SimulationState, progress: ActionProgress): { sql: string } | undefined {
  const run = sim.stepRuns.get(progress)
  if (!run || run.isEnded || progress.settledUs !== undefined) return undefined
  const sql = currentSql(run)
  // a retry waits for its next attempt: a cancel ends the run there, as Ctrl+C ends the script
  run.retry = undefined
  const serial = run.statementSerial
  const cancel = () => cancelStatement(sim, run, serial, '57014', 'user request')
  // psql sends a cancel over a connection of its own: a hanging database gets it once it answers
  if (sim.databaseState === 'hanging') sim.at(0, { kind: 'call', fire: cancel })
  else cancel()
  return { sql }
}

/** Counts the first `count` steps as applied and settled now, without running them. */
export function skipSteps(sim: SimulationState, count: number): void {
  for (let index = 0; index < count; index++) {
    sim.stepIndex += 1
    sim.stepStartsUs.push(sim.nowUs)
    sim.operatorLockWaitUs.push(0)
    sim.actions.push({ settledUs: sim.nowUs, result: { ok: true } })
  }
}

/**
 * Does what a step's action does, now; `settle` hears how it ended. Returns the session it
 * started, for a migration or a held session, so a step can be cancelled.
 */
export function applyAction(
  sim: SimulationState,
  action: StepAction,
  settle: (result: OperatorResult) => void,
): OperatorRun | undefined {
  switch (action.kind) {
    case 'deploy': {
      const gate = action.gate
      if (!gate) {
        deploy(sim, action.shares)
        settle({ ok: true })
        return undefined
      }
      check(sim, 'fail', gate, 0, (checked) => {
        if (!checked.ok) return settle(refusedBy(checked.error))
        deploy(sim, action.shares)
        settle({ ok: true })
      })
      return undefined
    }
    case 'migrate':
      return startOperatorRun(sim, action.sql, 'migration', action.retry, false, settle)
    case 'database':
      if (action.state === 'stop') stopDatabase(sim, settle)
      else if (action.state === 'hang') hangDatabase(sim, settle)
      else startDatabase(sim, settle)
      return undefined
    case 'open session':
      return startOperatorRun(sim, action.sql, action.session, undefined, true, settle)
    case 'end session':
      whenDatabaseAnswers(sim, () => endSession(sim, action.session, action.how, settle))
      return undefined
    case 'terminate idle':
      whenDatabaseAnswers(sim, () => {
        terminateIdle(sim)
        settle({ ok: true })
      })
      return undefined
    case 'advance':
      sim.at(action.ms * microsPerMs, { kind: 'timer', fire: () => settle({ ok: true }) })
      return undefined
    case 'check':
      check(sim, action.verb, action.condition, action.withinMs, settle)
      return undefined
    case 'system test': {
      // Delmo runs each test on a system of its own and tears it down after: a database the
      // test stopped is started again, so the app the lesson runs is not left in an outage
      const wasUp = sim.databaseState === 'up'
      runSystemTest(sim, action.tasks, 0, (result) => {
        if (sim.databaseState !== 'up' && wasUp)
          applyAction(sim, { kind: 'database', state: 'start' }, () => settle(result))
        else settle(result)
      })
      return undefined
    }
  }
}

// What an operator asks of the database itself (a commit, pg_terminate_backend) waits, while it
// hangs, until it answers again; a stop meanwhile finds the session gone.
function whenDatabaseAnswers(sim: SimulationState, act: () => void): void {
  if (sim.databaseState === 'hanging') sim.at(0, { kind: 'call', fire: act })
  else act()
}

// Delmo runs a test's tasks one after the other and stops at the first that fails.
function runSystemTest(
  sim: SimulationState,
  tasks: readonly SystemTestTask[],
  index: number,
  settle: (result: OperatorResult) => void,
): void {
  const task = tasks[index]
  if (!task) return settle({ ok: true })
  const next = (result: OperatorResult) => {
    if (result.ok) return runSystemTest(sim, tasks, index + 1, settle)
    const name = 'task' in task ? `${task.verb}: ${task.task}` : `${task.verb}: [${task.service}]`
    settle({
      ok: false,
      error: { ...result.error, message: `task ${index + 1} (${name}) failed: ${result.error.message}` },
    })
  }
  if ('service' in task) {
    applyAction(sim, { kind: 'database', state: task.verb }, next)
    return
  }
  check(sim, task.verb, task.condition, task.withinMs, next)
}

/**
 * How long a step waits for its action to settle before it moves on: `within`, or longer when
 * letting time pass or waiting on a check is the action itself.
 */
export function stepWindowMs(step: Step): number {
  return Math.max(step.withinMs, ownTimeMs(step.action))
}

// How long an action may take by its own terms: a wait its timeout and one more check, a
// system test all its waits in a row, so a test is never cut off by the step's `within`.
function ownTimeMs(action: StepAction): number {
  switch (action.kind) {
    case 'advance':
      return action.ms
    case 'check':
      return action.withinMs + 1000
    case 'system test':
      return action.tasks.reduce((sum, task) => sum + ('withinMs' in task ? task.withinMs : 0) + 1000, 0)
    default:
      return 0
  }
}
