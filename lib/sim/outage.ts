import { endConsoleTransaction } from './console-connection'
import { leaveBehind } from './phased-statements'
import { costModel } from './cost-model'
import type { OperatorResult } from './event-log'
import { answerWithoutDatabase, giveUpAfterNetworkTimeout } from './request-lifecycle'
import { connectionFailure } from './simulated-errors'
import { microsPerMs, type SimulationState } from './simulation-state'

/** Stops the database now: every request, operator run and console statement in flight fails with it. */
export function stopDatabase(sim: SimulationState, settle: (result: OperatorResult) => void): void {
  sim.databaseChanges += 1
  closeEverySession(sim)
  // what a hang held back finds the database stopped: it fails, or was answered above
  releaseHeldBack(sim)
  sim.log({ type: 'database', atUs: sim.nowUs, state: 'stop' })
  settle({ ok: true })
}

/**
 * Starts a stopped database: it takes connections once it has started, unless a stop comes
 * first. A hanging one answers again at once: it never stopped, and what it held back goes on.
 */
export function startDatabase(sim: SimulationState, settle: (result: OperatorResult) => void): void {
  if (sim.databaseState === 'up') return settle({ ok: true })
  if (sim.databaseState === 'hanging') {
    sim.databaseChanges += 1
    sim.databaseState = 'up'
    sim.log({ type: 'database', atUs: sim.nowUs, state: 'start' })
    releaseHeldBack(sim)
    return settle({ ok: true })
  }
  // Postgres accepts connections only once it has started; a stop meanwhile cancels the start
  const start = ++sim.databaseChanges
  sim.at(costModel.databaseStartMs * microsPerMs, {
    kind: 'timer',
    fire: () => {
      if (start !== sim.databaseChanges) return
      sim.databaseState = 'up'
      sim.log({ type: 'database', atUs: sim.nowUs, state: 'start' })
      settle({ ok: true })
    },
  })
}

/**
 * The database stops answering, though it runs: nothing sent to it (a connect, a query, a
 * commit) gets an answer until it answers again or is stopped. A client with a network
 * timeout gives up after it; the others wait until their own timeouts. Only a running
 * database can hang: a stopped one (or one still starting) settles with 55000.
 */
export function hangDatabase(sim: SimulationState, settle: (result: OperatorResult) => void): void {
  if (sim.databaseState === 'hanging') return settle({ ok: true })
  if (sim.databaseState === 'down')
    return settle({
      ok: false,
      error: { code: '55000', message: 'the database is stopped: only a running one can hang' },
    })
  sim.databaseChanges += 1
  sim.databaseState = 'hanging'
  // the requests in flight sent their statement and wait for an answer that does not come
  for (const state of sim.versions.values()) {
    for (const connection of state.connections) {
      if (connection.request) giveUpAfterNetworkTimeout(sim, connection.request)
    }
  }
  sim.log({ type: 'database', atUs: sim.nowUs, state: 'hang' })
  settle({ ok: true })
}

function releaseHeldBack(sim: SimulationState): void {
  for (const event of sim.heldBack.splice(0)) sim.at(0, event)
}

function closeEverySession(sim: SimulationState): void {
  sim.databaseState = 'down'
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
