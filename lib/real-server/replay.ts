import type pg from 'pg'
import {
  costModel,
  describeFailedCheck,
  parseOperatorScript,
  stepWindowMs,
  type ActionProgress,
  type Condition,
  type OperatorResult,
  type RequestRecord,
  type RunRecord,
  type ScriptPart,
  type SimScenario,
  type Step,
  type StepAction,
  type SystemTestTask,
} from '../sim'
import { AppTraffic } from './app-traffic'
import { LockWaitMonitor, type WaitEpisode } from './lock-wait-monitor'
import {
  asPgError,
  connectClient,
  connectionFailure,
  endQuietly,
  pidOf,
  query,
  type OperatorError,
  type QueryOutcome,
} from './pg-calls'
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

interface OperatorSession {
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
  readonly invariantViolations: RunRecord['invariantViolations'] = []
  readonly operatorLockWaitUs: number[] = []
  readonly actions: ActionProgress[] = []
  readonly stepStartsUs: number[] = []

  private readonly startedAt = performance.now()
  private readonly sessions = new Map<string, OperatorSession>()
  private readonly operatorClients = new Set<pg.Client>()
  private readonly monitor: LockWaitMonitor
  private readonly traffic: AppTraffic
  private stepIndex = -1
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
    this.monitor = new LockWaitMonitor(server, database, () => this.nowUs, options.timeScale)
    this.traffic = new AppTraffic(
      scenario,
      Math.min(scenario.requestsPerSecond * options.timeScale, options.maxRequestsPerSecond ?? 400),
      {
        nowUs: () => this.nowUs,
        wallMs: (virtualMs) => this.wallMs(virtualMs),
        stepIndex: () => this.stepIndex,
        isDatabaseDown: () => this.isDatabaseDown,
        isServerRunning: () => this.server.isRunning,
        connect: (label) => this.connect(label),
        cancel: async (pid) => {
          await this.adminQuery('select pg_cancel_backend($1)', [pid])
        },
        waitedDuring: (pid, fromUs, untilUs) => this.monitor.waitedDuring(pid, fromUs, untilUs),
      },
    )
  }

  /** Virtual µs since the replay started. */
  get nowUs(): number {
    return Math.round((performance.now() - this.startedAt) * 1000 * this.options.timeScale)
  }

  private wallMs(virtualMs: number): number {
    return virtualMs / this.options.timeScale
  }

  // a timeout the script set, in wall time: `'125ms'` for 1 s at ×8; off stays off
  private scaledTimeout(virtualMs: number | undefined): string {
    return virtualMs === undefined ? 'default' : `'${Math.max(1, Math.round(this.wallMs(virtualMs)))}ms'`
  }

  private sleep(virtualMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.wallMs(virtualMs)))
  }

  async run(): Promise<RealRun> {
    this.admin = await this.connect('cutover admin')
    await this.monitor.start()
    this.invariantTimer = setInterval(() => void this.checkInvariants(), this.wallMs(invariantIntervalMs))
    for (const step of this.scenario.steps) await this.runStep(step)
    await this.traffic.drain()
    this.isFinished = true
    clearInterval(this.invariantTimer)
    await this.monitor.stop()
    return {
      records: this.traffic.records,
      invariantViolations: this.invariantViolations,
      operatorLockWaitUs: this.operatorLockWaitUs,
      actions: this.actions,
      stepStartsUs: this.stepStartsUs,
      waits: this.monitor.episodes,
      requests: this.traffic.records.length,
      virtualMs: this.nowUs / 1000,
      wallRequestsPerSecond: this.traffic.wallRequestsPerSecond,
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.invariantTimer)
    await this.monitor.stop()
    await this.traffic.closeAll()
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
          this.traffic.deploy(action.shares)
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
      await client.query(`set ${part.name} = ${this.scaledTimeout(part.ms)}`)
      return { ok: true }
    }
    if (part.runsOutsideTransaction) return this.runOutsideTransaction(client, part.statements[0], step)
    // an autocommit statement is its own transaction: the same, with room for its modelled time
    await client.query('begin')
    for (const setting of part.localSettings ?? []) {
      await client.query(`set local ${setting.name} = ${this.scaledTimeout(setting.ms)}`)
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
    this.sessions.set(name, { client, pid: pidOf(client) ?? 0 })
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
    this.traffic.noteTerminated(pids)
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
        return { ok: false, error: { code: 'CHECK', message: describeFailedCheck(verb, condition) } }
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
    const runtime = this.traffic.versionServing(condition.request.version)
    const endpoint = runtime?.version.endpoints.find(
      (candidate) => candidate.name === condition.request.endpoint,
    )
    if (!runtime || !endpoint || !runtime.isRunning) return false
    const record = await new Promise<RequestRecord>((resolve) =>
      this.traffic.sendRequest(runtime, endpoint, resolve),
    )
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

  private connect(label: string): Promise<pg.Client> {
    return connectClient(this.server, this.database, label, this.wallMs(1000))
  }
}
