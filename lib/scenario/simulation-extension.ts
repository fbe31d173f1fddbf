import { z } from 'zod'
import {
  isWriteStatement,
  splitSql,
  type Database,
  type PgError,
  type RunResult,
  type Snapshot,
  type TransactionState,
} from '../engine'
import type { ExtensionContext } from '../engine/worker-host'
import {
  checkStepExpectations,
  MetricsCollector,
  Simulation,
  stepWindowMs,
  transactionControlOf,
  type ActionProgress,
  type RequestRecord,
  type SimEvent,
  type Step,
} from '../sim'
import { checkLessonScenario, type PathVerdict } from './check-lessons'
import { pathsOf, scenarioSchema, toSimScenario, type Scenario } from './scenario'
import { readSchema } from './schema-view'
import type {
  AuditEntry,
  EndpointStatus,
  InvariantPoint,
  RequestLogEntry,
  SessionView,
  StepMarker,
  StepRunHow,
  StepVerdict,
  WorkbenchBatch,
  WorkbenchSpeed,
} from './workbench-protocol'
import { describeAction, resolveStep } from './workbench-steps'

/** The name the page calls the simulator by, in the database worker. */
export const simulationExtensionName = 'simulation'

const speedSchema = z.union([z.literal(0), z.literal(1), z.literal(10)])

/** What the page asks of the simulator in the worker; validated where it enters the worker. */
export const simulationRequestSchema = z.discriminatedUnion('action', [
  /** Runs every path headless from the lesson's start, checks every claim, and restores the learner's database. */
  z.object({
    action: z.literal('check'),
    lesson: z.string(),
    scenario: z.unknown(),
    start: z.instanceof(Blob),
  }),
  /**
   * Puts the lesson at the start of step `step`: the lesson's starting database, then every
   * earlier step replayed headless (the learner's SQL where `sql` has it, else the solution),
   * then live traffic from there.
   */
  z.object({
    action: z.literal('open'),
    lesson: z.string(),
    scenario: z.unknown(),
    start: z.instanceof(Blob),
    step: z.number().int().min(0),
    sql: z.array(z.string().nullable()),
    speed: speedSchema,
    /**
     * Resume on the database as it is (restarted from its last saved state after Stop): no
     * replay, the earlier steps count as applied, and this deployment runs again.
     */
    resume: z
      .object({
        deployment: z.record(z.string(), z.number().min(0).max(100)),
        // what `rollback` went back to before the worker was replaced
        previousDeployment: z.record(z.string(), z.number().min(0).max(100)).optional(),
        // how many times the worker was replaced: sequences go on from a range of their own
        generation: z.number().int().min(0).optional(),
      })
      .optional(),
  }),
  /** Runs the next step: the learner's SQL, the naive way, or the solution. */
  z.object({
    action: z.literal('run'),
    step: z.number().int().min(0),
    how: z.enum(['yours', 'naive', 'solution']),
    sql: z.string().optional(),
  }),
  z.object({ action: z.literal('speed'), speed: speedSchema }),
  z.object({ action: z.literal('deploy'), shares: z.record(z.string(), z.number().min(0).max(100)) }),
  z.object({ action: z.literal('database'), state: z.enum(['stop', 'start']) }),
  z.object({ action: z.literal('terminate'), owner: z.number().int().positive() }),
  z.object({ action: z.literal('schema') }),
  /** Runs the learner's SQL as an operator session inside the simulation. */
  z.object({ action: z.literal('sql'), id: z.number().int(), sql: z.string().min(1) }),
  /** Runs one statement in the console's session (the terminal), which may hold a transaction open. */
  z.object({ action: z.literal('console'), id: z.number().int(), sql: z.string().min(1) }),
  /** Ctrl+C at the console: cancels its statement if it waits in the simulation; answers whether it did. */
  z.object({ action: z.literal('console cancel') }),
  /** Sets the traffic's rate, in requests a second across the deployed versions; 0 stops it. */
  z.object({ action: z.literal('traffic'), requestsPerSecond: z.number().min(0).max(2000) }),
  z.object({ action: z.literal('stop') }),
])

export type SimulationRequest = z.infer<typeof simulationRequestSchema>

/** The outcome of learner SQL run inside the simulation, answering the `sql` request of the same id. */
export interface LiveSqlResult {
  type: 'sql'
  id: number
  /** Virtual time when it settled. */
  atMs: number
  ok: boolean
  message: string
  /** What its last statement returned, when it committed. */
  last?: RunResult
  error?: PgError
  /** The statement that failed, which the error's position points into. */
  statement?: string
}

/** A console statement's answer, for the `console` request of the same id. */
export interface ConsoleReply {
  type: 'console'
  id: number
  result: RunResult
  transaction: TransactionState
  /** Virtual ms from sending it to its answer. */
  elapsedMs: number
}

// Values a `sequence` parameter hands out between two replacements of the worker
const sequenceRangePerGeneration = 1_000_000

/** What `open` answers: where the lesson now stands. */
export interface OpenedWorkbench {
  step: number
  nowMs: number
}

const tickMs = 100
const maxLogEntries = 50
const maxSessions = 40

/**
 * Serves the simulator beside the database in the worker: headless checks of a lesson, and
 * the workbench's live traffic, whose virtual time follows wall time at the chosen speed. A
 * batch goes to the page each tick, never a message per request.
 */
export function createSimulationExtension(
  schedule: (run: () => void, ms: number) => unknown = (run, ms) => setTimeout(run, ms),
) {
  let live: LiveWorkbench | undefined

  const requireLive = () => {
    if (!live) throw new Error('the lesson’s traffic is not running')
    return live
  }

  return async (payload: unknown, context: ExtensionContext): Promise<unknown> => {
    const request = simulationRequestSchema.parse(payload)
    switch (request.action) {
      case 'check':
        live?.stop()
        live = undefined
        return checkInWorker(request.lesson, request.scenario, request.start, context.database)
      case 'open': {
        live?.stop()
        live = undefined
        const scenario = scenarioSchema.parse(request.scenario)
        if (request.step > scenario.steps.length)
          throw new Error(`the lesson has ${scenario.steps.length} steps, not ${request.step + 1}`)
        live = await LiveWorkbench.open(scenario, request, { context, schedule })
        // a Stop from here on comes back to this step's start, not to an older state; a resumed
        // worker was just opened on the restore point itself, so it has nothing new to save
        if (!request.resume) await context.saveRestorePoint()
        return { step: request.step, nowMs: live.nowMs } satisfies OpenedWorkbench
      }
      case 'run':
        requireLive().run(request.step, request.how, request.sql)
        return null
      case 'speed':
        requireLive().speed = request.speed
        return null
      case 'deploy':
        requireLive().apply({ kind: 'deploy', shares: request.shares })
        return null
      case 'database':
        requireLive().apply({ kind: 'database', state: request.state })
        return null
      case 'terminate':
        return requireLive().terminate(request.owner)
      case 'schema':
        return readSchema(context.database)
      case 'sql':
        requireLive().runSql(request.id, request.sql)
        return null
      case 'console':
        requireLive().runConsole(request.id, request.sql)
        return null
      case 'console cancel':
        return requireLive().cancelConsole()
      case 'traffic':
        requireLive().setRequestRate(request.requestsPerSecond)
        return null
      case 'stop':
        live?.stop()
        live = undefined
        return null
    }
  }
}

async function checkInWorker(
  lesson: string,
  rawScenario: unknown,
  start: Snapshot,
  database: Database,
): Promise<PathVerdict[]> {
  const scenario = scenarioSchema.parse(rawScenario)
  const learnersState = await database.snapshot()
  try {
    return await checkLessonScenario({ slug: lesson, scenario }, async () => {
      await database.restore(start)
      // the worker keeps its one database: "closing" a path's database just leaves it for the next
      return new Proxy(database, {
        get: (target, property) =>
          property === 'close' ? async () => undefined : Reflect.get(target, property, target),
      })
    })
  } finally {
    await database.restore(learnersState)
  }
}

interface RunningStep {
  index: number
  step: Step
  how: StepRunHow
  progress: ActionProgress
  startUs: number
  /** When the step's window closes: its action settled (or gave up) and its observe time passed. */
  endUs?: number
}

interface Host {
  context: ExtensionContext
  schedule: (run: () => void, ms: number) => unknown
}

/**
 * One lesson's live traffic in the worker: steps run as the learner asks, each judged by its
 * expectations once its window closed and every request that arrived in it was answered.
 */
class LiveWorkbench {
  speed: WorkbenchSpeed
  private nextStep: number
  private running: RunningStep | undefined
  private lastRecord = 0
  private isStopped = false
  private isSchemaChanged = true
  private readonly metrics = new MetricsCollector()
  private readonly endpoints = new Map<string, EndpointStatus>()
  private markers: StepMarker[] = []
  private invariants: InvariantPoint[] = []
  private readonly stepsRun = new Map<number, { title: string; how: StepRunHow }>()
  // answers to the learner's SQL wait for the tick's end, after the restore point their writes need
  private answers: (LiveSqlResult | ConsoleReply)[] = []
  private audit: AuditEntry[] = []
  // changes typed in the console's open transaction, logged at its COMMIT
  private consoleChanges: string[] = []
  // every deployment in the order it was made, for `rollback`
  readonly deployments: Record<string, number>[] = []
  private isRestorePointDue = false

  private constructor(
    private readonly scenario: Scenario,
    private readonly simulation: Simulation,
    firstStep: number,
    speed: WorkbenchSpeed,
    private readonly host: Host,
  ) {
    this.nextStep = firstStep
    this.speed = speed
  }

  static async open(
    scenario: Scenario,
    { start, step, sql, speed, resume }: Extract<SimulationRequest, { action: 'open' }>,
    host: Host,
  ): Promise<LiveWorkbench> {
    if (!resume) await host.context.database.restore(start)
    // the simulation reports events from its start; the workbench made next hears them
    const listener: { workbench?: LiveWorkbench } = {}
    const path = pathsOf(scenario).includes('safe') ? 'safe' : 'main'
    const simulation = await Simulation.start(host.context.database, toSimScenario(scenario, path), {
      keepEvents: false,
      onEvent: (event) => listener.workbench?.take(event),
    })
    const workbench = new LiveWorkbench(scenario, simulation, step, speed, host)
    listener.workbench = workbench
    if (resume) {
      simulation.skipSteps(step)
      if (resume.previousDeployment) workbench.deployments.push(resume.previousDeployment)
      simulation.continueSequencesFrom((resume.generation ?? 1) * sequenceRangePerGeneration)
      if (Object.keys(resume.deployment).length > 0)
        simulation.applyNow({ kind: 'deploy', shares: resume.deployment })
      workbench.tick()
      return workbench
    }
    // earlier steps replay headless, exactly as the lesson check runs them
    for (let index = 0; index < step; index++) {
      const learners = sql[index]
      const how: StepRunHow = learners == null ? 'solution' : 'yours'
      const resolved = resolveStep(scenario, index, how, learners ?? undefined)
      workbench.stepsRun.set(index, { title: resolved.title, how })
      await simulation.runStep(resolved)
    }
    workbench.tick()
    return workbench
  }

  get nowMs(): number {
    return this.simulation.nowUs / 1000
  }

  run(index: number, how: 'yours' | 'naive' | 'solution', sql?: string): void {
    if (this.running) throw new Error(`step ${this.running.index + 1} is still running`)
    if (index !== this.nextStep)
      throw new Error(`step ${this.nextStep + 1} is next: undo to go back to step ${index + 1}`)
    const step = resolveStep(this.scenario, index, how, sql)
    this.stepsRun.set(index, { title: step.title, how })
    const way = how === 'naive' ? ', the naive way' : how === 'solution' ? ', with the solution' : ''
    this.note('lesson', `ran step ${index + 1}, ${step.title}${way}`)
    this.running = {
      index,
      step,
      how,
      progress: this.simulation.beginStep(step),
      startUs: this.simulation.nowUs,
    }
    this.nextStep += 1
  }

  apply(action: Parameters<Simulation['applyNow']>[0]): void {
    this.simulation.applyNow(action)
    this.note(
      'operator',
      action.kind === 'deploy'
        ? describeDeployment(action.shares)
        : action.kind === 'database'
          ? `${action.state === 'stop' ? 'stopped' : 'started'} the database`
          : describeAction(action),
    )
  }

  terminate(owner: number): boolean {
    const ended = this.simulation.terminate(owner)
    this.note('operator', `terminated session ${owner}`, ended ? 'ok' : 'failed')
    return ended
  }

  private note(actor: AuditEntry['actor'], what: string, outcome?: AuditEntry['outcome']): void {
    this.audit.push({ atMs: this.simulation.nowUs / 1000, actor, what, ...(outcome && { outcome }) })
  }

  runSql(id: number, sql: string): void {
    this.simulation.runOperatorSql(sql, 'you', (result) => {
      const atMs = this.simulation.nowUs / 1000
      if (result.ok) this.isRestorePointDue = true
      // a script is in the log if any of its statements writes, whatever its first word
      const writes = splitSql(sql).filter((statement) => isWriteStatement(statement.sql))
      if (writes.length > 0) {
        const more = writes.length > 1 ? ` (and ${writes.length - 1} more)` : ''
        this.note('by hand', `${firstLineOf(writes[0].sql)}${more}`, result.ok ? 'ok' : 'failed')
      }
      this.answers.push(
        (result.ok
          ? {
              type: 'sql',
              id,
              atMs,
              ok: true,
              message: 'committed',
              ...(result.last && { last: result.last }),
            }
          : {
              type: 'sql',
              id,
              atMs,
              ok: false,
              message: `${result.error.code} ${result.error.message}`,
              error: result.error,
              ...(result.statement !== undefined && { statement: result.statement }),
            }) satisfies LiveSqlResult,
      )
    })
  }

  runConsole(id: number, sql: string): void {
    this.simulation.runConsoleStatement(sql, ({ result, transaction, elapsedUs }) => {
      if (result.ok && result.command !== 'SELECT') {
        this.isSchemaChanged = true
        if (transaction === 'idle') this.isRestorePointDue = true
      }
      this.noteConsoleChange(sql, result, transaction)
      this.answers.push({
        type: 'console',
        id,
        result,
        transaction,
        elapsedMs: elapsedUs / 1000,
      } satisfies ConsoleReply)
    })
  }

  // Inside a transaction a change is only the log's once it commits; a rollback forgets it.
  private noteConsoleChange(sql: string, result: RunResult, transaction: TransactionState): void {
    const ok = result.ok
    if (transaction === 'idle') {
      // COMMIT of a failed transaction answers ROLLBACK: nothing it held was kept
      if (transactionControlOf(sql) === 'commit' && result.ok && result.command !== 'ROLLBACK') {
        for (const change of this.consoleChanges) this.note('by hand', change, 'ok')
      } else if (isWriteStatement(sql)) {
        this.note('by hand', firstLineOf(sql), ok ? 'ok' : 'failed')
      }
      this.consoleChanges = []
      return
    }
    if (ok && isWriteStatement(sql)) this.consoleChanges.push(firstLineOf(sql))
  }

  cancelConsole(): boolean {
    return this.simulation.cancelConsole()
  }

  setRequestRate(perSecond: number): void {
    this.simulation.setRequestRate(perSecond)
  }

  stop(): void {
    this.isStopped = true
  }

  private take(event: SimEvent): void {
    switch (event.type) {
      case 'step': {
        const run = this.stepsRun.get(event.index)
        this.markers.push({
          index: event.index,
          id: event.id,
          title: run?.title ?? event.id,
          atMs: event.atUs / 1000,
          how: run?.how ?? 'scripted',
        })
        return
      }
      case 'deploy': {
        const shares = JSON.stringify(event.shares)
        if (JSON.stringify(this.deployments.at(-1)) !== shares) this.deployments.push(event.shares)
        return
      }
      case 'invariant':
        this.invariants.push({ atMs: event.atUs / 1000, name: event.name, violations: event.violations })
        return
      case 'statement':
        // a failed statement can leave something too: CONCURRENTLY's INVALID index
        if (event.state === 'committed' || event.state === 'failed') this.isSchemaChanged = true
        return
      default:
        return
    }
  }

  private tick(): void {
    this.host.schedule(() => {
      if (this.isStopped) return
      this.host.context.enqueue(async () => {
        if (this.isStopped) return
        if (this.speed > 0) await this.simulation.runUntil(this.simulation.nowUs + tickMs * 1000 * this.speed)
        const verdict = this.judgeRunningStep()
        // saved before the page hears of the write or the verdict, so a Stop cannot lose them
        if (verdict || this.isRestorePointDue) {
          this.isRestorePointDue = false
          await this.host.context.saveRestorePoint()
        }
        for (const answer of this.answers.splice(0)) this.host.context.emit(answer)
        this.host.context.emit(this.batch())
        if (verdict) this.host.context.emit(verdict)
        this.tick()
      })
    }, tickMs)
  }

  private batch(): WorkbenchBatch {
    const records = this.simulation.records
    const fresh = records.slice(this.lastRecord)
    this.lastRecord = records.length
    for (const record of fresh) {
      this.metrics.add(record)
      this.noteEndpoint(record)
    }
    const sessions = this.simulation
      .listSessions()
      .sort((a, b) => waitingFirst(a.state) - waitingFirst(b.state) || a.sinceUs - b.sinceUs)
    const batch: WorkbenchBatch = {
      type: 'workbench',
      nowMs: this.simulation.nowUs / 1000,
      speed: this.speed,
      metrics: this.metrics.takeCompleted(this.simulation.nowUs),
      markers: this.markers,
      requests: fresh.slice(-maxLogEntries).map(toLogEntry),
      endpoints: [...this.endpoints.values()],
      sessions: sessions
        .slice(0, maxSessions)
        .map(({ sinceUs, ...session }): SessionView => ({ ...session, sinceMs: sinceUs / 1000 })),
      moreSessions: Math.max(0, sessions.length - maxSessions),
      invariants: this.invariants,
      deployment: this.simulation.deployment,
      ...(this.deployments.length > 1 && { previousDeployment: this.deployments.at(-2) }),
      requestsPerSecond: this.simulation.requestRate,
      consoleTransaction: this.simulation.consoleTransaction,
      isDatabaseDown: this.simulation.databaseIsDown,
      schemaChanged: this.isSchemaChanged,
      audit: this.audit,
      nextStep: this.nextStep,
      ...(this.running && { runningStep: this.running.index }),
    }
    this.markers = []
    this.invariants = []
    this.audit = []
    this.isSchemaChanged = false
    return batch
  }

  private noteEndpoint(record: RequestRecord): void {
    const key = `${record.version}\u0000${record.endpoint}`
    const atMs = record.endedUs / 1000
    const known = this.endpoints.get(key)
    const isFailure = record.outcome === 'error' || record.outcome === 'timeout'
    this.endpoints.set(key, {
      version: record.version,
      endpoint: record.endpoint,
      last: record.outcome,
      lastAtMs: atMs,
      ...(isFailure
        ? {
            lastFailure: {
              outcome: record.outcome as 'error' | 'timeout',
              ...(record.code !== undefined && { code: record.code }),
              message: record.message ?? record.outcome,
              atMs,
            },
          }
        : known?.lastFailure && { lastFailure: known.lastFailure }),
    })
  }

  // A step is judged once its window closed and every request that arrived in it has its answer.
  private judgeRunningStep(): StepVerdict | undefined {
    const running = this.running
    if (!running) return undefined
    const nowUs = this.simulation.nowUs
    if (running.endUs === undefined) {
      const { step, progress } = running
      const deadlineUs = running.startUs + stepWindowMs(step) * 1000
      const closesAtUs = progress.settledUs ?? (nowUs >= deadlineUs ? deadlineUs : undefined)
      if (closesAtUs === undefined) return undefined
      running.endUs = closesAtUs + step.observeMs * 1000
    }
    if (nowUs < running.endUs || this.simulation.hasUnansweredBefore(running.endUs)) return undefined
    this.running = undefined
    const expectations = checkStepExpectations(this.simulation, running.step, running.index, running.endUs)
    const result = running.progress.result
    const passed = expectations.every((expectation) => expectation.held)
    this.note(
      'lesson',
      `step ${running.index + 1} ${passed ? 'passed' : running.step.action.kind === 'system test' ? 'did not pass' : 'broke things'}${result && !result.ok ? `: ${result.error.code} ${result.error.message}` : ''}`,
      passed ? 'ok' : 'failed',
    )
    return {
      type: 'verdict',
      step: running.index,
      how: running.how,
      passed,
      expectations,
      result:
        result === undefined
          ? { ok: 'still running' }
          : result.ok
            ? { ok: true }
            : {
                ok: false,
                error: result.error,
                ...(result.statement !== undefined && { statement: result.statement }),
              },
    }
  }
}

function firstLineOf(sql: string): string {
  const line = sql.trim().split('\n')[0]
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

function describeDeployment(shares: Record<string, number>): string {
  const deployed = Object.entries(shares).filter(([, share]) => share > 0)
  return deployed.length === 0
    ? 'stopped every app version'
    : `deployed ${deployed.map(([version, share]) => `${version} ${share}%`).join(', ')}`
}

function waitingFirst(state: SessionView['state']): number {
  return state === 'waiting' ? 0 : state === 'idle in transaction' ? 1 : 2
}

function toLogEntry(record: RequestRecord): RequestLogEntry {
  return {
    id: record.id,
    version: record.version,
    endpoint: record.endpoint,
    outcome: record.outcome,
    ...(record.code !== undefined && { code: record.code }),
    ...(record.message !== undefined && { message: record.message }),
    atMs: record.endedUs / 1000,
    latencyMs: (record.endedUs - record.arrivedUs) / 1000,
  }
}
