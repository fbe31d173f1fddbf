import type { Database, PgError, ProbedStatement, RelationLock, RunResult, TransactionState } from '../engine'
import { normalizeStatement } from '../engine/split-sql'
import { appStatementMicros, costModel, migrationStatementMicros, type TableSize } from './cost-model'
import { EventQueue } from './event-queue'
import { LockManager, type OwnerLocks } from './lock-manager'
import type {
  AppVersion,
  Condition,
  Endpoint,
  RetryPolicy,
  SimScenario,
  Step,
  StepAction,
  SystemTestTask,
} from './model'
import { parseOperatorScript, type ScriptPart } from './operator-script'
import { LogHash, RandomStream } from './random'
import { generateParam, pickEndpoint } from './request-params'
import { tablesNamedBy } from './failed-statement-locks'

/** How a request ended: served, failed with a SQLSTATE, gave up waiting, or served the static fallback. */
export type RequestOutcome = 'ok' | 'error' | 'timeout' | 'degraded'

/** One request, from arrival to answer, in virtual µs. */
export interface RequestRecord {
  id: number
  version: string
  endpoint: string
  arrivedUs: number
  endedUs: number
  outcome: RequestOutcome
  /** SQLSTATE of an error: Postgres's own, or 08006 when the database is down. */
  code?: string
  /** Postgres's message for an error; for a timeout, what the request was waiting for. */
  message?: string
  lockWaitUs: number
  /** Index of the step during which it arrived. */
  step: number
}

/** How an operator's script (a migration, a session, learner SQL) ended. */
export type OperatorResult =
  /** `last`: what the last statement that ran for real returned (a learner's SELECT shows its rows). */
  { ok: true; last?: RunResult } | { ok: false; error: PgError; statement?: string }

/** Everything that happened, in order; its canonical text is what the event-log hash covers. */
export type SimEvent =
  | { type: 'step'; atUs: number; index: number; id: string }
  | ({ type: 'request' } & RequestRecord)
  | { type: 'deploy'; atUs: number; shares: Record<string, number> }
  | { type: 'database'; atUs: number; state: 'stop' | 'start' }
  | {
      type: 'statement'
      atUs: number
      session: string
      sql: string
      state: 'waiting' | 'granted' | 'committed' | 'failed' | 'holding' | 'terminated'
      code?: string
      waitedUs?: number
      /** Once granted: the modelled µs it runs, holding its locks (the cost model's answer). */
      durationUs?: number
    }
  | { type: 'invariant'; atUs: number; name: string; violations: number }
  | { type: 'check'; atUs: number; step: number; held: boolean }
  | { type: 'step settled'; atUs: number; step: number; ok: boolean; code?: string }

/** A step's action: settled once it finished, with how. */
export interface ActionProgress {
  settledUs?: number
  result?: OperatorResult
}

/** What a statement typed at the console returned, and where its session's transaction stands. */
export interface ConsoleAnswer {
  result: RunResult
  transaction: TransactionState
  /** Virtual µs from sending it to its answer: lock waits and its modelled duration. */
  elapsedUs: number
}

// The console's one session, as psql keeps one connection: autocommit, or a transaction
// block held open across statements, its locks kept until COMMIT or ROLLBACK.
interface ConsoleSession {
  owner: number
  transaction: TransactionState
  /** The block's statements so far; they run for real at COMMIT, all or none. */
  statements: string[]
  lockTimeoutMs?: number
  statementTimeoutMs?: number
  /** A statement waiting for its locks or running, and how to answer it. */
  pending?: { serial: number; sql: string; isWaitingForLock: boolean; answer: (result: RunResult) => void }
  /** An autocommit statement running as its own operator run. */
  autocommit?: OperatorRun
  serial: number
  sinceUs: number
  lastSql: string
  /** Terminated by an operator: the next statement learns its connection is gone. */
  wasTerminated: boolean
}

interface VersionState {
  version: AppVersion
  share: number
  isRunning: boolean
  connections: Connection[]
  waitingForConnection: Request[]
  random: RandomStream
  totalWeight: number
  arrivalToken: number
  sequence: number
  /**
   * An operator terminated one of its idle connections: the app's pool does not know yet, and
   * the next request it sends finds the connection gone (57P01) before the pool is recycled.
   */
  hasTerminatedConnection: boolean
}

interface Connection {
  owner: number
  request?: Request
  isIdleInTransaction: boolean
  /** Virtual µs when it went idle in transaction, and the read that left it so. */
  idleSinceUs: number
  lastSql: string
}

interface Request {
  id: number
  state: VersionState
  endpoint: Endpoint
  params: unknown[]
  arrivedUs: number
  lockWaitStartUs?: number
  lockWaitUs: number
  isRead: boolean
  phase: 'queued' | 'locking' | 'running' | 'done'
  connection?: Connection
  result?: { ok: true; isRead: boolean } | { ok: false; code: string; message: string }
  onDone?: (record: RequestRecord) => void
}

interface StatementLocks {
  locks: RelationLock[]
  isRead: boolean
}

interface OperatorRun {
  owner: number
  label: string
  parts: ScriptPart[]
  partIndex: number
  retry?: RetryPolicy
  attempt: number
  lockTimeoutMs?: number
  statementTimeoutMs?: number
  /** Keep the last transaction open, holding its locks, instead of committing it. */
  holdOpen: boolean
  probe?: { statements: ProbedStatement[]; failedIndex?: number; error?: PgError }
  statementIndex: number
  statementStartUs: number
  /** Numbers each statement attempt, so a stale timer or grant for an earlier one is ignored. */
  statementSerial: number
  isWaitingForLock: boolean
  /** Virtual µs when the run entered its current state (waiting, running, idle). */
  stateSinceUs: number
  /** A held session that ran its SQL and now sits idle in its transaction. */
  isHolding: boolean
  /**
   * A CREATE INDEX CONCURRENTLY got its lock: Postgres has committed the index's catalog entry,
   * so if it fails from here on, an INVALID index is left behind.
   */
  isPastCatalogEntry?: boolean
  /** The session's timeouts before the current transaction's SET LOCALs. */
  sessionTimeouts?: { lockMs?: number; statementMs?: number }
  isEnded: boolean
  /** What the last transaction that committed returned from its last statement. */
  last?: RunResult
  onSettled: (result: OperatorResult) => void
}

type Event =
  | { kind: 'arrive'; state: VersionState; token: number }
  | { kind: 'granted'; request: Request }
  | { kind: 'finish'; request: Request }
  | { kind: 'timeout'; request: Request }
  | { kind: 'run part'; run: OperatorRun }
  | { kind: 'statement granted'; run: OperatorRun; serial: number }
  | { kind: 'statement done'; run: OperatorRun; serial: number }
  | { kind: 'lock timeout'; run: OperatorRun; serial: number }
  | { kind: 'statement timeout'; run: OperatorRun; serial: number }
  | { kind: 'invariants' }
  | { kind: 'call'; fire: () => void | Promise<void> }

const microsPerMs = 1000
const invariantIntervalUs = 1_000_000
const connectFailureUs = 1000
// Postgres's default deadlock_timeout
const deadlockTimeoutUs = 1_000_000
// Delmo's `wait` retries its task once a second
const checkIntervalUs = 1_000_000

/**
 * The discrete-event simulator: app versions send requests to one real Postgres while steps
 * land. Time is virtual (µs), arrivals come from seeded streams, locks wait in Postgres's
 * queues, and every statement executes for real in PGlite, at the moment it would take
 * effect: a request when its locks are granted, a migration transaction at its commit.
 */
export class Simulation {
  /** Virtual time now, in µs. */
  nowUs = 0
  readonly records: RequestRecord[] = []
  readonly events: SimEvent[] = []
  readonly stepStartsUs: number[] = []
  /** Longest lock wait of an operator's statement, by step index. */
  readonly operatorLockWaitUs: number[] = []
  readonly invariantViolations: { atUs: number; step: number; name: string; violations: number }[] = []
  readonly actions: ActionProgress[] = []

  private readonly queue = new EventQueue<Event>()
  private readonly locks = new LockManager()
  private readonly hash = new LogHash()
  private readonly versions = new Map<string, VersionState>()
  private readonly sessions = new Map<string, OperatorRun>()
  private readonly operatorRuns = new Set<OperatorRun>()
  private readonly statementLocks = new Map<string, StatementLocks>()
  private readonly tableSizes = new Map<string, TableSize>()
  private nextOwner = 1
  private nextRequestId = 1
  private requestsPerSecond: number
  private console: ConsoleSession | undefined
  private stepIndex = -1
  private isDatabaseDown = false
  /** Counts starts and stops, so a start that a later stop overtook does nothing. */
  private databaseStarts = 0
  private isDraining = false
  private readonly keepEvents: boolean
  private readonly onEvent: ((event: SimEvent) => void) | undefined

  private constructor(
    private readonly database: Database,
    private readonly scenario: SimScenario,
    options: SimulationOptions,
  ) {
    this.keepEvents = options.keepEvents ?? true
    this.onEvent = options.onEvent
    this.requestsPerSecond = scenario.requestsPerSecond
    for (const version of scenario.versions) {
      this.versions.set(version.id, {
        version,
        share: 0,
        isRunning: false,
        connections: Array.from({ length: version.connections }, () => ({
          owner: this.nextOwner++,
          isIdleInTransaction: false,
          idleSinceUs: 0,
          lastSql: '',
        })),
        waitingForConnection: [],
        random: new RandomStream(`${scenario.seed}/${version.id}`),
        totalWeight: version.endpoints.reduce((total, endpoint) => total + endpoint.weight, 0),
        arrivalToken: 0,
        sequence: 0,
        hasTerminatedConnection: false,
      })
    }
    this.queue.push(invariantIntervalUs, { kind: 'invariants' })
  }

  /** Starts a simulation on a database already holding the scenario's starting state. */
  static async start(
    database: Database,
    scenario: SimScenario,
    options: SimulationOptions = {},
  ): Promise<Simulation> {
    const simulation = new Simulation(database, scenario, options)
    for (const [table, declaredRows] of Object.entries(scenario.tableRows)) {
      const counted = await database.run(`select count(*) from ${table}`)
      const sampleRows = counted.ok ? Number(counted.rows[0][0]) : 0
      simulation.tableSizes.set(table, { declaredRows, sampleRows })
    }
    return simulation
  }

  /** The hash of the event log so far: equal runs give equal hashes, in Node and in a browser. */
  get eventLogHash(): string {
    return this.hash.digest()
  }

  /** The app versions currently deployed, with their share of traffic. */
  get deployment(): Record<string, number> {
    const shares: Record<string, number> = {}
    for (const [id, state] of this.versions) if (state.isRunning) shares[id] = state.share
    return shares
  }

  get databaseIsDown(): boolean {
    return this.isDatabaseDown
  }

  /** Applies a step and runs until its action settles (at most `withinMs`), then for its observe time. */
  async runStep(step: Step): Promise<ActionProgress> {
    const progress = this.beginStep(step)
    const deadlineUs = this.nowUs + stepWindowMs(step) * microsPerMs
    while (progress.settledUs === undefined && this.queue.peekTime() <= deadlineUs) await this.processNext()
    if (progress.settledUs === undefined) this.nowUs = Math.max(this.nowUs, deadlineUs)
    await this.runUntil(this.nowUs + step.observeMs * microsPerMs)
    // invariants are checked after every step as well as once a second under traffic
    await this.checkInvariants()
    return progress
  }

  /**
   * Counts the first `count` steps as already applied, without running them: the database
   * already holds their effects (traffic resumed after a restart from a saved state).
   */
  /**
   * Starts every version's `sequence` parameters at `start`: a simulation resumed on a database
   * that earlier requests already wrote to must not hand out their values again.
   */
  continueSequencesFrom(start: number): void {
    for (const state of this.versions.values()) state.sequence = Math.max(state.sequence, start)
  }

  skipSteps(count: number): void {
    for (let index = 0; index < count; index++) {
      this.stepIndex += 1
      this.stepStartsUs.push(this.nowUs)
      this.operatorLockWaitUs.push(0)
      this.actions.push({ settledUs: this.nowUs, result: { ok: true } })
    }
  }

  /** Starts a step's action now; it settles later in virtual time. */
  beginStep(step: Step): ActionProgress {
    this.stepIndex += 1
    this.stepStartsUs.push(this.nowUs)
    this.operatorLockWaitUs.push(0)
    this.log({ type: 'step', atUs: this.nowUs, index: this.stepIndex, id: step.id })
    const progress: ActionProgress = {}
    this.actions.push(progress)
    const index = this.stepIndex
    const settle = (result: OperatorResult) => {
      if (progress.settledUs !== undefined) return
      progress.settledUs = this.nowUs
      progress.result = result
      this.log({
        type: 'step settled',
        atUs: this.nowUs,
        step: index,
        ok: result.ok,
        ...(!result.ok && { code: result.error.code }),
      })
    }
    this.applyAction(step.action, settle)
    return progress
  }

  /** Processes every event up to `untilUs`, then sets the clock there. */
  async runUntil(untilUs: number): Promise<void> {
    while (this.queue.peekTime() <= untilUs) await this.processNext()
    this.nowUs = Math.max(this.nowUs, untilUs)
  }

  /** Stops new arrivals and runs until every request has been answered. */
  async drain(): Promise<void> {
    this.isDraining = true
    for (const state of this.versions.values()) state.arrivalToken += 1
    while (this.queue.size > 0) await this.processNext()
  }

  /** Runs an operator's SQL (a learner at a console) as its own session, under the same locks. */
  runOperatorSql(sql: string, label: string, onSettled: (result: OperatorResult) => void): void {
    this.startOperatorRun(sql, label, undefined, false, onSettled)
  }

  /**
   * Does what a step's action does, now, outside the steps: an instructor moving the canary
   * slider or stopping the database. Its requests still count towards the current step.
   */
  applyNow(action: StepAction, onSettled: (result: OperatorResult) => void = () => undefined): void {
    this.applyAction(action, onSettled)
  }

  /**
   * Ends one session as `pg_terminate_backend` would (pgAdmin's "clear lock"): its
   * transaction rolls back, its locks go, a request in flight gets 57P01 and a migration
   * fails with it. Returns whether there was such a session.
   */
  terminate(owner: number): boolean {
    const terminated = terminatedByAdministrator()
    const session = this.console
    if (session && session.owner === owner) return this.terminateConsole(session)
    for (const state of this.versions.values()) {
      const connection = state.connections.find((candidate) => candidate.owner === owner)
      if (!connection) continue
      const request = connection.request
      if (!request && !connection.isIdleInTransaction) return false
      connection.isIdleInTransaction = false
      if (!request) state.hasTerminatedConnection = true
      this.locks.releaseAll(owner)
      this.log({
        type: 'statement',
        atUs: this.nowUs,
        session: `${state.version.id} #${owner}`,
        sql: '',
        state: 'terminated',
      })
      if (request && request.phase !== 'done') {
        this.answer(request, 'error', terminated.code, terminated.message)
        void this.freeConnection(request)
      }
      return true
    }
    for (const run of this.operatorRuns) {
      if (run.owner !== owner) continue
      this.endRun(run, 'terminated', { ok: false, error: terminated, statement: currentSql(run) })
      return true
    }
    return false
  }

  /**
   * Every session holding or waiting for a lock, or idle in transaction, as
   * `pg_stat_activity` joined with `pg_locks` would list it.
   */
  listSessions(): SessionSnapshot[] {
    const described = this.locks.describe()
    const sessions: SessionSnapshot[] = []
    const locksOf = (owner: number) => described.get(owner) ?? { locks: [], blockedBy: [] }
    for (const state of this.versions.values()) {
      for (const connection of state.connections) {
        const request = connection.request
        const { locks, blockedBy } = locksOf(connection.owner)
        if (!request && !connection.isIdleInTransaction) continue
        if (request && request.phase !== 'locking' && request.phase !== 'running') continue
        const isWaiting = locks.some((lock) => !lock.granted)
        sessions.push({
          owner: connection.owner,
          kind: 'app',
          label: request ? `${state.version.label} · ${request.endpoint.name}` : state.version.label,
          state: request ? (isWaiting ? 'waiting' : 'active') : 'idle in transaction',
          sql: request ? request.endpoint.sql : connection.lastSql,
          sinceUs: request ? (request.lockWaitStartUs ?? request.arrivedUs) : connection.idleSinceUs,
          locks,
          blockedBy,
        })
      }
    }
    const session = this.console
    if (session && !session.autocommit && (session.pending || session.transaction !== 'idle')) {
      const { locks, blockedBy } = locksOf(session.owner)
      sessions.push({
        owner: session.owner,
        kind: 'console',
        label: 'console',
        state: session.pending?.isWaitingForLock
          ? 'waiting'
          : session.pending
            ? 'active'
            : session.transaction === 'failed'
              ? 'idle in transaction (aborted)'
              : 'idle in transaction',
        sql: session.lastSql,
        sinceUs: session.sinceUs,
        locks,
        blockedBy,
      })
    }
    for (const run of this.operatorRuns) {
      const { locks, blockedBy } = locksOf(run.owner)
      sessions.push({
        owner: run.owner,
        kind: run.label === 'migration' ? 'migration' : run.holdOpen ? 'session' : 'console',
        label: run.label,
        state: run.isWaitingForLock ? 'waiting' : run.isHolding ? 'idle in transaction' : 'active',
        sql: currentSql(run),
        sinceUs: run.stateSinceUs,
        locks,
        blockedBy,
      })
    }
    return sessions
  }

  /** Whether a request that arrived before `us` is still waiting for its answer. */
  hasUnansweredBefore(us: number): boolean {
    for (const state of this.versions.values()) {
      if (state.waitingForConnection.some((request) => request.arrivedUs < us)) return true
      for (const connection of state.connections) {
        if (connection.request && connection.request.arrivedUs < us) return true
      }
    }
    return false
  }

  /** Requests a second across every deployed version; 0 stops the traffic, deployments stay. */
  get requestRate(): number {
    return this.requestsPerSecond
  }

  /** Sets the traffic's rate from now on (an instructor pausing the load, or turning it up). */
  setRequestRate(perSecond: number): void {
    this.requestsPerSecond = Math.max(0, perSecond)
    for (const state of this.versions.values()) {
      state.arrivalToken += 1
      this.scheduleArrival(state)
    }
  }

  /** `idle`, `open` or `failed`: the console session's transaction, for psql's prompt. */
  get consoleTransaction(): TransactionState {
    return this.console?.transaction ?? 'idle'
  }

  /**
   * Runs one statement typed at the console, in the console's own session, under the same
   * locks as the traffic. Outside a transaction it commits at once; after BEGIN each
   * statement takes its locks and keeps them, shows what it returns inside the transaction
   * (probed in a rolled-back one), and the block runs for real at COMMIT.
   */
  runConsoleStatement(sql: string, onAnswer: (answer: ConsoleAnswer) => void): void {
    const session = (this.console ??= {
      owner: this.nextOwner++,
      transaction: 'idle',
      statements: [],
      serial: 0,
      sinceUs: this.nowUs,
      lastSql: '',
      wasTerminated: false,
    })
    const startedUs = this.nowUs
    const answer = (result: RunResult) =>
      onAnswer({ result, transaction: session.transaction, elapsedUs: this.nowUs - startedUs })
    const fail = (error: PgError) => answer({ ok: false, error, durationMs: 0 })
    if (session.pending || session.autocommit) return fail(busyConsole())
    if (session.wasTerminated) {
      session.wasTerminated = false
      return fail({ ...terminatedByAdministrator(), severity: 'FATAL' })
    }
    if (this.isDatabaseDown) return fail(connectionFailure())
    session.lastSql = sql
    session.sinceUs = this.nowUs
    const control = transactionControlOf(sql)
    if (session.transaction === 'idle') {
      if (control === 'begin') {
        session.transaction = 'open'
        session.statements = []
        return answer(commandOnly('BEGIN'))
      }
      return this.runConsoleAutocommit(session, sql, answer, fail)
    }
    if (control === 'begin') return answer(commandOnly('BEGIN'))
    if (control === 'rollback' || (control === 'commit' && session.transaction === 'failed')) {
      this.endConsoleTransaction(session)
      return answer(commandOnly('ROLLBACK'))
    }
    if (control === 'commit') {
      const statements = session.statements
      this.at(0, {
        kind: 'call',
        fire: async () => {
          const outcome =
            statements.length === 0
              ? undefined
              : await this.executeForReal({
                  kind: 'transaction',
                  statements,
                  isBlock: true,
                  runsOutsideTransaction: false,
                  rolledBack: false,
                })
          this.statementLocks.clear()
          this.endConsoleTransaction(session)
          if (outcome && !outcome.ok) return fail(outcome.error)
          this.log({
            type: 'statement',
            atUs: this.nowUs,
            session: 'console',
            sql: statements.join('; '),
            state: 'committed',
          })
          answer(commandOnly('COMMIT'))
        },
      })
      return
    }
    if (session.transaction === 'failed') {
      return fail({
        code: '25P02',
        message: 'current transaction is aborted, commands ignored until end of transaction block',
      })
    }
    this.runConsoleInTransaction(session, sql, answer)
  }

  /** Ctrl+C: cancels the console's statement if it waits or runs in the simulation. */
  cancelConsole(): boolean {
    const session = this.console
    if (!session) return false
    const cancelled: PgError = { code: '57014', message: 'canceling statement due to user request' }
    if (session.autocommit) {
      this.failRun(session.autocommit, cancelled, session.lastSql)
      return true
    }
    if (!session.pending) return false
    this.failConsoleStatement(session, cancelled)
    return true
  }

  private async processNext(): Promise<void> {
    const next = this.queue.pop()
    if (!next) return
    this.nowUs = Math.max(this.nowUs, next.at)
    await this.handle(next.value)
  }

  private at(delayUs: number, event: Event): void {
    this.queue.push(this.nowUs + Math.max(0, Math.round(delayUs)), event)
  }

  private async handle(event: Event): Promise<void> {
    switch (event.kind) {
      case 'arrive':
        if (event.token === event.state.arrivalToken) await this.arrive(event.state)
        return
      case 'granted':
        return this.execute(event.request)
      case 'finish':
        return this.finish(event.request)
      case 'timeout':
        return this.timeOut(event.request)
      case 'run part':
        return this.runPart(event.run)
      case 'statement granted':
        if (this.isCurrent(event.run, event.serial) && event.run.isWaitingForLock)
          this.runStatement(event.run)
        return
      case 'statement done':
        if (this.isCurrent(event.run, event.serial)) {
          event.run.statementIndex += 1
          this.nextStatement(event.run)
        }
        return
      case 'lock timeout':
        if (event.run.isWaitingForLock) this.cancelStatement(event.run, event.serial, '55P03', 'lock timeout')
        return
      case 'statement timeout':
        return this.cancelStatement(event.run, event.serial, '57014', 'statement timeout')
      case 'invariants':
        if (this.isDraining) return
        await this.checkInvariants()
        this.at(invariantIntervalUs, event)
        return
      case 'call':
        return event.fire()
    }
  }

  // ——— steps ———

  private applyAction(action: StepAction, settle: (result: OperatorResult) => void): void {
    switch (action.kind) {
      case 'deploy':
        this.deploy(action.shares)
        return settle({ ok: true })
      case 'migrate':
        this.startOperatorRun(action.sql, 'migration', action.retry, false, settle)
        return
      case 'database': {
        if (action.state === 'stop') {
          this.databaseStarts += 1
          this.stopDatabase()
          this.log({ type: 'database', atUs: this.nowUs, state: 'stop' })
          return settle({ ok: true })
        }
        if (!this.isDatabaseDown) return settle({ ok: true })
        // Postgres accepts connections only once it has started; a stop meanwhile cancels the start
        const start = ++this.databaseStarts
        this.at(costModel.databaseStartMs * microsPerMs, {
          kind: 'call',
          fire: () => {
            if (start !== this.databaseStarts) return
            this.isDatabaseDown = false
            this.log({ type: 'database', atUs: this.nowUs, state: 'start' })
            settle({ ok: true })
          },
        })
        return
      }
      case 'open session':
        this.startOperatorRun(action.sql, action.session, undefined, true, settle)
        return
      case 'end session':
        return this.endSession(action.session, action.how, settle)
      case 'terminate idle':
        this.terminateIdle()
        return settle({ ok: true })
      case 'advance':
        this.at(action.ms * microsPerMs, { kind: 'call', fire: () => settle({ ok: true }) })
        return
      case 'check':
        return this.check(action.verb, action.condition, action.withinMs, settle)
      case 'system test': {
        // Delmo runs each test on a system of its own and tears it down after: a database the
        // test stopped is started again, so the app the lesson runs is not left in an outage
        const wasDown = this.isDatabaseDown
        return this.runSystemTest(action.tasks, 0, (result) => {
          if (this.isDatabaseDown && !wasDown)
            return this.applyAction({ kind: 'database', state: 'start' }, () => settle(result))
          settle(result)
        })
      }
    }
  }

  // Delmo runs a test's tasks one after the other and stops at the first that fails.
  private runSystemTest(
    tasks: readonly SystemTestTask[],
    index: number,
    settle: (result: OperatorResult) => void,
  ): void {
    const task = tasks[index]
    if (!task) return settle({ ok: true })
    const next = (result: OperatorResult) => {
      if (result.ok) return this.runSystemTest(tasks, index + 1, settle)
      const name = 'task' in task ? `${task.verb}: ${task.task}` : `${task.verb}: [${task.service}]`
      settle({
        ok: false,
        error: { ...result.error, message: `task ${index + 1} (${name}) failed: ${result.error.message}` },
      })
    }
    if ('service' in task) return this.applyAction({ kind: 'database', state: task.verb }, next)
    this.check(task.verb, task.condition, task.withinMs, next)
  }

  private deploy(shares: Record<string, number>): void {
    for (const [id, state] of this.versions) {
      const share = shares[id]
      state.arrivalToken += 1
      if (share === undefined) {
        if (state.isRunning) this.stopVersion(state)
        continue
      }
      state.isRunning = true
      state.share = share
      this.scheduleArrival(state)
    }
    this.log({ type: 'deploy', atUs: this.nowUs, shares })
  }

  // Stopping a version's processes closes its connections: what they held is released.
  private stopVersion(state: VersionState): void {
    state.isRunning = false
    state.share = 0
    for (const connection of state.connections) {
      if (connection.request) continue
      connection.isIdleInTransaction = false
      this.locks.releaseAll(connection.owner)
    }
  }

  private stopDatabase(): void {
    this.isDatabaseDown = true
    for (const state of this.versions.values()) {
      for (const request of state.waitingForConnection) this.answerWithoutDatabase(request)
      state.waitingForConnection = []
      for (const connection of state.connections) {
        connection.isIdleInTransaction = false
        if (connection.request) this.answerWithoutDatabase(connection.request)
        connection.request = undefined
      }
    }
    for (const run of this.operatorRuns) {
      run.isEnded = true
      run.onSettled({ ok: false, error: connectionFailure() })
    }
    this.operatorRuns.clear()
    this.sessions.clear()
    this.locks.clear()
    const session = this.console
    if (session) {
      const pending = session.pending
      session.autocommit = undefined
      this.endConsoleTransaction(session)
      pending?.answer({ ok: false, error: connectionFailure(), durationMs: 0 })
    }
  }

  private terminateIdle(): void {
    for (const state of this.versions.values()) {
      for (const connection of state.connections) {
        if (!connection.isIdleInTransaction) continue
        connection.isIdleInTransaction = false
        state.hasTerminatedConnection = true
        this.locks.releaseAll(connection.owner)
      }
    }
    for (const [name, run] of this.sessions) {
      this.endRun(run, 'terminated')
      this.sessions.delete(name)
    }
  }

  private endSession(
    name: string,
    how: 'commit' | 'terminate',
    settle: (result: OperatorResult) => void,
  ): void {
    const run = this.sessions.get(name)
    if (!run) return settle({ ok: false, error: { code: '08003', message: `no open session named ${name}` } })
    this.sessions.delete(name)
    if (how === 'terminate') {
      this.endRun(run, 'terminated')
      return settle({ ok: true })
    }
    run.holdOpen = false
    run.onSettled = settle
    this.at(0, { kind: 'call', fire: () => this.commitPart(run) })
  }

  private check(
    verb: 'wait' | 'assert' | 'fail',
    condition: Condition,
    withinMs: number,
    settle: (result: OperatorResult) => void,
  ): void {
    const step = this.stepIndex
    const deadlineUs = this.nowUs + withinMs * microsPerMs
    const judge = (held: boolean) => {
      this.log({ type: 'check', atUs: this.nowUs, step, held })
      if (held === (verb !== 'fail')) return settle({ ok: true })
      if (verb === 'wait' && this.nowUs + checkIntervalUs <= deadlineUs) {
        this.at(checkIntervalUs, { kind: 'call', fire: () => this.evaluate(condition, judge) })
        return
      }
      settle({ ok: false, error: { code: 'CHECK', message: describeFailedCheck(verb, condition) } })
    }
    this.at(0, { kind: 'call', fire: () => this.evaluate(condition, judge) })
  }

  // A request condition is answered by a later event, so the verdict comes back by callback.
  private async evaluate(condition: Condition, judge: (held: boolean) => void): Promise<void> {
    if ('sql' in condition) {
      if (this.isDatabaseDown) return judge(false)
      const result = await this.database.run(condition.sql)
      return judge(result.ok && result.rows.length > 0)
    }
    if ('invariants' in condition) return judge((await this.checkInvariants()) === 0)
    if ('database' in condition) return judge(this.isDatabaseDown === (condition.database === 'down'))
    const state = this.versionServing(condition.request.version)
    const endpoint = state?.version.endpoints.find(
      (candidate) => candidate.name === condition.request.endpoint,
    )
    if (!state || !endpoint || !state.isRunning) return judge(false)
    await this.sendRequest(state, endpoint, (record) =>
      judge(record.outcome === 'ok' || record.outcome === 'degraded'),
    )
  }

  // A request without a version goes where the router sends the largest share of traffic.
  private versionServing(id: string | undefined): VersionState | undefined {
    if (id !== undefined) return this.versions.get(id)
    let serving: VersionState | undefined
    for (const state of this.versions.values())
      if (state.isRunning && state.share > (serving?.share ?? -1)) serving = state
    return serving
  }

  // ——— traffic ———

  private scheduleArrival(state: VersionState): void {
    const perSecond = (this.requestsPerSecond * state.share) / 100
    if (!state.isRunning || perSecond <= 0 || this.isDraining) return
    this.at(state.random.nextInterarrivalMicros(perSecond), {
      kind: 'arrive',
      state,
      token: state.arrivalToken,
    })
  }

  private async arrive(state: VersionState): Promise<void> {
    const endpoint = pickEndpoint(state)
    this.scheduleArrival(state)
    await this.sendRequest(state, endpoint)
  }

  private async sendRequest(
    state: VersionState,
    endpoint: Endpoint,
    onDone?: (record: RequestRecord) => void,
  ): Promise<void> {
    const request: Request = {
      id: this.nextRequestId++,
      state,
      endpoint,
      params: endpoint.params.map((generator) => generateParam(generator, state)),
      arrivedUs: this.nowUs,
      lockWaitUs: 0,
      isRead: true,
      phase: 'queued',
      onDone,
    }
    if (this.isDatabaseDown) {
      this.at(connectFailureUs, { kind: 'call', fire: () => this.answerWithoutDatabase(request) })
      return
    }
    this.at(state.version.timeoutMs * microsPerMs, { kind: 'timeout', request })
    const free = state.connections.find((connection) => !connection.request)
    if (free) return this.startOnConnection(request, free)
    state.waitingForConnection.push(request)
  }

  private async startOnConnection(request: Request, connection: Connection): Promise<void> {
    connection.request = request
    request.connection = connection
    request.phase = 'locking'
    // an app without a pre-ping (SQLAlchemy's default) learns of a terminated connection by
    // using it: that request fails, and the pool is recycled (measured on a real server)
    if (request.state.hasTerminatedConnection) {
      request.state.hasTerminatedConnection = false
      this.at(connectFailureUs, {
        kind: 'call',
        fire: async () => {
          if (request.phase !== 'locking') return
          const terminated = terminatedByAdministrator()
          this.answer(request, 'error', terminated.code, terminated.message)
          await this.freeConnection(request)
        },
      })
      return
    }
    const { locks, isRead } = await this.locksOfStatement(request.endpoint.sql, request.params)
    if (request.phase !== 'locking') return
    request.isRead = isRead
    request.lockWaitStartUs = this.nowUs
    this.acquireAll(connection.owner, locks, () => this.at(0, { kind: 'granted', request }))
    this.watchForDeadlock(connection.owner)
  }

  // Acquires locks one after another, as a statement does; `onAllGranted` runs once, possibly at once.
  private acquireAll(owner: number, locks: RelationLock[], onAllGranted: () => void): void {
    let index = 0
    const next = (): void => {
      while (index < locks.length) {
        const lock = locks[index++]
        if (!this.locks.acquire(owner, lock.relation, lock.mode, next)) return
      }
      onAllGranted()
    }
    next()
  }

  private async execute(request: Request): Promise<void> {
    if (request.phase !== 'locking' || this.isDatabaseDown) return
    request.phase = 'running'
    request.lockWaitUs = this.nowUs - (request.lockWaitStartUs ?? this.nowUs)
    const result = await this.database.query(request.endpoint.sql, request.params)
    if (request.phase !== 'running') return
    request.result = result.ok
      ? { ok: true, isRead: request.isRead }
      : { ok: false, code: result.error.code, message: result.error.message }
    this.at(appStatementMicros(request.endpoint.costMs, !request.isRead), { kind: 'finish', request })
  }

  private async finish(request: Request): Promise<void> {
    if (request.phase !== 'running' || !request.result) return
    const connection = request.connection
    const keepsTransaction =
      request.result.ok &&
      request.result.isRead &&
      request.state.version.idleInTransactionAfterReads &&
      request.state.isRunning
    if (connection) {
      if (keepsTransaction && !connection.isIdleInTransaction) connection.idleSinceUs = this.nowUs
      connection.isIdleInTransaction = keepsTransaction
      connection.lastSql = request.endpoint.sql
      if (!keepsTransaction) this.locks.releaseAll(connection.owner)
    }
    if (request.result.ok) this.answer(request, 'ok')
    else this.answer(request, 'error', request.result.code, request.result.message)
    await this.freeConnection(request)
  }

  private async timeOut(request: Request): Promise<void> {
    if (request.phase === 'done' || request.phase === 'running') return
    if (request.phase === 'queued') {
      const waiting = request.state.waitingForConnection
      waiting.splice(waiting.indexOf(request), 1)
    } else if (request.connection) {
      // the app cancels the statement: its transaction ends, and what it held goes with it
      request.lockWaitUs = this.nowUs - (request.lockWaitStartUs ?? this.nowUs)
      request.connection.isIdleInTransaction = false
      this.locks.releaseAll(request.connection.owner)
    }
    const waitedFor = request.phase === 'queued' ? 'a free connection in its pool' : 'its locks'
    this.answer(
      request,
      'timeout',
      undefined,
      `no answer within ${request.state.version.timeoutMs} ms: it waited for ${waitedFor}`,
    )
    await this.freeConnection(request)
  }

  private async freeConnection(request: Request): Promise<void> {
    const connection = request.connection
    if (!connection || connection.request !== request) return
    connection.request = undefined
    const state = request.state
    const next = state.waitingForConnection.shift()
    if (next) await this.startOnConnection(next, connection)
  }

  private answerWithoutDatabase(request: Request): void {
    if (request.phase === 'done') return
    if (request.state.version.whenDatabaseDown === 'fallback') this.answer(request, 'degraded')
    else this.answer(request, 'error', '08006', connectionFailure().message)
  }

  private answer(request: Request, outcome: RequestOutcome, code?: string, message?: string): void {
    request.phase = 'done'
    const record: RequestRecord = {
      id: request.id,
      version: request.state.version.id,
      endpoint: request.endpoint.name,
      arrivedUs: request.arrivedUs,
      endedUs: this.nowUs,
      outcome,
      ...(code !== undefined && { code }),
      ...(message !== undefined && { message }),
      lockWaitUs: request.lockWaitUs,
      step: this.stepOf(request.arrivedUs),
    }
    this.records.push(record)
    this.log({ type: 'request', ...record })
    request.onDone?.(record)
  }

  private stepOf(atUs: number): number {
    let step = this.stepStartsUs.length - 1
    while (step > 0 && this.stepStartsUs[step] > atUs) step -= 1
    return step
  }

  // Each distinct statement text is probed once (the eugene technique); a migration may change
  // the locks a statement takes, so a committed migration forgets them all.
  private async locksOfStatement(sql: string, params: unknown[]): Promise<StatementLocks> {
    const known = this.statementLocks.get(sql)
    if (known) return known
    const probe = await this.database.probeTransaction([{ sql, params }])
    const locks = probe.ok ? probe.statements[0].locks : await this.locksOfFailedStatement(sql)
    const found = { locks, isRead: locks.every((lock) => lock.mode === 'AccessShareLock') }
    this.statementLocks.set(sql, found)
    return found
  }

  // A statement Postgres refuses still locks the tables it names before it fails: old code
  // reading a renamed column waits behind a migration's lock first, then gets its 42703.
  private async locksOfFailedStatement(sql: string): Promise<RelationLock[]> {
    const locks: RelationLock[] = []
    for (const { name, mode } of tablesNamedBy(sql)) {
      const found = await this.database.query('select to_regclass($1)::text', [name])
      const relation = found.ok ? found.rows[0]?.[0] : null
      if (relation) locks.push({ relation, kind: 'table', mode })
    }
    return locks
  }

  // ——— operator sessions: migrations, long sessions, learner SQL ———

  private startOperatorRun(
    sql: string,
    label: string,
    retry: RetryPolicy | undefined,
    holdOpen: boolean,
    onSettled: (result: OperatorResult) => void,
  ): OperatorRun | undefined {
    // a held session is one open transaction: BEGIN is implied, and it never commits by itself
    const parsed = parseOperatorScript(holdOpen ? `begin;\n${sql}\n;commit` : sql)
    if (!parsed.ok) {
      onSettled({ ok: false, error: { code: '42601', message: parsed.problem.message } })
      return undefined
    }
    if (this.isDatabaseDown) {
      onSettled({ ok: false, error: connectionFailure() })
      return undefined
    }
    const run: OperatorRun = {
      owner: this.nextOwner++,
      label,
      parts: parsed.parts,
      partIndex: 0,
      retry,
      attempt: 1,
      holdOpen,
      statementIndex: 0,
      statementStartUs: this.nowUs,
      statementSerial: 0,
      isWaitingForLock: false,
      stateSinceUs: this.nowUs,
      isHolding: false,
      isEnded: false,
      onSettled,
    }
    this.operatorRuns.add(run)
    if (holdOpen) this.sessions.set(label, run)
    this.at(0, { kind: 'run part', run })
    return run
  }

  private async runPart(run: OperatorRun): Promise<void> {
    if (run.isEnded) return
    const part = run.parts[run.partIndex]
    if (!part) return this.endRun(run, 'committed', { ok: true, ...(run.last && { last: run.last }) })
    if (part.kind === 'setting') {
      if (part.name === 'lock_timeout') run.lockTimeoutMs = part.ms
      else run.statementTimeoutMs = part.ms
      run.partIndex += 1
      return this.runPart(run)
    }
    // the session's own timeouts come back when this transaction ends, whatever SET LOCAL did
    run.sessionTimeouts = { lockMs: run.lockTimeoutMs, statementMs: run.statementTimeoutMs }
    for (const setting of part.localSettings ?? []) {
      if (setting.name === 'lock_timeout') run.lockTimeoutMs = setting.ms
      else run.statementTimeoutMs = setting.ms
    }
    run.probe = await this.probePart(part)
    run.statementIndex = 0
    this.nextStatement(run)
  }

  private async probePart(part: Extract<ScriptPart, { kind: 'transaction' }>): Promise<OperatorRun['probe']> {
    if (part.runsOutsideTransaction) {
      // CONCURRENTLY cannot be probed in a transaction: its documented lock stands in
      const known = await this.database.probeLocks(part.statements[0])
      if (!known.ok) return { statements: [], failedIndex: 0, error: known.error }
      const command = /^create/i.test(part.statements[0]) ? 'CREATE INDEX' : 'DROP INDEX'
      return { statements: [{ ...known, command, rowCount: 0, fields: [], rows: [] }] }
    }
    const probe = await this.database.probeTransaction(part.statements.map((sql) => ({ sql })))
    return probe.ok ? { statements: probe.statements } : probe
  }

  // Takes the statement's locks (waiting in the queues if it must), then lets its modelled
  // duration pass; the last statement of a transaction leads to its commit.
  private nextStatement(run: OperatorRun): void {
    const part = run.parts[run.partIndex]
    if (part.kind !== 'transaction' || !run.probe) return
    if (run.statementIndex === part.statements.length) {
      if (run.holdOpen && run.partIndex === run.parts.length - 1) {
        run.stateSinceUs = this.nowUs
        run.isHolding = true
        this.log({
          type: 'statement',
          atUs: this.nowUs,
          session: run.label,
          sql: part.statements.join('; '),
          state: 'holding',
        })
        return run.onSettled({ ok: true })
      }
      this.at(0, { kind: 'call', fire: () => this.commitPart(run) })
      return
    }
    const sql = part.statements[run.statementIndex]
    if (run.probe.failedIndex === run.statementIndex && run.probe.error)
      return this.failRun(run, run.probe.error, sql)
    const serial = ++run.statementSerial
    run.statementStartUs = this.nowUs
    run.stateSinceUs = this.nowUs
    run.isWaitingForLock = true
    let isInsideAcquire = true
    let isGrantedAtOnce = false
    const locks = run.probe.statements[run.statementIndex].locks
    const onReady = () => {
      if (isInsideAcquire) isGrantedAtOnce = true
      else this.at(0, { kind: 'statement granted', run, serial })
    }
    // CREATE INDEX CONCURRENTLY, once it holds SHARE UPDATE EXCLUSIVE, waits for every
    // transaction that holds a lock conflicting with SHARE on the table — a writer left idle in
    // its transaction stalls it (docs: CREATE INDEX, "Building Indexes Concurrently")
    const buildTable = isConcurrentIndexBuild(sql)
      ? locks.find((lock) => lock.kind === 'table')?.relation
      : undefined
    this.acquireAll(run.owner, locks, () => {
      if (buildTable === undefined) return onReady()
      run.isPastCatalogEntry = true
      if (this.locks.waitForLockers(run.owner, buildTable, 'ShareLock', onReady)) onReady()
    })
    isInsideAcquire = false
    if (run.statementTimeoutMs !== undefined) {
      this.at(run.statementTimeoutMs * microsPerMs, { kind: 'statement timeout', run, serial })
    }
    if (isGrantedAtOnce) return this.runStatement(run)
    this.watchForDeadlock(run.owner)
    this.log({ type: 'statement', atUs: this.nowUs, session: run.label, sql, state: 'waiting' })
    if (run.lockTimeoutMs !== undefined)
      this.at(run.lockTimeoutMs * microsPerMs, { kind: 'lock timeout', run, serial })
  }

  private runStatement(run: OperatorRun): void {
    const part = run.parts[run.partIndex]
    if (part.kind !== 'transaction' || !run.probe) return
    run.isWaitingForLock = false
    run.stateSinceUs = this.nowUs
    const sql = part.statements[run.statementIndex]
    const waitedUs = this.nowUs - run.statementStartUs
    this.recordOperatorWait(waitedUs)
    const statement = run.probe.statements[run.statementIndex]
    const durationUs = migrationStatementMicros(sql, statement, (table) => this.sizeOf(table))
    this.log({
      type: 'statement',
      atUs: this.nowUs,
      session: run.label,
      sql,
      state: 'granted',
      waitedUs,
      durationUs,
    })
    this.at(durationUs, { kind: 'statement done', run, serial: run.statementSerial })
  }

  private restoreSessionTimeouts(run: OperatorRun): void {
    if (!run.sessionTimeouts) return
    run.lockTimeoutMs = run.sessionTimeouts.lockMs
    run.statementTimeoutMs = run.sessionTimeouts.statementMs
    run.sessionTimeouts = undefined
  }

  private recordOperatorWait(waitedUs: number): void {
    const step = this.stepIndex
    this.operatorLockWaitUs[step] = Math.max(this.operatorLockWaitUs[step] ?? 0, waitedUs)
  }

  // Postgres looks for a deadlock once a lock wait has lasted deadlock_timeout (1 s by default),
  // in the waiting backend; if it closes a cycle, its own statement fails with 40P01 and its
  // transaction's locks go (docs: "Deadlocks"; measured: the first to wait is the one ended).
  private watchForDeadlock(owner: number): void {
    if (!this.locks.isWaiting(owner)) return
    this.at(deadlockTimeoutUs, {
      kind: 'call',
      fire: () => {
        if (this.locks.isWaiting(owner) && this.locks.isDeadlocked(owner)) this.endDeadlocked(owner)
      },
    })
  }

  private endDeadlocked(owner: number): void {
    const deadlock: PgError = { code: '40P01', message: 'deadlock detected' }
    for (const state of this.versions.values()) {
      const connection = state.connections.find((candidate) => candidate.owner === owner)
      const request = connection?.request
      if (!connection || !request || request.phase !== 'locking') continue
      request.lockWaitUs = this.nowUs - (request.lockWaitStartUs ?? this.nowUs)
      connection.isIdleInTransaction = false
      this.locks.releaseAll(owner)
      this.answer(request, 'error', deadlock.code, deadlock.message)
      void this.freeConnection(request)
      return
    }
    for (const run of this.operatorRuns) {
      if (run.owner === owner) return this.failRun(run, deadlock, currentSql(run))
    }
    if (this.console?.owner === owner) this.failConsoleStatement(this.console, deadlock)
  }

  // a timer set for a statement that has since finished or failed does nothing
  private cancelStatement(run: OperatorRun, serial: number, code: string, reason: string): void {
    if (!this.isCurrent(run, serial)) return
    this.failRun(run, { code, message: `canceling statement due to ${reason}` }, currentSql(run))
  }

  private isCurrent(run: OperatorRun, serial: number): boolean {
    return !run.isEnded && run.statementSerial === serial
  }

  // The commit point: the transaction's SQL runs in PGlite now, all of it or none.
  private async commitPart(run: OperatorRun): Promise<void> {
    const part = run.parts[run.partIndex]
    if (run.isEnded || part.kind !== 'transaction') return
    const outcome = part.rolledBack ? undefined : await this.executeForReal(part)
    if (outcome && !outcome.ok) return this.failRun(run, outcome.error, outcome.sql)
    if (outcome) run.last = outcome.last
    this.statementLocks.clear()
    this.log({
      type: 'statement',
      atUs: this.nowUs,
      session: run.label,
      sql: part.statements.join('; '),
      state: 'committed',
    })
    this.locks.releaseAll(run.owner)
    run.isPastCatalogEntry = false
    this.restoreSessionTimeouts(run)
    run.partIndex += 1
    run.probe = undefined
    run.attempt = 1
    this.at(0, { kind: 'run part', run })
  }

  private async executeForReal(
    part: Extract<ScriptPart, { kind: 'transaction' }>,
  ): Promise<{ ok: true; last: RunResult } | { ok: false; error: PgError; sql: string }> {
    if (!part.isBlock) {
      const result = await this.database.run(part.statements[0])
      return result.ok
        ? { ok: true, last: result }
        : { ok: false, error: result.error, sql: part.statements[0] }
    }
    await this.database.run('begin')
    let last: RunResult | undefined
    for (const sql of part.statements) {
      last = await this.database.run(sql)
      if (!last.ok) {
        await this.database.run('rollback')
        return { ok: false, error: last.error, sql }
      }
    }
    const committed = await this.database.run('commit')
    if (!committed.ok) return { ok: false, error: committed.error, sql: 'commit' }
    return { ok: true, last: last ?? committed }
  }

  private failRun(run: OperatorRun, error: PgError, sql?: string): void {
    // a statement that gave up waiting (lock_timeout, a cancel) waited all that time too
    if (run.isWaitingForLock) this.recordOperatorWait(this.nowUs - run.statementStartUs)
    this.locks.releaseAll(run.owner)
    this.restoreSessionTimeouts(run)
    if (run.isPastCatalogEntry && sql !== undefined) {
      run.isPastCatalogEntry = false
      this.at(0, { kind: 'call', fire: () => this.leaveInvalidIndex(sql) })
    }
    run.statementSerial += 1
    run.isWaitingForLock = false
    this.log({
      type: 'statement',
      atUs: this.nowUs,
      session: run.label,
      sql: sql ?? '',
      state: 'failed',
      code: error.code,
    })
    const retry = run.retry
    if (error.code === '55P03' && retry && run.attempt < retry.attempts) {
      const backoffMs = retry.backoffMs * retry.factor ** (run.attempt - 1)
      run.attempt += 1
      run.probe = undefined
      this.at(backoffMs * microsPerMs, { kind: 'run part', run })
      return
    }
    this.endRun(run, 'failed', { ok: false, error, ...(sql !== undefined && { statement: sql }) })
  }

  // What a failed CREATE INDEX CONCURRENTLY leaves: the index, marked INVALID, unused by
  // queries but kept up to date by every write until someone drops it.
  private async leaveInvalidIndex(sql: string): Promise<void> {
    const name = /^create (?:unique )?index concurrently (?:if not exists )?("[^"]+"|[\w.]+) on\b/.exec(
      normalizeStatement(sql),
    )?.[1]
    if (!name || this.isDatabaseDown) return
    const built = await this.database.run(sql)
    if (!built.ok) return
    await this.database.run(
      `update pg_index set indisvalid = false where indexrelid = to_regclass('${name.replace(/'/g, "''")}')`,
    )
    this.statementLocks.clear()
  }

  private endRun(
    run: OperatorRun,
    how: 'committed' | 'failed' | 'terminated',
    result?: OperatorResult,
  ): void {
    if (run.isEnded) return
    run.isEnded = true
    run.statementSerial += 1
    this.locks.releaseAll(run.owner)
    this.operatorRuns.delete(run)
    if (this.sessions.get(run.label) === run) this.sessions.delete(run.label)
    if (how === 'terminated') {
      this.log({ type: 'statement', atUs: this.nowUs, session: run.label, sql: '', state: 'terminated' })
    }
    if (result) run.onSettled(result)
  }

  private runConsoleAutocommit(
    session: ConsoleSession,
    sql: string,
    answer: (result: RunResult) => void,
    fail: (error: PgError) => void,
  ): void {
    const parsed = parseOperatorScript(sql)
    const setting = parsed.ok && parsed.parts.length === 1 && parsed.parts[0]
    // the session keeps its timeouts, as Postgres's SET does for the connection
    if (setting && setting.kind === 'setting') {
      if (setting.name === 'lock_timeout') session.lockTimeoutMs = setting.ms || undefined
      else session.statementTimeoutMs = setting.ms || undefined
      return answer(commandOnly('SET'))
    }
    const run = this.startOperatorRun(sql, 'console', undefined, false, (result) => {
      session.autocommit = undefined
      if (!result.ok) return fail(result.error)
      answer(result.last ?? commandOnly(commandTagOf(sql)))
    })
    if (!run) return
    run.owner = session.owner
    run.lockTimeoutMs = session.lockTimeoutMs
    run.statementTimeoutMs = session.statementTimeoutMs
    session.autocommit = run
  }

  // Probes the block so far plus this statement: its locks are what it adds, its rows what
  // it would return inside the transaction. The locks are then taken for real in the queues.
  private runConsoleInTransaction(
    session: ConsoleSession,
    sql: string,
    answer: (result: RunResult) => void,
  ): void {
    const serial = ++session.serial
    session.pending = { serial, sql, isWaitingForLock: true, answer }
    this.at(0, {
      kind: 'call',
      fire: async () => {
        const probe = await this.database.probeTransaction(
          [...session.statements, sql].map((statement) => ({ sql: statement })),
        )
        if (session.pending?.serial !== serial) return
        if (!probe.ok) return this.failConsoleStatement(session, probe.error)
        const statement = probe.statements[probe.statements.length - 1]
        const started = this.nowUs
        const granted = () => {
          if (session.pending?.serial !== serial) return
          session.pending.isWaitingForLock = false
          session.sinceUs = this.nowUs
          const durationUs = migrationStatementMicros(sql, statement, (table) => this.sizeOf(table))
          this.at(durationUs, {
            kind: 'call',
            fire: () => {
              if (session.pending?.serial !== serial) return
              session.pending = undefined
              session.statements.push(sql)
              session.sinceUs = this.nowUs
              answer({
                ok: true,
                command: statement.command,
                fields: statement.fields,
                rows: statement.rows,
                rowCount: statement.rowCount,
                durationMs: 0,
              })
            },
          })
        }
        let isInsideAcquire = true
        let isGrantedAtOnce = false
        this.acquireAll(session.owner, statement.locks, () => {
          if (isInsideAcquire) isGrantedAtOnce = true
          else this.at(0, { kind: 'call', fire: granted })
        })
        isInsideAcquire = false
        if (isGrantedAtOnce) return granted()
        this.watchForDeadlock(session.owner)
        this.log({ type: 'statement', atUs: started, session: 'console', sql, state: 'waiting' })
        const timeoutMs = session.lockTimeoutMs ?? session.statementTimeoutMs
        if (timeoutMs === undefined) return
        const reason = session.lockTimeoutMs !== undefined ? 'lock timeout' : 'statement timeout'
        this.at(timeoutMs * microsPerMs, {
          kind: 'call',
          fire: () => {
            if (session.pending?.serial !== serial || !session.pending.isWaitingForLock) return
            this.failConsoleStatement(session, {
              code: reason === 'lock timeout' ? '55P03' : '57014',
              message: `canceling statement due to ${reason}`,
            })
          },
        })
      },
    })
  }

  // A failed statement aborts the block: its waits are withdrawn, the locks it holds stay
  // until ROLLBACK, as in Postgres.
  private failConsoleStatement(session: ConsoleSession, error: PgError): void {
    const pending = session.pending
    if (!pending) return
    session.pending = undefined
    // an error aborts the transaction there and then: its locks go, though psql waits for ROLLBACK
    this.locks.releaseAll(session.owner)
    session.transaction = 'failed'
    session.sinceUs = this.nowUs
    pending.answer({ ok: false, error, durationMs: 0 })
  }

  // The console's connection is gone: what it held is released, and psql learns it at once
  // if it was waiting, or with its next statement.
  private terminateConsole(session: ConsoleSession): boolean {
    const isBusy = session.autocommit !== undefined || session.pending !== undefined
    if (!isBusy && session.transaction === 'idle') return false
    const fatal: PgError = { ...terminatedByAdministrator(), severity: 'FATAL' }
    this.log({ type: 'statement', atUs: this.nowUs, session: 'console', sql: '', state: 'terminated' })
    if (session.autocommit) this.endRun(session.autocommit, 'terminated', { ok: false, error: fatal })
    const pending = session.pending
    this.endConsoleTransaction(session)
    if (pending) pending.answer({ ok: false, error: fatal, durationMs: 0 })
    else if (!isBusy) session.wasTerminated = true
    return true
  }

  private endConsoleTransaction(session: ConsoleSession): void {
    this.locks.releaseAll(session.owner)
    session.transaction = 'idle'
    session.statements = []
    session.pending = undefined
    session.sinceUs = this.nowUs
  }

  private sizeOf(table: string): TableSize {
    return this.tableSizes.get(table) ?? { declaredRows: 1000, sampleRows: 1000 }
  }

  // ——— invariants ———

  /** Runs every invariant now; returns how many returned rows. */
  private async checkInvariants(): Promise<number> {
    if (this.isDatabaseDown) return 0
    let violated = 0
    for (const invariant of this.scenario.invariants) {
      const result = await this.database.run(invariant.sql)
      const violations = result.ok ? result.rows.length : 1
      if (violations > 0) violated += 1
      const step = Math.max(0, this.stepIndex)
      this.invariantViolations.push({ atUs: this.nowUs, step, name: invariant.name, violations })
      this.log({ type: 'invariant', atUs: this.nowUs, name: invariant.name, violations })
    }
    return violated
  }

  private log(event: SimEvent): void {
    this.hash.add(JSON.stringify(event))
    if (this.keepEvents) this.events.push(event)
    this.onEvent?.(event)
  }
}

/** One session of the simulation, as `pg_stat_activity` and `pg_locks` would show it. */
export interface SessionSnapshot {
  owner: number
  kind: 'app' | 'migration' | 'session' | 'console'
  label: string
  state: 'active' | 'waiting' | 'idle in transaction' | 'idle in transaction (aborted)'
  sql: string
  /** Virtual µs when it entered its state. */
  sinceUs: number
  locks: OwnerLocks['locks']
  blockedBy: number[]
}

/** A session as the page and the console show it: `sinceUs` in virtual ms. */
export type SessionView = Omit<SessionSnapshot, 'sinceUs'> & {
  /** Virtual ms when it entered its state. */
  sinceMs: number
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

export interface SimulationOptions {
  /** Keep every event in `events` (default); the hash covers them either way. */
  keepEvents?: boolean
  /** Hears each event as it is logged (live mode batches them for the page). */
  onEvent?: (event: SimEvent) => void
}

function currentSql(run: OperatorRun): string {
  const part = run.parts[run.partIndex]
  return part?.kind === 'transaction' ? (part.statements[run.statementIndex] ?? '') : ''
}

function terminatedByAdministrator(): PgError {
  return { code: '57P01', message: 'terminating connection due to administrator command' }
}

function busyConsole(): PgError {
  return { code: '55000', message: 'another command is already in progress' }
}

function commandOnly(command: string): RunResult {
  return { ok: true, command, fields: [], rows: [], rowCount: 0, durationMs: 0 }
}

function commandTagOf(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'EMPTY'
}

function isConcurrentIndexBuild(sql: string): boolean {
  return /^create (unique )?index concurrently\b/.test(normalizeStatement(sql))
}

/** BEGIN, COMMIT or ROLLBACK in any of their spellings; undefined for anything else. */
export function transactionControlOf(sql: string): 'begin' | 'commit' | 'rollback' | undefined {
  const statement = normalizeStatement(sql)
  if (/^(begin|start transaction)\b/.test(statement)) return 'begin'
  if (/^(commit|end)\b/.test(statement) && !/^(commit|end) prepared\b/.test(statement)) return 'commit'
  if (
    /^(rollback|abort)\b/.test(statement) &&
    !/\bto\b/.test(statement) &&
    !/^rollback prepared\b/.test(statement)
  )
    return 'rollback'
  return undefined
}

function connectionFailure(): PgError {
  return { code: '08006', message: 'connection to server failed: the database is stopped' }
}

/** Why a Delmo check failed, as a person reads it: `timed out waiting until the database is up`. */
export function describeFailedCheck(verb: 'wait' | 'assert' | 'fail', condition: Condition): string {
  const what =
    'sql' in condition
      ? `query returned rows: ${condition.sql}`
      : 'invariants' in condition
        ? 'invariants hold'
        : 'database' in condition
          ? `the database is ${condition.database}`
          : `${condition.request.version ?? 'the app'} answers ${condition.request.endpoint}`
  if (verb === 'fail') return `expected this to fail, but it held: ${what}`
  return verb === 'wait' ? `timed out waiting until ${what}` : `did not hold: ${what}`
}
