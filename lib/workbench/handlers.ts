import type { Database, Snapshot } from '../engine'
import type { ExtensionContext } from '../engine/worker-host'
import { checkLessonScenario, scenarioSchema, type PathVerdict } from '../scenario'
import { LiveWorkbench, type Schedule } from './live-workbench'
import type { SimulationAction, SimulationReplies, SimulationRequests } from './protocol'
import { readSchema } from './schema-view'

/** What the handlers share in one worker: the live workbench, if a lesson is open, and the timer. */
export interface SimulationWorkerState {
  live: LiveWorkbench | undefined
  readonly schedule: Schedule
}

/** Answers one request, already validated, with the reply the protocol promises for it. */
export type SimulationHandler<A extends SimulationAction> = (
  request: SimulationRequests[A],
  context: ExtensionContext,
  state: SimulationWorkerState,
) => SimulationReplies[A] | Promise<SimulationReplies[A]>

/** The worker's answer to each request, by action. */
export const simulationHandlers: { [A in SimulationAction]: SimulationHandler<A> } = {
  check: (request, context, state) => {
    stopLive(state)
    return checkInWorker(request.lesson, request.scenario, request.start, context.database)
  },
  open: async (request, context, state) => {
    stopLive(state)
    const scenario = scenarioSchema.parse(request.scenario)
    if (request.step > scenario.steps.length)
      throw new Error(`the lesson has ${scenario.steps.length} steps, not ${request.step + 1}`)
    const live = await LiveWorkbench.open(scenario, request, { context, schedule: state.schedule })
    state.live = live
    // a Stop from here on comes back to this step's start, not to an older state; a worker
    // resumed after a Stop was just opened on the restore point itself, so it has nothing new
    // to save, but one resumed on a database restored from the page has. Nor has an open
    // without a `start` at step 1 or at a step's start built ahead of time: the database is the
    // snapshot the page opened it from, its restore point (a copy would cost a 22 MB dump and a
    // new standby)
    const isAtPagesSnapshot =
      !request.resume && !request.start && (request.step === 0 || request.stepStart !== undefined)
    const changedSinceRestorePoint = request.resume
      ? request.resume.database !== undefined
      : !isAtPagesSnapshot
    if (changedSinceRestorePoint) await context.saveRestorePoint()
    return { step: request.step, nowMs: live.nowMs }
  },
  run: (request, _, state) => {
    requireLive(state).run(request.step, request.how, request.sql)
    return null
  },
  speed: (request, _, state) => {
    requireLive(state).speed = request.speed
    return null
  },
  deploy: (request, _, state) => {
    requireLive(state).apply({ kind: 'deploy', shares: request.shares }, request.reason)
    return null
  },
  database: (request, _, state) => {
    requireLive(state).apply({ kind: 'database', state: request.state })
    return null
  },
  terminate: (request, _, state) => requireLive(state).terminate(request.owner),
  schema: (_, context) => readSchema(context.database),
  sql: (request, _, state) => {
    requireLive(state).runSql(request.id, request.sql)
    return null
  },
  console: (request, _, state) => {
    requireLive(state).runConsole(request.id, request.sql)
    return null
  },
  'console cancel': (_, __, state) => requireLive(state).cancelConsole(),
  'cancel step': (_, __, state) => requireLive(state).cancelStep(),
  traffic: (request, _, state) => {
    requireLive(state).setRequestRate(request.requestsPerSecond)
    return null
  },
  stop: (_, __, state) => {
    stopLive(state)
    return null
  },
}

function stopLive(state: SimulationWorkerState): void {
  state.live?.stop()
  state.live = undefined
}

function requireLive(state: SimulationWorkerState): LiveWorkbench {
  if (!state.live) throw new Error('the lesson’s traffic is not running')
  return state.live
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
