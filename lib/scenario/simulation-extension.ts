import { z } from 'zod'
import type { Database, PgError, RunResult, Snapshot } from '../engine'
import type { ExtensionContext } from '../engine/worker-host'
import { MetricsCollector, Simulation, type SecondMetrics, type SimEvent, type Step } from '../sim'
import { checkLessonScenario, type PathVerdict } from './check-lessons'
import { pathsOf, scenarioSchema, toSimScenario } from './scenario'

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
  /** Starts live traffic on the database as it is now. */
  z.object({
    action: z.literal('start'),
    scenario: z.unknown(),
    path: z.enum(['naive', 'safe', 'main']),
    speed: speedSchema,
  }),
  z.object({ action: z.literal('speed'), speed: speedSchema }),
  /** Applies the next step of the chosen path. */
  z.object({ action: z.literal('next step') }),
  /** Runs the learner's SQL as an operator session inside the simulation. */
  z.object({ action: z.literal('sql'), id: z.number().int(), sql: z.string().min(1) }),
  z.object({ action: z.literal('stop') }),
])

export type SimulationRequest = z.infer<typeof simulationRequestSchema>
export type TrafficSpeed = z.infer<typeof speedSchema>

/** One batch the live simulation sends the page, about ten times a wall second. */
export interface LiveBatch {
  type: 'live'
  nowMs: number
  speed: TrafficSpeed
  /** Seconds completed since the last batch, per version. */
  metrics: SecondMetrics[]
  /** What happened besides requests: steps, statements, deploys, outages, checks. */
  events: SimEvent[]
  nextStep: number
  deployment: Record<string, number>
  isDatabaseDown: boolean
}

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

const tickMs = 100
const maxEventsPerBatch = 40

/**
 * Serves the simulator beside the database in the worker: headless checks of a lesson, and
 * live traffic whose virtual time follows wall time at the chosen speed. A batch goes to the
 * page each tick, never a message per request.
 */
export function createSimulationExtension(
  schedule: (run: () => void, ms: number) => unknown = (run, ms) => setTimeout(run, ms),
) {
  let live: LiveRun | undefined

  return async (payload: unknown, context: ExtensionContext): Promise<unknown> => {
    const request = simulationRequestSchema.parse(payload)
    switch (request.action) {
      case 'check':
        live?.stop()
        live = undefined
        return checkInWorker(request.lesson, request.scenario, request.start, context.database)
      case 'start': {
        live?.stop()
        const scenario = scenarioSchema.parse(request.scenario)
        if (!pathsOf(scenario).includes(request.path))
          throw new Error(`the scenario has no ${request.path} path`)
        const simScenario = toSimScenario(scenario, request.path)
        const simulation = await Simulation.start(context.database, simScenario, {
          keepEvents: false,
          onEvent: (event) => live?.take(event),
        })
        live = new LiveRun(simulation, simScenario.steps, request.speed, context, schedule)
        return null
      }
      case 'speed':
        live?.setSpeed(request.speed)
        return null
      case 'next step':
        return live?.applyNextStep() ?? null
      case 'sql':
        if (!live) throw new Error('start the traffic first')
        live.runSql(request.id, request.sql)
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

class LiveRun {
  private nextStep = 0
  private lastRecord = 0
  private isStopped = false
  private readonly metrics = new MetricsCollector()
  private pending: SimEvent[] = []

  constructor(
    private readonly simulation: Simulation,
    private readonly steps: Step[],
    private speed: TrafficSpeed,
    private readonly context: ExtensionContext,
    private readonly schedule: (run: () => void, ms: number) => unknown,
  ) {
    this.tick()
  }

  take(event: SimEvent): void {
    if (event.type !== 'request') this.pending.push(event)
  }

  setSpeed(speed: TrafficSpeed): void {
    this.speed = speed
  }

  applyNextStep(): { applied: string } | null {
    const step = this.steps[this.nextStep]
    if (!step) return null
    this.nextStep += 1
    this.simulation.beginStep(step)
    return { applied: step.id }
  }

  runSql(id: number, sql: string): void {
    this.simulation.runOperatorSql(sql, 'you', (result) => {
      const atMs = this.simulation.nowUs / 1000
      this.context.emit(
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

  stop(): void {
    this.isStopped = true
  }

  private tick(): void {
    this.schedule(() => {
      if (this.isStopped) return
      this.context.enqueue(async () => {
        if (this.isStopped) return
        if (this.speed > 0) await this.simulation.runUntil(this.simulation.nowUs + tickMs * 1000 * this.speed)
        const records = this.simulation.records
        for (; this.lastRecord < records.length; this.lastRecord++) this.metrics.add(records[this.lastRecord])
        const events = this.pending.slice(-maxEventsPerBatch)
        this.pending = []
        this.context.emit({
          type: 'live',
          nowMs: this.simulation.nowUs / 1000,
          speed: this.speed,
          metrics: this.metrics.takeCompleted(this.simulation.nowUs),
          events,
          nextStep: this.nextStep,
          deployment: this.simulation.deployment,
          isDatabaseDown: this.simulation.databaseIsDown,
        } satisfies LiveBatch)
        this.tick()
      })
    }, tickMs)
  }
}
