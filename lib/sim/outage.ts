import { endConsoleTransaction } from './console-connection'
import { leaveBehind } from './phased-statements'
import { costModel } from './cost-model'
import type { OperatorResult } from './event-log'
import { answerWithoutDatabase } from './request-lifecycle'
import { connectionFailure } from './simulated-errors'
import { microsPerMs, type SimulationState } from './simulation-state'

/** Stops the database now: every request, operator run and console statement in flight fails with it. */
export function stopDatabase(sim: SimulationState, settle: (result: OperatorResult) => void): void {
  sim.databaseStarts += 1
  closeEverySession(sim)
  sim.log({ type: 'database', atUs: sim.nowUs, state: 'stop' })
  settle({ ok: true })
}

/** Starts a stopped database: it takes connections once it has started, unless a stop comes first. */
export function startDatabase(sim: SimulationState, settle: (result: OperatorResult) => void): void {
  if (!sim.isDatabaseDown) return settle({ ok: true })
  // Postgres accepts connections only once it has started; a stop meanwhile cancels the start
  const start = ++sim.databaseStarts
  sim.at(costModel.databaseStartMs * microsPerMs, {
    kind: 'call',
    fire: () => {
      if (start !== sim.databaseStarts) return
      sim.isDatabaseDown = false
      sim.log({ type: 'database', atUs: sim.nowUs, state: 'start' })
      settle({ ok: true })
    },
  })
}

function closeEverySession(sim: SimulationState): void {
  sim.isDatabaseDown = true
  for (const state of sim.versions.values()) {
    for (const request of state.waitingForConnection) answerWithoutDatabase(sim, request)
    state.waitingForConnection = []
    for (const connection of state.connections) {
      connection.isIdleInTransaction = false
      if (connection.request) answerWithoutDatabase(sim, connection.request)
      connection.request = undefined
    }
  }
  for (const run of sim.operatorRuns) {
    run.isEnded = true
    // what a concurrent build committed before the stop is there when Postgres is back
    const leftover = run.leftover
    if (leftover) sim.at(0, { kind: 'call', fire: () => leaveBehind(sim, leftover, { whileDown: true }) })
    run.onSettled({ ok: false, error: connectionFailure() })
  }
  sim.operatorRuns.clear()
  sim.sessions.clear()
  sim.locks.clear()
  const session = sim.console
  if (session) {
    const pending = session.pending
    session.autocommit = undefined
    endConsoleTransaction(sim, session)
    pending?.answer({ ok: false, error: connectionFailure(), durationMs: 0 })
  }
}
