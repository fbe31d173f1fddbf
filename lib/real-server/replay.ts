import type pg from 'pg'
import {
  causeColumn,
  costModel,
  countFailedCheck,
  countViolations,
  describeFailedCheck,
  refusedBy,
  stepWindowMs,
  type ActionProgress,
  type Condition,
  type DatabaseState,
  type OperatorResult,
  type OperatorWait,
  type RequestRecord,
  type RunRecord,
  type SimScenario,
  type Step,
  type StepAction,
  type SystemTestTask,
} from '../sim'
import { AppTraffic } from './app-traffic'
import { LockWaitMonitor, type WaitEpisode } from './lock-wait-monitor'
import { runMigration, type MigrationHost } from './migration-runner'
import { OperatorSessions } from './operator-sessions'
import { asPgError, connectClient, connectionFailure, endQuietly, query, type QueryOutcome } from './pg-calls'
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
// pg_isready gives up on a server that does not answer after its default --timeout, 3 s
const pgIsReadyTimeoutMs = 3000
// the longest the requests in flight are given to be answered before the server stops or
// freezes, or the idle sessions are swept, in virtual ms (AppTraffic.betweenRequests)
const outageGraceMs = 250

/**
 * Replays one scenario path on a real PostgreSQL server in scaled wall time: each deployed
 * version is a pool of real connections sending its endpoints' SQL with the simulator's seeded
 * parameters; migrations run statement by statement on a connection of their own with their
 * real (scaled) `lock_timeout`; sessions are real connections left in an open transaction;
 * `terminate` is `pg_terminate_backend`; an outage stops the postmaster, and a hang freezes it
 * and its backends (SIGSTOP) until the database answers again. The database must already hold
 * the scenario's starting state.
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
  private readonly operatorClients = new Set<pg.Client>()
  private readonly monitor: LockWaitMonitor
  private readonly traffic: AppTraffic
  private readonly migrationHost: MigrationHost
  private readonly sessions: OperatorSessions
  private stepIndex = -1
  private databaseState: DatabaseState = 'up'
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
        databaseState: () => this.databaseState,
        isServerRunning: () => this.server.isRunning,
        connect: (label) => this.connect(label),
        cancel: async (pid) => {
          await this.adminQuery('select pg_cancel_backend($1)', [pid])
        },
        waitedDuring: (pid, fromUs, untilUs) => this.monitor.waitedDuring(pid, fromUs, untilUs),
      },
    )
    this.migrationHost = {
      nowUs: () => this.nowUs,
      wallMs: (virtualMs) => this.wallMs(virtualMs),
      sleep: (virtualMs) => this.sleep(virtualMs),
      databaseState: () => this.databaseState,
      connect: (label) => this.connect(label),
      operatorClients: this.operatorClients,
      modelledMicros: options.modelledMicros,
      waitedDuring: (pid, fromUs, untilUs) => this.monitor.waitedDuring(pid, fromUs, untilUs),
      operatorLockWaitUs: this.operatorLockWaitUs,
    }
    this.sessions = new OperatorSessions({
      databaseState: () => this.databaseState,
      connect: (label) => this.connect(label),
      adminQuery: (sql, params) => this.adminQuery(sql, params),
      operatorClients: this.operatorClients,
      noteTerminated: (pids) => this.traffic.noteTerminated(pids),
    })
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
      operatorWaits: operatorWaitsOf(this.monitor.episodes, this.stepStartsUs),
      requests: this.traffic.records.length,
      virtualMs: this.nowUs / 1000,
      wallRequestsPerSecond: this.traffic.wallRequestsPerSecond,
    }
  }

  async closeAll(): Promise<void> {
    // a frozen server must go on, or closing its connections would wait for it forever
    this.server.resumePostmaster()
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
        case 'deploy': {
          if (action.gate) {
            const checked = await this.check('fail', action.gate, 0)
            if (!checked.ok) return refusedBy(checked.error)
          }
          this.traffic.deploy(action.shares)
          return { ok: true }
        }
        case 'migrate':
          return await runMigration(this.migrationHost, action.sql, action.retry, step)
        case 'database':
          return await this.setDatabase(action.state)
        case 'open session':
          return await this.sessions.open(action.session, action.sql)
        case 'end session':
          return await this.sessions.end(action.session, action.how)
        case 'terminate idle':
          // between requests, as in the simulator, where a sweep lands between two of them: the
          // statements in flight are answered first, and none is sent until the sweep is done
          await this.traffic.betweenRequests(() => this.sessions.terminateIdle(), this.wallMs(outageGraceMs))
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

  private async setDatabase(state: 'stop' | 'start' | 'hang'): Promise<OperatorResult> {
    if (state === 'hang') return this.hang()
    if (state === 'stop') {
      if (this.databaseState === 'hanging') this.traffic.endHang()
      this.databaseState = 'down'
      await this.monitor.pause()
      this.sessions.forgetAll()
      await this.traffic.betweenRequests(() => this.server.stopPostmaster(), this.wallMs(outageGraceMs))
      if (this.admin) await endQuietly(this.admin)
      this.admin = undefined
      return { ok: true }
    }
    if (this.databaseState === 'up') return { ok: true }
    if (this.databaseState === 'hanging') {
      // it never stopped: what waited is answered now
      this.server.resumePostmaster()
      this.databaseState = 'up'
      this.traffic.endHang()
      await this.monitor.resume()
      return { ok: true }
    }
    this.starting = (async () => {
      // the simulator's modelled start-up first; the real server's own start comes on top
      await this.sleep(costModel.databaseStartMs)
      await this.server.startPostmaster()
      this.admin = await this.connect('cutover admin')
      await this.monitor.resume()
      this.databaseState = 'up'
    })()
    await this.starting
    return { ok: true }
  }

  // As the simulator's hang: only a running server can, and it hangs as the step begins, the
  // requests of the step waiting for it. The lock-wait monitor's samples would wait with
  // everything else: it drops its connection, and comes back with the server.
  private async hang(): Promise<OperatorResult> {
    if (this.databaseState === 'hanging') return { ok: true }
    if (this.databaseState === 'down')
      return {
        ok: false,
        error: { code: '55000', message: 'the database is stopped: only a running one can hang' },
      }
    this.monitor.dropConnection()
    this.databaseState = 'hanging'
    await this.traffic.beginHang(() => this.server.hangPostmaster(), this.wallMs(outageGraceMs))
    return { ok: true }
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
      // undefined: the query could not answer, which passes no verb (a gate that cannot tell refuses)
      if (held !== undefined && held === (verb !== 'fail')) return { ok: true }
      if (verb !== 'wait' || this.nowUs + checkIntervalMs * 1000 > deadlineUs) {
        return { ok: false, error: { code: 'CHECK', message: describeFailedCheck(verb, condition) } }
      }
      await this.sleep(checkIntervalMs)
    }
  }

  private async evaluate(condition: Condition): Promise<boolean | undefined> {
    if ('sql' in condition) {
      // a frozen server answers the query once it goes on
      if (this.databaseState === 'down' || !this.admin) return undefined
      const result = await this.adminQuery(condition.sql)
      return result.ok ? result.rows.length > 0 : undefined
    }
    if ('invariants' in condition) return (await this.checkInvariants()) === 0
    if ('database' in condition) {
      // pg_isready says "no response" once its timeout runs out
      if (this.databaseState === 'hanging') await this.sleep(pgIsReadyTimeoutMs)
      return (this.databaseState !== 'up') === (condition.database === 'down')
    }
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
    const wasUp = this.databaseState === 'up'
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
    if (this.databaseState !== 'up' && wasUp) await this.setDatabase('start')
    return result
  }

  private async checkInvariants(): Promise<number> {
    if (this.databaseState !== 'up' || !this.admin || this.isCheckingInvariants || this.stepIndex < 0)
      return 0
    this.isCheckingInvariants = true
    let violations = 0
    try {
      for (const invariant of this.scenario.invariants) {
        const result = await this.adminQuery(invariant.sql)
        const found = result.ok
          ? countViolations(result.rows.map((row) => (row as Record<string, unknown>)[causeColumn]))
          : countFailedCheck(result.error)
        violations += found.violations
        this.invariantViolations.push({
          atUs: this.nowUs,
          step: this.stepIndex,
          name: invariant.name,
          ...found,
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

// The server's waits, by step and by the names the simulator gives: `session users-page` is
// `users-page`; an app's connection `v1.0.0 #3` waits as its version `v1.0.0`, and is `app` to
// those behind it. The requests' records carry no blockers here: their waits are these.
function operatorWaitsOf(episodes: readonly WaitEpisode[], stepStartsUs: readonly number[]): OperatorWait[] {
  const blockerName = (label: string) => (/ #\d+$/.test(label) ? 'app' : label.replace(/^session /, ''))
  return episodes.map((episode) => ({
    step: stepStartsUs.findLastIndex((startUs) => startUs <= episode.fromUs),
    session: episode.label.replace(/ #\d+$/, '').replace(/^session /, ''),
    blockedBy: [...new Set(episode.blockedBy.map(blockerName))].sort(),
  }))
}
