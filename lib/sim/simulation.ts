import type { Database, TransactionState } from '../engine'
import { checkInvariants } from './checks'
import { cancelConsole, runConsoleStatement, type ConsoleAnswer } from './console-connection'
import type {
  ActionProgress,
  InvariantCheck,
  OperatorResult,
  OperatorWait,
  RequestRecord,
  SimEvent,
} from './event-log'
import type { TableSize } from './cost-model'
import { isDeadlocked } from './lock-waits'
import type { SimScenario, Step, StepAction } from './model'
import {
  cancelStatement,
  isCurrent,
  nextStatement,
  runPart,
  runStatement,
  startOperatorRun,
} from './operator-run'
import { execute, finish, timeOut } from './request-lifecycle'
import { cancelBackend, endDeadlocked, listSessions, terminate, type SessionSnapshot } from './sessions'
import {
  SimulationState,
  invariantIntervalUs,
  microsPerMs,
  type DatabaseState,
  type Event,
  type SimulationOptions,
} from './simulation-state'
import { applyAction, beginStep, cancelStep, skipSteps, stepWindowMs } from './step-actions'
import { arrive, deploy, hasUnansweredBefore, setRequestRate, stopArrivals } from './traffic'

export type {
  ActionProgress,
  InvariantCheck,
  OperatorResult,
  OperatorWait,
  RequestAccess,
  RequestOutcome,
  RequestRecord,
  SimEvent,
} from './event-log'
export type { ConsoleAnswer } from './console-connection'
export type { SessionSnapshot, SessionView } from './sessions'
export type { DatabaseState, RealWork, SimulationOptions } from './simulation-state'
export { describeFailedCheck, refusedBy } from './checks'
export { stepWindowMs } from './step-actions'

/**
 * Where a simulation stood, enough for another to go on from there on a copy of its database:
 * its clock, the versions deployed, where their sequences were, and the table sizes its cost
 * model scales by (sampled when the run began).
 */
export interface PickUpPoint {
  atUs: number
  deployment: Record<string, number>
  sequences: Record<string, number>
  tableSizes: Record<string, TableSize>
}

/**
 * The discrete-event simulator: app versions send requests to one real Postgres while steps
 * land. Time is virtual (µs), arrivals come from seeded streams, locks wait in Postgres's
 * queues, and every statement executes for real in PGlite, at the moment it would take
 * effect: a request when its locks are granted, a migration transaction at its commit.
 */
export class Simulation {
  private readonly sim: SimulationState

  private constructor(database: Database, scenario: SimScenario, options: SimulationOptions) {
    this.sim = new SimulationState(database, scenario, options)
  }

  /** Starts a simulation on a database already holding the scenario's starting state. */
  static async start(
    database: Database,
    scenario: SimScenario,
    options: SimulationOptions = {},
  ): Promise<Simulation> {
    const simulation = new Simulation(database, scenario, options)
    // sampled when the run began, not again where it is picked up, so the cost model scales alike
    if (options.tableSizes) {
      for (const [table, size] of Object.entries(options.tableSizes))
        simulation.sim.tableSizes.set(table, size)
      return simulation
    }
    for (const [table, declaredRows] of Object.entries(scenario.tableRows)) {
      const counted = await database.run(`select count(*) from ${table}`)
      const sampleRows = counted.ok ? Number(counted.rows[0][0]) : 0
      simulation.sim.tableSizes.set(table, { declaredRows, sampleRows })
    }
    return simulation
  }

  /** Virtual time now, in µs. */
  get nowUs(): number {
    return this.sim.nowUs
  }

  /** Every request answered so far, in the order answered. */
  get records(): RequestRecord[] {
    return this.sim.records
  }

  /** The event log, unless the simulation was started with `keepEvents: false`. */
  get events(): SimEvent[] {
    return this.sim.events
  }

  /** Virtual µs when each step began, by step index. */
  get stepStartsUs(): number[] {
    return this.sim.stepStartsUs
  }

  /** Longest lock wait of an operator's statement, by step index. */
  get operatorLockWaitUs(): number[] {
    return this.sim.operatorLockWaitUs
  }

  get operatorWaits(): OperatorWait[] {
    return this.sim.operatorWaits
  }

  /** Every invariant check: when, during which step, how many rows it returned, and their causes. */
  get invariantViolations(): InvariantCheck[] {
    return this.sim.invariantViolations
  }

  /** Each step's action and how it settled, by step index. */
  get actions(): ActionProgress[] {
    return this.sim.actions
  }

  /** The hash of the event log so far: equal runs give equal hashes, in Node and in a browser. */
  get eventLogHash(): string {
    return this.sim.hash.digest()
  }

  /** The app versions currently deployed, with their share of traffic. */
  get deployment(): Record<string, number> {
    const shares: Record<string, number> = {}
    for (const [id, state] of this.sim.versions) if (state.isRunning) shares[id] = state.share
    return shares
  }

  /** `up`, `down` (stopped, or not finished starting again) or `hanging` (running, but not answering). */
  get databaseState(): DatabaseState {
    return this.sim.databaseState
  }

  /** Applies a step and runs until its action settles (at most `withinMs`), then for its observe time. */
  async runStep(step: Step): Promise<ActionProgress> {
    const sim = this.sim
    const progress = beginStep(sim, step)
    const deadlineUs = sim.nowUs + stepWindowMs(step) * microsPerMs
    while (progress.settledUs === undefined && sim.queue.peekTime() <= deadlineUs) await processNext(sim)
    if (progress.settledUs === undefined) sim.nowUs = Math.max(sim.nowUs, deadlineUs)
    await this.runUntil(sim.nowUs + step.observeMs * microsPerMs)
    // invariants are checked after every step as well as once a second under traffic
    await checkInvariants(sim)
    return progress
  }

  /**
   * The world now, for a simulation to go on from on a copy of this database (a step's start
   * built ahead of time), or why it cannot: what lives only in this simulation has no copy.
   */
  pickUpPoint(): { ok: true; point: PickUpPoint } | { ok: false; reason: string } {
    const sim = this.sim
    if (sim.databaseState !== 'up') return { ok: false, reason: `the database is ${sim.databaseState}` }
    if (sim.sessions.size > 0)
      return { ok: false, reason: `session ${[...sim.sessions.keys()][0]} is held open` }
    if (sim.operatorRuns.size > 0) return { ok: false, reason: "an operator's statement is still running" }
    if (sim.console) return { ok: false, reason: 'the console is connected' }
    for (const [id, state] of sim.versions) {
      if (state.connections.some((connection) => connection.isIdleInTransaction))
        return { ok: false, reason: `a connection of ${id} is idle in a transaction` }
      if (state.hasTerminatedConnection) return { ok: false, reason: `a connection of ${id} was terminated` }
    }
    return {
      ok: true,
      point: {
        atUs: sim.nowUs,
        deployment: this.deployment,
        sequences: Object.fromEntries([...sim.versions].map(([id, state]) => [id, state.sequence])),
        tableSizes: Object.fromEntries(sim.tableSizes),
      },
    }
  }

  /** Goes on from `point` (see pickUpPoint) as the run that reached it would: its sequences, its deployment. */
  continueFrom(point: Pick<PickUpPoint, 'sequences' | 'deployment'>): void {
    for (const [id, sequence] of Object.entries(point.sequences)) {
      const state = this.sim.versions.get(id)
      if (state) state.sequence = Math.max(state.sequence, sequence)
    }
    if (Object.keys(point.deployment).length > 0) deploy(this.sim, point.deployment)
  }

  /**
   * Starts every version's `sequence` parameters at `start`: a simulation resumed on a database
   * that earlier requests already wrote to must not hand out their values again.
   */
  continueSequencesFrom(start: number): void {
    for (const state of this.sim.versions.values()) state.sequence = Math.max(state.sequence, start)
  }

  /**
   * Counts the first `count` steps as already applied, without running them: the database
   * already holds their effects (traffic resumed after a restart from a saved state).
   */
  skipSteps(count: number): void {
    skipSteps(this.sim, count)
  }

  /** Starts a step's action now; it settles later in virtual time. */
  beginStep(step: Step): ActionProgress {
    return beginStep(this.sim, step)
  }

  /**
   * Ctrl+C on a step: the statement its migration runs or waits on fails with 57014, its
   * transaction rolls back, what it committed before stays. Returns that statement, or
   * undefined when the step's action was not running any.
   */
  cancelStep(progress: ActionProgress): { sql: string } | undefined {
    return cancelStep(this.sim, progress)
  }

  /** Processes every event up to `untilUs`, then sets the clock there. */
  async runUntil(untilUs: number): Promise<void> {
    const sim = this.sim
    while (sim.queue.peekTime() <= untilUs) await processNext(sim)
    sim.nowUs = Math.max(sim.nowUs, untilUs)
  }

  /** Stops new arrivals and runs until every request has been answered. */
  async drain(): Promise<void> {
    const sim = this.sim
    stopArrivals(sim)
    while (sim.queue.size > 0) await processNext(sim)
  }

  /** Runs an operator's SQL (a learner at a console) as its own session, under the same locks. */
  runOperatorSql(sql: string, label: string, onSettled: (result: OperatorResult) => void): void {
    startOperatorRun(this.sim, sql, label, undefined, false, onSettled)
  }

  /**
   * Does what a step's action does, now, outside the steps: an instructor moving the canary
   * slider or stopping the database. Its requests still count towards the current step.
   */
  applyNow(action: StepAction, onSettled: (result: OperatorResult) => void = () => undefined): void {
    applyAction(this.sim, action, onSettled)
  }

  /**
   * Ends one session as `pg_terminate_backend` would (pgAdmin's "clear lock"): its
   * transaction rolls back, its locks go, a request in flight gets 57P01 and a migration
   * fails with it. Returns whether there was such a session. While the database hangs, the
   * request waits with everything else sent to it, and the session ends once it answers.
   */
  terminate(owner: number): boolean {
    const sim = this.sim
    if (sim.databaseState !== 'hanging') return terminate(sim, owner)
    sim.at(0, { kind: 'signal', action: 'terminate', owner })
    return listSessions(sim).some((session) => session.owner === owner)
  }

  /**
   * Every session holding or waiting for a lock, or idle in transaction, as
   * `pg_stat_activity` joined with `pg_locks` would list it.
   */
  listSessions(): SessionSnapshot[] {
    return listSessions(this.sim)
  }

  /** Whether a request that arrived before `us` is still waiting for its answer. */
  hasUnansweredBefore(us: number): boolean {
    return hasUnansweredBefore(this.sim, us)
  }

  /** Requests a second across every deployed version; 0 stops the traffic, deployments stay. */
  get requestRate(): number {
    return this.sim.requestsPerSecond
  }

  /** Sets the traffic's rate from now on (an instructor pausing the load, or turning it up). */
  setRequestRate(perSecond: number): void {
    setRequestRate(this.sim, perSecond)
  }

  /** `idle`, `open` or `failed`: the console session's transaction, for psql's prompt. */
  get consoleTransaction(): TransactionState {
    return this.sim.console?.transaction ?? 'idle'
  }

  /**
   * Runs one statement typed at the console, in the console's own session, under the same
   * locks as the traffic. Outside a transaction it commits at once; after BEGIN each
   * statement takes its locks and keeps them, shows what it returns inside the transaction
   * (probed in a rolled-back one), and the block runs for real at COMMIT.
   */
  runConsoleStatement(sql: string, onAnswer: (answer: ConsoleAnswer) => void): void {
    runConsoleStatement(this.sim, sql, onAnswer)
  }

  /** Ctrl+C: cancels the console's statement if it waits or runs in the simulation. */
  cancelConsole(): boolean {
    return cancelConsole(this.sim)
  }
}

async function processNext(sim: SimulationState): Promise<void> {
  const next = sim.queue.pop()
  if (!next) return
  sim.nowUs = Math.max(sim.nowUs, next.at)
  // a hanging database does nothing and answers nothing; the app's and the operator's clocks go on
  if (sim.databaseState === 'hanging' && isDatabaseWork(next.value)) {
    sim.heldBack.push(next.value)
    return
  }
  await handle(sim, next.value)
}

// An arrival, an app's timeout and a timer are the clients' own; invariant checks skip a
// database that does not answer. Everything else is the database's work or its answer.
function isDatabaseWork(event: Event): boolean {
  return (
    event.kind !== 'arrive' &&
    event.kind !== 'timeout' &&
    event.kind !== 'timer' &&
    event.kind !== 'invariants'
  )
}

// Each event goes to the module of its concern; the ones that check a serial or a token drop
// what an earlier cancel, stop or rate change made stale.
async function handle(sim: SimulationState, event: Event): Promise<void> {
  switch (event.kind) {
    case 'arrive':
      if (event.token === event.state.arrivalToken) await arrive(sim, event.state)
      return
    case 'granted':
      return execute(sim, event.request)
    case 'finish':
      return finish(sim, event.request)
    case 'timeout':
      return timeOut(sim, event.request)
    case 'run part':
      return runPart(sim, event.run)
    case 'statement granted':
      if (isCurrent(event.run, event.serial) && event.run.isWaitingForLock) runStatement(sim, event.run)
      return
    case 'statement done':
      if (isCurrent(event.run, event.serial)) {
        event.run.statementIndex += 1
        nextStatement(sim, event.run)
      }
      return
    case 'lock timeout':
      if (event.run.isWaitingForLock) cancelStatement(sim, event.run, event.serial, '55P03', 'lock timeout')
      return
    case 'statement timeout':
      return cancelStatement(sim, event.run, event.serial, '57014', 'statement timeout')
    case 'deadlock check':
      if (isDeadlocked(sim, event.owner)) endDeadlocked(sim, event.owner)
      return
    case 'signal':
      if (event.action === 'terminate') terminate(sim, event.owner)
      else cancelBackend(sim, event.owner)
      return
    case 'invariants':
      if (sim.isDraining) return
      await checkInvariants(sim)
      sim.at(invariantIntervalUs, event)
      return
    case 'call':
    case 'timer':
      return event.fire()
  }
}
