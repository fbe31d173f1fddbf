import { z } from 'zod'
import { stepSchema } from './step-schema'
import { duration, identifier, rowCount } from './value-schemas'

const paramSchema = z.union([
  z
    .object({ int: z.tuple([z.number().int(), z.number().int()]) })
    .strict()
    .describe('A whole number in [from, to].'),
  z
    .object({ pick: z.array(z.string()).min(1) })
    .strict()
    .describe('One of the values.'),
  z
    .object({ name: z.number().int().min(1).max(5) })
    .strict()
    .describe('A person’s name of this many words.'),
  z.object({ sequence: z.string() }).strict().describe('The text followed by 1, 2, 3… per request.'),
])

const endpointSchema = z
  .object({
    name: z.string().min(1).describe('As the app routes it, e.g. GET /users.'),
    sql: z.string().min(1).describe('The one statement a request runs; $1… are filled from params.'),
    params: z.array(paramSchema).default([]).describe('How each $n is generated.'),
    weight: z.number().positive().default(1).describe('Relative share of the version’s requests.'),
    cost: duration
      .optional()
      .describe('Modelled time once its locks are granted (default 2ms read, 3ms write).'),
  })
  .strict()

const versionSchema = z
  .object({
    id: identifier.describe('How steps name this version, e.g. v1.0.0.'),
    label: z.string().optional().describe('How the UI shows it; defaults to the id.'),
    endpoints: z.array(endpointSchema).min(1),
    whenDatabaseDown: z
      .enum(['error', 'fallback'])
      .default('error')
      .describe('error: a 500 with 08006; fallback: a static page (degraded).'),
    idleInTransactionAfterReads: z
      .boolean()
      .default(false)
      .describe(
        'Leaves its session idle in transaction after a read, holding its locks (deploydemo v1.0.0).',
      ),
    connections: z.number().int().positive().max(200).default(10).describe('Connections in its pool.'),
    timeout: duration.default(5000).describe('A request not answered in this time is a timeout (504).'),
    networkTimeout: duration
      .optional()
      .describe(
        'How long its database driver waits on a database that does not answer at all (database: hang) before it gives up with a connection error, 08006, so a fallback answers: libpq’s connect_timeout bounds a new connection, and keepalives with tcp_user_timeout bound one already open; a driver with both set gives up after about this long. Without it, a request waits for the database until its own timeout.',
      ),
  })
  .strict()

/** A lesson's `scenario.yaml`: its app versions, traffic, invariants and steps. */
export const scenarioSchema = z
  .object({
    seed: z.union([z.string(), z.number()]).default('cutover').describe('Seeds arrivals and parameters.'),
    requestsPerSecond: z.number().positive().max(2000).default(100).describe('Across all deployed versions.'),
    tables: z
      .record(z.string(), rowCount)
      .default({})
      .describe('Declared production rows per table, e.g. users: 50_000_000; the cost model scales by it.'),
    versions: z.array(versionSchema).min(1),
    invariants: z
      .array(
        z
          .object({
            name: z.string().min(1),
            sql: z
              .string()
              .min(1)
              .describe(
                'Must return no rows. A text column named `cause` says why each row breaks it; the invariants panel counts the rows by cause.',
              ),
          })
          .strict(),
      )
      .default([]),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((scenario, context) => {
    const versionIds = new Set(scenario.versions.map((version) => version.id))
    const stepIds = new Set<string>()
    scenario.steps.forEach((step, index) => {
      if (stepIds.has(step.id))
        context.addIssue({
          code: 'custom',
          path: ['steps', index, 'id'],
          message: `duplicate step id ${step.id}`,
        })
      stepIds.add(step.id)
      for (const [where, fields] of [
        ['', step],
        ['naive', step.naive],
        ['safe', step.safe],
      ] as const) {
        if (!fields) continue
        const named = [
          ...Object.keys(fields.deploy ?? {}).map((id) => ['deploy', id]),
          ...Object.entries(fields.systemTest?.tasks ?? {}).flatMap(([task, condition]) =>
            'request' in condition && condition.request.version !== undefined
              ? [['systemTest', 'tasks', task, 'request', 'version', condition.request.version]]
              : [],
          ),
          ...Object.keys(fields.expect?.versions ?? {}).map((id) => ['expect', 'versions', id]),
        ]
        for (const key of Object.keys(fields.expect?.endpoints ?? {})) {
          const space = key.indexOf(' ')
          const version = scenario.versions.find((candidate) => candidate.id === key.slice(0, space))
          if (!version || !version.endpoints.some((endpoint) => endpoint.name === key.slice(space + 1)))
            context.addIssue({
              code: 'custom',
              path: ['steps', index, ...(where ? [where] : []), 'expect', 'endpoints', key],
              message: version
                ? `${version.id} has no endpoint named ${key.slice(space + 1)}`
                : 'write it as VERSION ENDPOINT, e.g. v1.0.0 POST /user, with a version the scenario declares',
            })
        }
        for (const path of named) {
          const id = path[path.length - 1]
          if (!versionIds.has(id)) {
            context.addIssue({
              code: 'custom',
              path: ['steps', index, ...(where ? [where] : []), ...path],
              message: `no version with id ${id}`,
            })
          }
        }
      }
    })
  })

/** A validated scenario: durations in ms, defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>

/** `naive` and `safe` when any step has both paths, otherwise the one path `main`. */
export type ScenarioPath = 'naive' | 'safe' | 'main'

/** The paths a scenario's steps take: `naive` and `safe`, or `main`. */
export function pathsOf(scenario: Scenario): ScenarioPath[] {
  return scenario.steps.some((step) => step.naive) ? ['naive', 'safe'] : ['main']
}
