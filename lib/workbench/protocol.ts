// The contract between the page and the simulation in the database worker: each request, by
// its action, and the reply it gets. Requests are parsed where they enter the worker; replies
// where they reach the page. What the worker pushes between replies is in ./events.
import { z } from 'zod'
import type { PathVerdict } from '../scenario'
import { schemaViewSchema } from './schema-view'
import { deploymentSchema, stepStartSchema } from './step-starts'

/** The name the page calls the simulator by, in the database worker. */
export const simulationExtensionName = 'simulation'

const speedSchema = z.union([z.literal(0), z.literal(1), z.literal(10)])

const stepCancelSchema = z.object({
  step: z.number().int().min(0),
  how: z.enum(['yours', 'naive', 'solution']),
  /** Who stopped it: the learner (Stop, Ctrl+C, `cancel`, a host), or the real-time budget. */
  by: z.enum(['you', 'budget']),
  statement: z.string().optional(),
})

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
    // absent: the database is the lesson's starting database already (opened from it, nothing
    // run since), so restoring it again would only cost time (about 0.7 s in the browser)
    start: z.instanceof(Blob).optional(),
    step: z.number().int().min(0),
    sql: z.array(z.string().nullable()),
    speed: speedSchema,
    // the database is this step's start built ahead of time (no replay): the simulation goes on from here
    stepStart: stepStartSchema.optional(),
    /**
     * Resume on the database as it is (restarted from its last saved state after Stop), or on
     * `database`: no replay, the earlier steps count as applied, and this deployment runs again.
     */
    resume: z
      .object({
        // a snapshot to restore first: the database saved before a reset that is being undone
        database: z.instanceof(Blob).optional(),
        deployment: deploymentSchema,
        // what `rollback` went back to before the worker was replaced
        previousDeployment: deploymentSchema.optional(),
        // how many times the worker was replaced: sequences go on from a range of their own
        generation: z.number().int().min(0).optional(),
        // the step that was running when its statement was stopped by replacing the worker
        cancelled: stepCancelSchema.optional(),
        // the virtual time it had reached: the clock goes on from there
        atMs: z.number().min(0).optional(),
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
  z.object({
    action: z.literal('deploy'),
    shares: deploymentSchema,
    /** A rollback: back to the deployment before, as the audit log records it. */
    reason: z.literal('rollback').optional(),
  }),
  /** Stops the database, starts it (or ends its hang), or makes it hang. */
  z.object({ action: z.literal('database'), state: z.enum(['stop', 'start', 'hang']) }),
  z.object({ action: z.literal('terminate'), owner: z.number().int().positive() }),
  z.object({ action: z.literal('schema') }),
  /** Runs the learner's SQL as an operator session inside the simulation. */
  z.object({ action: z.literal('sql'), id: z.number().int(), sql: z.string().min(1) }),
  /** Runs one statement in the console's session (the terminal), which may hold a transaction open. */
  z.object({ action: z.literal('console'), id: z.number().int(), sql: z.string().min(1) }),
  /** Ctrl+C at the console: cancels its statement if it waits in the simulation; answers whether it did. */
  z.object({ action: z.literal('console cancel') }),
  /**
   * Stop on a running step: the statement its migration runs or waits on is cancelled, as
   * Ctrl+C in psql cancels it; the verdict follows with the next tick.
   */
  z.object({ action: z.literal('cancel step') }),
  /** Sets the traffic's rate, in requests a second across the deployed versions; 0 stops it. */
  z.object({ action: z.literal('traffic'), requestsPerSecond: z.number().min(0).max(2000) }),
  z.object({ action: z.literal('stop') }),
])

/** One request to the simulator, as the page writes it and the worker reads it. */
export type SimulationRequest = z.infer<typeof simulationRequestSchema>

/** What a request asks for: `open`, `run`, `schema`… */
export type SimulationAction = SimulationRequest['action']

/** Each request by its action: `SimulationRequests['run']` is the run request. */
export type SimulationRequests = { [R in SimulationRequest as R['action']]: R }

const openedWorkbenchSchema = z.object({ step: z.number().int().min(0), nowMs: z.number() })

/** What `open` answers: where the lesson now stands. */
export type OpenedWorkbench = z.infer<typeof openedWorkbenchSchema>

// A lesson check's verdicts are checked in outline: the steps' reports are the simulator's own
// types, and the whole shape is what the worker's tests compare
const pathVerdictOutline = z.object({
  lesson: z.string(),
  path: z.enum(['naive', 'safe', 'main', 'starter']),
  steps: z.array(z.object({ id: z.string(), expectations: z.array(z.unknown()) })),
  eventLogHash: z.string(),
  requests: z.number(),
  virtualMs: z.number(),
})
const pathVerdictsSchema = z.custom<PathVerdict[]>(
  (value) => z.array(pathVerdictOutline).safeParse(value).success,
  'not a lesson check’s verdicts',
)

// Replies are parsed on the page: each is small, and a call is a click, not the live tick
// (the tick's batches are events, checked by their tag in ./events)
const replySchemas = {
  check: pathVerdictsSchema,
  open: openedWorkbenchSchema,
  run: z.null(),
  speed: z.null(),
  deploy: z.null(),
  database: z.null(),
  /** Whether the session was there to end. */
  terminate: z.boolean(),
  schema: schemaViewSchema,
  /** The SQL's outcome comes later, as a `sql` event of the same id. */
  sql: z.null(),
  /** The statement's outcome comes later, as a `console` event of the same id. */
  console: z.null(),
  /** Whether a statement was waiting to be cancelled. */
  'console cancel': z.boolean(),
  /** The step it stopped and the statement that was running, or null when no step was running. */
  'cancel step': z.object({ step: z.number().int().min(0), statement: z.string().optional() }).nullable(),
  traffic: z.null(),
  stop: z.null(),
} satisfies Record<SimulationAction, z.ZodType>

/** What each request is answered with: `SimulationReplies['schema']` is the live schema. */
export type SimulationReplies = { [A in SimulationAction]: z.output<(typeof replySchemas)[A]> }

/** The schema of each request's reply, by action. */
export const simulationReplySchemas: { [A in SimulationAction]: z.ZodType<SimulationReplies[A]> } =
  replySchemas

/** Reads a reply from the worker as the reply to `action`; throws naming what does not fit. */
export function parseSimulationReply<A extends SimulationAction>(
  action: A,
  reply: unknown,
): SimulationReplies[A] {
  return simulationReplySchemas[action].parse(reply)
}
