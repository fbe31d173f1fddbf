import pg from 'pg'
import {
  costModel,
  generateParam,
  parseOperatorScript,
  pickEndpoint,
  RandomStream,
  stepWindowMs,
  type ActionProgress,
  type Condition,
  type Endpoint,
  type OperatorResult,
  type RequestRecord,
  type RequestSource,
  type RunRecord,
  type ScriptPart,
  type SimScenario,
  type Step,
  type StepAction,
  type SystemTestTask,
} from '../sim'
import { LockWaitMonitor, type WaitEpisode } from './lock-wait-monitor'
import type { RealServer } from './server'

/** How a scenario is replayed on a real server. */
export interface ReplayOptions {
  /**
   * Virtual ms per wall ms: at 8, a step's 60 s `within` lasts 7.5 s, an app's 5 s timeout
   * 625 ms and a `lock_timeout` of 1 s is set as 125 ms. Every duration scales by it, and
   * every measured one is scaled back, so claims read in the scenario's own units.
   */
  timeScale: number
  /**
   * The modelled µs each migration statement runs once granted, by its SQL (the simulator's
   * cost model, from its run of the same path): the real server holds the statement's locks
   * that long (scaled), with `pg_sleep` in its transaction right after it.
   */
  modelledMicros: ReadonlyMap<string, number>
  /** Wall requests a second at most, across all versions (default 400): what the replay sustains. */
  maxRequestsPerSecond?: number
}

/** A replay's record, in the simulator's units (virtual µs), and who waited on whom. */
export interface RealRun extends RunRecord {
  waits: WaitEpisode[]
  requests: number
  virtualMs: number
  /** Wall requests a second the versions were sent at, for 100 % of the traffic. */
  wallRequestsPerSecond: number
}

// Delmo's `wait` retries its task once a second (virtual)
const checkIntervalMs = 1000
const invariantIntervalMs = 1000

interface AppConnection {
  label: string
  client?: pg.Client
  connecting?: Promise<pg.Client | undefined>
  isBusy: boolean
  isInTransaction: boolean
}

interface VersionRuntime extends RequestSource {
  /** One of its idle connections was terminated: the next request finds it gone (as in the simulator). */
  hasTerminatedConnection: boolean
  share: number
  isRunning: boolean
  connections: AppConnection[]
  waiting: PendingRequest[]
  arrivalTimer?: ReturnType<typeof setTimeout>
}

interface PendingRequest {
  id: number
  runtime: VersionRuntime
  endpoint: Endpoint
  params: unknown[]
  arrivedUs: number
  step: number
  connection?: AppConnection
  statementStartUs?: number
  isTimedOut: boolean
  isDone: boolean
  timer?: ReturnType<typeof setTimeout>
  onDone?: (record: RequestRecord) => void
}

interface OperatorSession {
  label: string
  client: pg.Client
  pid: number
}

/**
 * Replays one scenario path on a real PostgreSQL server in scaled wall time: each deployed
 * version is a pool of real connections sending its endpoints' SQL with the simulator's seeded
 * parameters; migrations run statement by statement on a connection of their own with their
 * real (scaled) `lock_timeout`; sessions are real connections left in an open transaction;
 * `terminate` is `pg_terminate_backend`; an outage stops the postmaster. The database must
 * already hold the scenario's starting state.
 */
export async function replayOnRealServer(
  server: RealServer,
  database: string,
  scenario: SimScenario,
  options: ReplayOptions,
): Promise<RealRun> {
  const replay = new Replay(server, database, scenario, options)
  try {
    return await replay.run()
  } finally {
    await replay.closeAll()
  }
}

class Replay {
  readonly records: RequestRecord[] = []
  readonly invariantViolations: RunRecord['invariantViolations'] = []
  readonly operatorLockWaitUs: number[] = []
  readonly actions: ActionProgress[] = []
  readonly stepStartsUs: number[] = []

  private readonly startedAt = performance.now()
  private readonly versions = new Map<string, VersionRuntime>()
  private readonly sessions = new Map<string, OperatorSession>()
  private readonly operatorClients = new Set<pg.Client>()
  private readonly monitor: LockWaitMonitor
  private readonly wallRequestsPerSecond: number
  private stepIndex = -1
  private nextRequestId = 1
  private isDraining = false
  private isDatabaseDown = false
  private admin?: pg.Client
  private invariantTimer?: ReturnType<typeof setInterval>
  private isCheckingInvariants = false
  private starting?: Promise<void>
  private isFinished = false

  constructor(
    private readonly server: RealServer,
    private readonly database: string,
    private readonly scenario: SimScenario,
    private readonly options: ReplayOptions,
  ) {
    this.wallRequestsPerSecond = Math.min(
      scenario.requestsPerSecond * options.timeScale,
      options.maxRequestsPerSecond ?? 400,
    )
    for (const version of scenario.versions) {
      this.versions.set(version.id, {
        version,
        random: new RandomStream(`${scenario.seed}/${version.id}`),
        totalWeight: version.endpoints.reduce((total, endpoint) => total + endpoint.weight, 0),
        sequence: 0,
        hasTerminatedConnection: false,
        share: 0,
        isRunning: false,
        connections: Array.from({ length: version.connections }, (_, index) => ({
          label: `${version.id} #${index + 1}`,
          isBusy: false,
          isInTransaction: false,
        })),
        waiting: [],
      })
    }
    this.monitor = new LockWaitMonitor(server, database, () => this.nowUs)
  }

  /** Virtual µs since the replay started. */
  get nowUs(): number {
    return Math.round((performance.now() - this.startedAt) * 1000 * this.options.timeScale)
  }

  private wallMs(virtualMs: number): number {
    return virtualMs / this.options.timeScale
  }

  private sleep(virtualMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.wallMs(virtualMs)))
  }

  async run(): Promise<RealRun> {
    this.admin = await this.connect('cutover admin')
    await this.monitor.start()
    this.invariantTimer = setInterval(() => void this.checkInvariants(), this.wallMs(invariantIntervalMs))
    for (const step of this.scenario.steps) await this.runStep(step)
    await this.drain()
    this.isFinished = true
    clearInterval(this.invariantTimer)
    await this.monitor.stop()
    return {
      records: this.records,
      invariantViolations: this.invariantViolations,
      operatorLockWaitUs: this.operatorLockWaitUs,
      actions: this.actions,
      stepStartsUs: this.stepStartsUs,
      waits: this.monitor.episodes,
      requests: this.records.length,
      virtualMs: this.nowUs / 1000,
      wallRequestsPerSecond: this.wallRequestsPerSecond,
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.invariantTimer)
    await this.monitor.stop()
    for (const runtime of this.versions.values()) {
      clearTimeout(runtime.arrivalTimer)
      for (const connection of runtime.connections) await this.closeConnection(connection)
    }
    for (const client of this.operatorClients) await endQuietly(client)
    if (this.admin) await endQuietly(this.admin)
  }

  // ——— steps, as Simulation.runStep takes them ———

  private async runStep(step: Step): Promise<void> {
    this.stepIndex += 1
    const index = this.stepIndex
    this.stepStartsUs.push(this.nowUs)
    this.operatorLockWaitUs.push(0)
    const progress: ActionProgress = {}
    this.actions.push(progress)
    const settled = new Promise<void>((resolve) => {
      void this.applyAction(step.action, index).then((result) => {
        // a migration still waiting when the scenario ended has not succeeded (closing the
        // sessions afterwards lets it through, too late to count)
        if (progress.settledUs === undefined && !this.isFinished) {
          progress.settledUs = this.nowUs
          progress.result = result
        }
        resolve()
      })
    })
    await Promise.race([settled, this.sleep(stepWindowMs(step))])
    // a database being started (a system test's teardown) is up before the next step, as in
    // the simulator, where starting takes no time
    await this.starting
    await this.sleep(step.observeMs)
    await this.checkInvariants()
  }

  private async applyAction(action: StepAction, step: number): Promise<OperatorResult> {
    try {
      switch (action.kind) {
        case 'deploy':
          this.deploy(action.shares)
          return { ok: true }
        case 'migrate':
          return await this.migrate(action.sql, action.retry, step)
        case 'database':
          return await this.setDatabase(action.state)
        case 'open session':
          return await this.openSession(action.session, action.sql)
        case 'end session':
          return await this.endSession(action.session, action.how)
        case 'terminate idle':
          await this.terminateIdle()
          return { ok: true }
        case 'advance':
          await this.sleep(action.ms)
          return { ok: true }
        case 'check':
          return await this.check(action.verb, action.condition, action.withinMs)
        case 'system test':
          return await this.runSystemTest(action.tasks)
      }
    } catch (error) {
      return { ok: false, error: asPgError(error) }
    }
  }

  private deploy(shares: Record<string, number>): void {
    for (const [id, runtime] of this.versions) {
      const share = shares[id]
      clearTimeout(runtime.arrivalTimer)
      if (share === undefined) {
        if (runtime.isRunning) this.stopVersion(runtime)
        continue
      }
      runtime.isRunning = true
      runtime.share = share
      this.scheduleArrival(runtime)
    }
  }

  // Stopping a version's processes closes its connections: what they held is released.
  private stopVersion(runtime: VersionRuntime): void {
    runtime.isRunning = false
    runtime.share = 0
    for (const connection of runtime.connections) {
      if (!connection.isBusy) void this.closeConnection(connection)
    }
  }

  private async setDatabase(state: 'stop' | 'start'): Promise<OperatorResult> {
    if (state === 'stop') {
      this.isDatabaseDown = true
      await this.monitor.pause()
      for (const session of this.sessions.values()) this.operatorClients.delete(session.client)
      this.sessions.clear()
      await this.server.stopPostmaster()
      if (this.admin) await endQuietly(this.admin)
      this.admin = undefined
      return { ok: true }
    }
    if (!this.isDatabaseDown) return { ok: true }
    this.starting = (async () => {
      // the simulator's modelled start-up first; the real server's own start comes on top
      await this.sleep(costModel.databaseStartMs)
      await this.server.startPostmaster()
      this.admin = await this.connect('cutover admin')
      await this.monitor.resume()
      this.isDatabaseDown = false
    })()
    await this.starting
    return { ok: true }
  }

  // ——— migrations: statement by statement, with their real lock_timeout ———

  private async migrate(
    sql: string,
    retry: Extract<StepAction, { kind: 'migrate' }>['retry'],
    step: number,
  ): Promise<OperatorResult> {
    const parsed = parseOperatorScript(sql)
    if (!parsed.ok) return { ok: false, error: { code: '42601', message: parsed.problem.message } }
    if (this.isDatabaseDown) return { ok: false, error: connectionFailure() }
    const client = await this.connect('migration')
    this.operatorClients.add(client)
    try {
      let partIndex = 0
      let attempt = 1
      while (partIndex < parsed.parts.length) {
        const part = parsed.parts[partIndex]
        const outcome = await this.runPart(client, part, step)
        if (outcome.ok) {
          partIndex += 1
          attempt = 1
          continue
        }
        if (outcome.error.code === '55P03' && retry && attempt < retry.attempts) {
          await this.sleep(retry.backoffMs * retry.factor ** (attempt - 1))
          attempt += 1
          continue
        }
        return { ok: false, error: outcome.error, ...(outcome.sql && { statement: outcome.sql }) }
      }
      return { ok: true }
    } finally {
      this.operatorClients.delete(client)
      await endQuietly(client)
    }
  }

  private async runPart(
    client: pg.Client,
    part: ScriptPart,
    step: number,
  ): Promise<{ ok: true } | { ok: false; error: OperatorError; sql?: string }> {
    if (part.kind === 'setting') {
      const value = part.ms === undefined ? 'default' : `'${Math.max(1, Math.round(this.wallMs(part.ms)))}ms'`
      await client.query(`set ${part.name} = ${value}`)
      return { ok: true }
    }
    if (part.runsOutsideTransaction) return this.runOutsideTransaction(client, part.statements[0], step)
    // an autocommit statement is its own transaction: the same, with room for its modelled time
    await client.query('begin')
    for (const setting of part.localSettings ?? []) {
      const value =
        setting.ms === undefined ? 'default' : `'${Math.max(1, Math.round(this.wallMs(setting.ms)))}ms'`
      await client.query(`set local ${setting.name} = ${value}`)
    }
    for (const sql of part.statements) {
      const outcome = await this.runMigrationStatement(client, sql, step)
      if (!outcome.ok) {
        await client.query('rollback').catch(() => undefined)
        return { ok: false, error: outcome.error, sql }
      }
      const holdMs = this.wallMs((this.options.modelledMicros.get(sql) ?? 0) / 1000)
      if (holdMs >= 1) {
        const held = await query(client, `select pg_sleep(${(holdMs / 1000).toFixed(4)})`)
        if (!held.ok) {
          await client.query('rollback').catch(() => undefined)
          return { ok: false, error: held.error, sql }
        }
      }
    }
    const committed = await query(client, part.rolledBack ? 'rollback' : 'commit')
    return committed.ok ? { ok: true } : { ok: false, error: committed.error, sql: 'commit' }
  }

  // CONCURRENTLY cannot run in a transaction: the statement runs for real first, with its real
  // waits for the transactions that write to the table, and then its modelled build time is
  // held as the lock it holds throughout, SHARE UPDATE EXCLUSIVE on the table (docs: CREATE
  // INDEX, "Building Indexes Concurrently").
  private async runOutsideTransaction(
    client: pg.Client,
    sql: string,
    step: number,
  ): Promise<{ ok: true } | { ok: false; error: OperatorError; sql?: string }> {
    const outcome = await this.runMigrationStatement(client, sql, step)
    if (!outcome.ok) return { ok: false, error: outcome.error, sql }
    const holdMs = this.wallMs((this.options.modelledMicros.get(sql) ?? 0) / 1000)
    const table = /\bon\s+(?:only\s+)?([\w."]+)/i.exec(sql)?.[1]
    if (holdMs >= 1 && table) {
      await client.query('begin')
      const locked = await this.runMigrationStatement(
        client,
        `lock table ${table} in share update exclusive mode`,
        step,
      )
      if (locked.ok) await query(client, `select pg_sleep(${(holdMs / 1000).toFixed(4)})`)
      await client.query(locked.ok ? 'commit' : 'rollback')
    }
    return { ok: true }
  }

  // A statement's lock wait is how long it ran if the server showed it waiting on a lock.
  private async runMigrationStatement(
    client: pg.Client,
    sql: string,
    step: number,
  ): Promise<{ ok: true } | { ok: false; error: OperatorError }> {
    const startedUs = this.nowUs
    const outcome = await query(client, sql)
    const waitedUs = this.monitor.waitedDuring(pidOf(client), startedUs, this.nowUs)
    this.operatorLockWaitUs[step] = Math.max(this.operatorLockWaitUs[step] ?? 0, waitedUs)
    return outcome
  }

  // ——— sessions ———

  private async openSession(name: string, sql: string): Promise<OperatorResult> {
    if (this.isDatabaseDown) return { ok: false, error: connectionFailure() }
    const client = await this.connect(`session ${name}`)
    this.operatorClients.add(client)
    this.sessions.set(name, { label: name, client, pid: pidOf(client) ?? 0 })
    await client.query('begin')
    const parsed = parseOperatorScript(sql)
    if (!parsed.ok) return { ok: false, error: { code: '42601', message: parsed.problem.message } }
    for (const part of parsed.parts) {
      const statements = part.kind === 'setting' ? [part.sql] : part.statements
      for (const statement of statements) {
        const outcome = await query(client, statement)
        if (!outcome.ok) return { ok: false, error: outcome.error }
      }
    }
    return { ok: true }
  }

  private async endSession(name: string, how: 'commit' | 'terminate'): Promise<OperatorResult> {
    const session = this.sessions.get(name)
    if (!session) return { ok: false, error: { code: '08003', message: `no open session named ${name}` } }
    this.sessions.delete(name)
    this.operatorClients.delete(session.client)
    if (how === 'terminate') {
      await this.adminQuery('select pg_terminate_backend($1)', [session.pid])
      await endQuietly(session.client)
      return { ok: true }
    }
    const committed = await query(session.client, 'commit')
    await endQuietly(session.client)
    return committed.ok ? { ok: true } : { ok: false, error: committed.error }
  }

  // pgAdmin's "clear lock": every session idle in a transaction of this database ends
  private async terminateIdle(): Promise<void> {
    const terminated = await this.adminQuery(
      `select pid, pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and state in ('idle in transaction', 'idle in transaction (aborted)')`,
    )
    const pids = new Set(
      (terminated.ok ? terminated.rows : []).map((row) => Number((row as { pid: number }).pid)),
    )
    for (const runtime of this.versions.values()) {
      if (runtime.connections.some((connection) => pids.has(pidOf(connection.client) ?? 0)))
        runtime.hasTerminatedConnection = true
    }
    this.sessions.clear()
  }

  // ——— checks and system tests, in Delmo's vocabulary ———

  private async check(
    verb: 'wait' | 'assert' | 'fail',
    condition: Condition,
    withinMs: number,
  ): Promise<OperatorResult> {
    const deadlineUs = this.nowUs + withinMs * 1000
    for (;;) {
      const held = await this.evaluate(condition)
      if (held === (verb !== 'fail')) return { ok: true }
      if (verb !== 'wait' || this.nowUs + checkIntervalMs * 1000 > deadlineUs) {
        return { ok: false, error: { code: 'CHECK', message: `${verb} did not hold` } }
      }
      await this.sleep(checkIntervalMs)
    }
  }

  private async evaluate(condition: Condition): Promise<boolean> {
    if ('sql' in condition) {
      if (this.isDatabaseDown || !this.admin) return false
      const result = await this.adminQuery(condition.sql)
      return result.ok && result.rows.length > 0
    }
    if ('invariants' in condition) return (await this.checkInvariants()) === 0
    if ('database' in condition) return this.isDatabaseDown === (condition.database === 'down')
    const runtime = this.versionServing(condition.request.version)
    const endpoint = runtime?.version.endpoints.find(
      (candidate) => candidate.name === condition.request.endpoint,
    )
    if (!runtime || !endpoint || !runtime.isRunning) return false
    const record = await new Promise<RequestRecord>((resolve) => this.sendRequest(runtime, endpoint, resolve))
    return record.outcome === 'ok' || record.outcome === 'degraded'
  }

  private async runSystemTest(tasks: readonly SystemTestTask[]): Promise<OperatorResult> {
    const wasDown = this.isDatabaseDown
    let result: OperatorResult = { ok: true }
    for (const [index, task] of tasks.entries()) {
      const outcome =
        'service' in task
          ? await this.setDatabase(task.verb)
          : await this.check(task.verb, task.condition, task.withinMs)
      if (!outcome.ok) {
        const name = 'task' in task ? `${task.verb}: ${task.task}` : `${task.verb}: [${task.service}]`
        result = {
          ok: false,
          error: {
            ...outcome.error,
            message: `task ${index + 1} (${name}) failed: ${outcome.error.message}`,
          },
        }
        break
      }
    }
    // Delmo tears a test's system down after it: a database the test stopped is started again
    if (this.isDatabaseDown && !wasDown) await this.setDatabase('start')
    return result
  }

  private versionServing(id: string | undefined): VersionRuntime | undefined {
    if (id !== undefined) return this.versions.get(id)
    let serving: VersionRuntime | undefined
    for (const runtime of this.versions.values())
      if (runtime.isRunning && runtime.share > (serving?.share ?? -1)) serving = runtime
    return serving
  }

  private async checkInvariants(): Promise<number> {
    if (this.isDatabaseDown || !this.admin || this.isCheckingInvariants || this.stepIndex < 0) return 0
    this.isCheckingInvariants = true
    let violations = 0
    try {
      for (const invariant of this.scenario.invariants) {
        const result = await this.adminQuery(invariant.sql)
        const count = result.ok ? result.rows.length : 1
        violations += count
        this.invariantViolations.push({
          atUs: this.nowUs,
          step: this.stepIndex,
          name: invariant.name,
          violations: count,
        })
      }
    } finally {
      this.isCheckingInvariants = false
    }
    return violations
  }

  // ——— traffic ———

  private scheduleArrival(runtime: VersionRuntime): void {
    const perSecond = (this.wallRequestsPerSecond * runtime.share) / 100
    if (!runtime.isRunning || perSecond <= 0 || this.isDraining) return
    const delayMs = runtime.random.nextInterarrivalMicros(perSecond) / 1000
    runtime.arrivalTimer = setTimeout(() => {
      this.scheduleArrival(runtime)
      this.sendRequest(runtime, pickEndpoint(runtime))
    }, delayMs)
  }

  private sendRequest(
    runtime: VersionRuntime,
    endpoint: Endpoint,
    onDone?: (record: RequestRecord) => void,
  ): void {
    const request: PendingRequest = {
      id: this.nextRequestId++,
      runtime,
      endpoint,
      params: endpoint.params.map((generator) => generateParam(generator, runtime)),
      arrivedUs: this.nowUs,
      step: Math.max(0, this.stepIndex),
      isTimedOut: false,
      isDone: false,
      onDone,
    }
    request.timer = setTimeout(() => void this.timeOut(request), this.wallMs(runtime.version.timeoutMs))
    const free = runtime.connections.find((connection) => !connection.isBusy)
    if (free) void this.execute(request, free)
    else runtime.waiting.push(request)
  }

  private async execute(request: PendingRequest, connection: AppConnection): Promise<void> {
    connection.isBusy = true
    request.connection = connection
    try {
      const client = await this.openConnection(connection)
      if (request.isDone) return
      if (!client) return this.answerWithoutDatabase(request)
      // the pool hands out the connection an operator terminated: the request fails with it,
      // and the pool is recycled (an app without a pre-ping, SQLAlchemy's default)
      if (request.runtime.hasTerminatedConnection) {
        request.runtime.hasTerminatedConnection = false
        return this.answer(request, 'error', '57P01', 'terminating connection due to administrator command')
      }
      const version = request.runtime.version
      // deploydemo v1.0.0 never ends the transaction its reads opened (SQLAlchemy's implicit BEGIN)
      if (version.idleInTransactionAfterReads && !connection.isInTransaction) {
        const begun = await query(client, 'begin')
        if (!begun.ok) return this.answerFailure(request, begun.error)
        connection.isInTransaction = true
      }
      request.statementStartUs = this.nowUs
      const outcome = await query(client, request.endpoint.sql, request.params)
      const isRead = outcome.ok && outcome.command === 'SELECT'
      const keepsTransaction =
        outcome.ok && isRead && version.idleInTransactionAfterReads && request.runtime.isRunning
      if (connection.isInTransaction && !keepsTransaction) {
        await query(client, outcome.ok ? 'commit' : 'rollback')
        connection.isInTransaction = false
      }
      if (request.isDone) return
      if (outcome.ok) this.answer(request, 'ok')
      else this.answerFailure(request, outcome.error)
    } finally {
      this.releaseConnection(connection)
    }
  }

  private answerFailure(request: PendingRequest, error: OperatorError): void {
    if (request.isTimedOut) return this.answer(request, 'timeout', undefined, 'no answer in time: cancelled')
    if (isConnectionError(error) && (this.isDatabaseDown || !this.server.isRunning))
      return this.answerWithoutDatabase(request)
    // the server is up, so an operator terminated this connection under the request
    if (isConnectionError(error)) {
      request.runtime.hasTerminatedConnection = false
      return this.answer(request, 'error', '57P01', 'terminating connection due to administrator command')
    }
    this.answer(request, 'error', error.code, error.message)
  }

  private answerWithoutDatabase(request: PendingRequest): void {
    if (request.runtime.version.whenDatabaseDown === 'fallback') this.answer(request, 'degraded')
    else this.answer(request, 'error', '08006', connectionFailure().message)
  }

  // The app gives up on the request: it cancels the statement, as a client-side timeout does.
  private async timeOut(request: PendingRequest): Promise<void> {
    if (request.isDone) return
    request.isTimedOut = true
    const waiting = request.runtime.waiting
    if (waiting.includes(request)) {
      waiting.splice(waiting.indexOf(request), 1)
      return this.answer(request, 'timeout', undefined, 'no answer in time: it waited for a free connection')
    }
    const pid = pidOf(request.connection?.client)
    if (pid && !this.isDatabaseDown) await this.adminQuery('select pg_cancel_backend($1)', [pid])
  }

  private answer(
    request: PendingRequest,
    outcome: RequestRecord['outcome'],
    code?: string,
    message?: string,
  ): void {
    if (request.isDone) return
    request.isDone = true
    clearTimeout(request.timer)
    const endedUs = this.nowUs
    const pid = pidOf(request.connection?.client)
    const lockWaitUs =
      pid && request.statementStartUs !== undefined
        ? this.monitor.waitedDuring(pid, request.statementStartUs, endedUs)
        : 0
    const record: RequestRecord = {
      id: request.id,
      version: request.runtime.version.id,
      endpoint: request.endpoint.name,
      arrivedUs: request.arrivedUs,
      endedUs,
      outcome,
      ...(code !== undefined && { code }),
      ...(message !== undefined && { message }),
      lockWaitUs,
      step: request.step,
    }
    this.records.push(record)
    request.onDone?.(record)
  }

  private releaseConnection(connection: AppConnection): void {
    connection.isBusy = false
    for (const runtime of this.versions.values()) {
      if (!runtime.connections.includes(connection)) continue
      if (!runtime.isRunning && !this.isDraining) {
        void this.closeConnection(connection)
        continue
      }
      const next = runtime.waiting.shift()
      if (next) void this.execute(next, connection)
    }
  }

  private async drain(): Promise<void> {
    this.isDraining = true
    for (const runtime of this.versions.values()) clearTimeout(runtime.arrivalTimer)
    const isAnswered = () =>
      [...this.versions.values()].every(
        (runtime) =>
          runtime.waiting.length === 0 && runtime.connections.every((connection) => !connection.isBusy),
      )
    while (!isAnswered()) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  // ——— connections ———

  // One statement at a time on the admin connection (invariants, checks, cancels, terminations
  // all use it, from timers that fire whenever they fire).
  private adminQueue: Promise<unknown> = Promise.resolve()

  private adminQuery(sql: string, params?: unknown[]): Promise<QueryOutcome> {
    const next = this.adminQueue.then(() =>
      this.admin ? query(this.admin, sql, params) : { ok: false as const, error: connectionFailure() },
    )
    this.adminQueue = next
    return next
  }

  private async connect(label: string): Promise<pg.Client> {
    const client = new pg.Client({
      host: this.server.host,
      port: this.server.port,
      user: 'postgres',
      database: this.database,
      application_name: label,
      // Postgres looks for deadlocks after deadlock_timeout (1 s) of waiting: scaled like every duration
      options: `-c deadlock_timeout=${Math.max(1, Math.round(this.wallMs(1000)))}ms`,
    })
    // a terminated or shut-down backend surfaces here as well as on the query in flight
    client.on('error', () => undefined)
    await client.connect()
    const { rows } = await client.query('select pg_backend_pid() as pid')
    backendPids.set(client, Number(rows[0].pid))
    return client
  }

  private async openConnection(connection: AppConnection): Promise<pg.Client | undefined> {
    if (connection.client) return connection.client
    if (this.isDatabaseDown) return undefined
    connection.connecting ??= this.connect(connection.label).then(
      (client) => {
        client.once('end', () => {
          if (connection.client === client) {
            connection.client = undefined
            connection.isInTransaction = false
          }
        })
        connection.client = client
        return client
      },
      () => undefined,
    )
    const client = await connection.connecting
    connection.connecting = undefined
    return client
  }

  private async closeConnection(connection: AppConnection): Promise<void> {
    const client = connection.client
    connection.client = undefined
    connection.isInTransaction = false
    if (client) await endQuietly(client)
  }
}

// node-postgres keeps the backend's pid privately; we ask the server once per connection
const backendPids = new WeakMap<pg.Client, number>()

function pidOf(client: pg.Client | undefined): number | undefined {
  return client ? backendPids.get(client) : undefined
}

type OperatorError = { code: string; message: string }

type QueryOutcome = { ok: true; command: string; rows: unknown[] } | { ok: false; error: OperatorError }

/** Runs one statement; an error, from the server or the connection, comes back as a value. */
async function query(client: pg.Client, sql: string, params?: unknown[]): Promise<QueryOutcome> {
  try {
    const result = await client.query({ text: sql, values: params })
    const last = Array.isArray(result) ? result.at(-1) : result
    return { ok: true, command: last?.command ?? '', rows: last?.rows ?? [] }
  } catch (error) {
    return { ok: false, error: asPgError(error) }
  }
}

function asPgError(error: unknown): OperatorError {
  const candidate = error as { code?: unknown; message?: unknown }
  const code =
    typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) ? candidate.code : '08006'
  return { code, message: String(candidate.message ?? error) }
}

// The connection itself failed: refused, reset, or ended by a server shutting down (57P01).
function isConnectionError(error: OperatorError): boolean {
  return (
    error.code.startsWith('08') || error.code === '57P01' || error.code === '57P02' || error.code === '57P03'
  )
}

function connectionFailure(): OperatorError {
  return { code: '08006', message: 'connection to server failed: the database is stopped' }
}

async function endQuietly(client: pg.Client): Promise<void> {
  try {
    await client.end()
  } catch {
    // already gone: a terminated backend or a stopped server
  }
}
