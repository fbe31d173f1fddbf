import { z } from 'zod'
import type { Condition, SimScenario, Step, StepAction, VersionExpectation } from '../sim'
import { describeSpecProblem, parseSystemTestSpec } from './system-test'

// Durations are written as people say them: `500ms`, `2s`, `1min`; a bare number is ms.
const durationUnits: Record<string, number> = { ms: 1, s: 1000, min: 60_000 }
const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|min)$/, 'a duration such as 500ms, 2s or 1min'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value
    const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(ms|s|min)$/.exec(value) ?? []
    return Number(amount) * durationUnits[unit]
  })

// YAML 1.2 reads 50_000_000 as a string; authors write big row counts that way.
const rowCount = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^\d{1,3}(_?\d{3})*$/, 'a whole number such as 50_000_000'),
  ])
  .transform((value) => (typeof value === 'number' ? value : Number(value.replace(/_/g, ''))))

const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes, e.g. v1.0.0 or add-columns')

const sqlstate = z
  .string()
  .regex(/^[0-9A-Z]{5}$/, 'a five-character SQLSTATE such as 42703')
  .describe('SQLSTATE, e.g. 42703 undefined_column, 23502 not_null_violation, 55P03 lock_not_available.')

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
  })
  .strict()

const conditionSchema = z.union([
  z
    .object({ request: z.object({ version: identifier.optional(), endpoint: z.string() }).strict() })
    .strict()
    .describe(
      'One request to the endpoint gets a page (its fallback counts, as curl -f would); without a version, the one serving most traffic answers.',
    ),
  z
    .object({ sql: z.string().min(1) })
    .strict()
    .describe('The query succeeds and returns a row.'),
  z
    .object({ invariants: z.literal('hold') })
    .strict()
    .describe('Every invariant returns no rows.'),
  z
    .object({ database: z.enum(['down', 'up']) })
    .strict()
    .describe('The database server is stopped (down) or answering (up), as pg_isready tells.'),
])

const systemTestSchema = z
  .object({
    tasks: z
      .record(identifier, conditionSchema)
      .describe('Named checks the spec refers to, as Delmo names its tasks (e.g. home-page-running).'),
    spec: z
      .string()
      .min(1)
      .describe(
        'The test, a YAML list in Delmo’s vocabulary: - wait: TASK, - assert: TASK, - fail: TASK, - stop: [db], - start: [db].',
      ),
    timeout: duration.default(60_000).describe('How long each wait retries (Delmo’s default: 60s).'),
  })
  .strict()

const versionExpectation = z.union([
  z.enum(['ok', 'degraded', 'times out']),
  z.object({ fails: sqlstate }).strict(),
])

const expectationsSchema = z
  .object({
    versions: z
      .record(z.string(), versionExpectation)
      .optional()
      .describe('Per version, for the requests that arrive during the step.'),
    endpoints: z
      .record(z.string(), versionExpectation)
      .optional()
      .describe(
        'Per endpoint, keyed VERSION ENDPOINT (e.g. "v1.0.0 POST /user"), for the requests that arrive during the step.',
      ),
    allVersions: z
      .literal('ok')
      .optional()
      .describe('Every version that served traffic during the step served every request.'),
    invariants: z.enum(['hold', 'violated']).optional(),
    lockWait: z
      .object({ below: duration.optional(), atLeast: duration.optional() })
      .strict()
      .optional()
      .describe('The longest lock wait of any request or migration statement during the step.'),
    result: z
      .union([
        z.enum(['succeeds', 'fails']),
        z.object({ fails: z.union([sqlstate, z.literal('CHECK')]) }).strict(),
      ])
      .optional()
      .describe('How the step’s own action ends: the migration, session or check.'),
  })
  .strict()

const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(100),
    backoff: duration.default(500).describe('Wait before the first retry.'),
    factor: z.number().min(1).default(2).describe('Each later wait is this many times longer.'),
  })
  .strict()

// The action fields a step (or each of its naive and safe paths) carries; exactly one is set.
const actionFields = {
  deploy: z
    .record(z.string(), z.number().min(0).max(100))
    .optional()
    .describe('Versions and their % of traffic.'),
  migrate: z.string().min(1).optional().describe('SQL run by the operator, statement by statement.'),
  retry: retrySchema.optional().describe('Retry a migration transaction that hit lock_timeout (55P03).'),
  database: z.enum(['stop', 'start']).optional(),
  openSession: z
    .object({ name: identifier, sql: z.string().min(1) })
    .strict()
    .optional()
    .describe('A session that runs SQL in a transaction and stays idle in it, holding its locks.'),
  endSession: identifier.optional().describe('Commits a session opened earlier.'),
  terminate: z
    .string()
    .optional()
    .describe(
      'Ends a session (pg_terminate_backend), or every idle-in-transaction one: idle-in-transaction.',
    ),
  advance: duration.optional().describe('Lets virtual time pass with traffic flowing.'),
  wait: conditionSchema
    .optional()
    .describe('Retries once a second until the condition holds, up to `within`.'),
  assert: conditionSchema.optional().describe('The condition must hold now.'),
  fail: conditionSchema.optional().describe('The condition must not hold now.'),
  systemTest: systemTestSchema
    .optional()
    .describe(
      'A system test the learner completes: its tasks run in order, and it fails at the first that fails.',
    ),
  within: duration.optional().describe('How long the step waits for its action (default 60s, as Delmo).'),
  observe: duration
    .optional()
    .describe('Traffic after the action settles, before the next step (default 2s).'),
  expect: expectationsSchema.optional(),
}
const actionKeys = [
  'deploy',
  'migrate',
  'database',
  'openSession',
  'endSession',
  'terminate',
  'advance',
  'wait',
  'assert',
  'fail',
  'systemTest',
] as const

const pathSchema = z.object(actionFields).strict()

const stepSchema = z
  .object({
    id: identifier.describe('Stable and unique: the step’s link is /learn/<lesson>/<id>.'),
    title: z.string().min(1),
    starter: z
      .string()
      .min(1)
      .optional()
      .describe('What the workbench editor holds before the learner edits it (default: the naive SQL).'),
    lockedLines: z
      .array(z.number().int().min(1))
      .optional()
      .describe('Lines of the starter, from 1, that the learner cannot edit.'),
    ...actionFields,
    naive: pathSchema.optional().describe('What most teams do first, and what it breaks.'),
    safe: pathSchema.optional().describe('The zero-downtime way.'),
  })
  .strict()
  .superRefine((step, context) => {
    for (const [where, fields] of [
      [[], step],
      [['naive'], step.naive],
      [['safe'], step.safe],
    ] as const) {
      const test = fields?.systemTest
      if (!test) continue
      const parsed = parseSystemTestSpec(test.spec, test.tasks, test.timeout)
      if (!parsed.ok)
        context.addIssue({
          code: 'custom',
          path: [...where, 'systemTest', 'spec'],
          message: describeSpecProblem(parsed.problem),
        })
    }
    if (step.lockedLines) {
      const starterLines = step.starter?.split('\n').length ?? 0
      const outside = step.lockedLines.find((line) => line > starterLines)
      if (outside !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['lockedLines'],
          message: step.starter
            ? `line ${outside} is past the starter's last line (${starterLines})`
            : 'locked lines need a starter',
        })
    }
    const countActions = (fields: Partial<Record<(typeof actionKeys)[number], unknown>>) =>
      actionKeys.filter((key) => fields[key] !== undefined)
    if (step.naive || step.safe) {
      for (const path of ['naive', 'safe'] as const) {
        const fields = step[path]
        if (!fields) {
          context.addIssue({
            code: 'custom',
            path: [path],
            message: 'a step with a naive path needs a safe one, and back',
          })
          continue
        }
        if (countActions(fields).length !== 1) {
          context.addIssue({
            code: 'custom',
            path: [path],
            message: `needs exactly one of ${actionKeys.join(', ')}`,
          })
        }
      }
      const shared = countActions(step)
      if (shared.length > 0) {
        context.addIssue({
          code: 'custom',
          path: [shared[0]],
          message: 'put the action inside naive and safe, not beside them',
        })
      }
    } else if (countActions(step).length !== 1) {
      const found = countActions(step)
      context.addIssue({
        code: 'custom',
        path: found.length > 1 ? [found[1]] : [],
        message: `a step has exactly one action (${actionKeys.join(', ')}); found ${found.length === 0 ? 'none' : found.join(' and ')}`,
      })
    }
  })

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
          .object({ name: z.string().min(1), sql: z.string().min(1).describe('Must return no rows.') })
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

export type Scenario = z.infer<typeof scenarioSchema>
type PathFields = z.infer<typeof pathSchema>

/** `naive` and `safe` when any step has both paths, otherwise the one path `main`. */
export type ScenarioPath = 'naive' | 'safe' | 'main'

export function pathsOf(scenario: Scenario): ScenarioPath[] {
  return scenario.steps.some((step) => step.naive) ? ['naive', 'safe'] : ['main']
}

/** The simulator's input for one path of a validated scenario. */
export function toSimScenario(scenario: Scenario, path: ScenarioPath): SimScenario {
  return {
    seed: String(scenario.seed),
    requestsPerSecond: scenario.requestsPerSecond,
    tableRows: scenario.tables,
    versions: scenario.versions.map((version) => ({
      id: version.id,
      label: version.label ?? version.id,
      endpoints: version.endpoints.map(({ cost, ...endpoint }) => ({ ...endpoint, costMs: cost })),
      whenDatabaseDown: version.whenDatabaseDown,
      idleInTransactionAfterReads: version.idleInTransactionAfterReads,
      connections: version.connections,
      timeoutMs: version.timeout,
    })),
    invariants: scenario.invariants,
    steps: scenario.steps.map((step): Step => {
      const fields: PathFields = path !== 'main' && step.naive && step.safe ? step[path]! : step
      return {
        id: step.id,
        title: step.title,
        action: toAction(fields),
        withinMs: fields.within ?? 60_000,
        observeMs: fields.observe ?? 2000,
        expect: {
          ...(fields.expect?.versions && {
            versions: fields.expect.versions as Record<string, VersionExpectation>,
          }),
          ...(fields.expect?.allVersions && { allVersions: fields.expect.allVersions }),
          ...(fields.expect?.endpoints && {
            endpoints: fields.expect.endpoints as Record<string, VersionExpectation>,
          }),
          ...(fields.expect?.invariants && { invariants: fields.expect.invariants }),
          ...(fields.expect?.lockWait && { lockWaitMs: fields.expect.lockWait }),
          ...(fields.expect?.result && { result: fields.expect.result }),
        },
      }
    }),
  }
}

/**
 * A naive detour as a learner takes one: the steps before `index` the safe way, then step
 * `index` the naive way, with the claims the lesson makes about the naive way.
 */
export function toNaiveDetour(scenario: Scenario, index: number): SimScenario {
  const safe = toSimScenario(scenario, 'safe')
  const naive = toSimScenario(scenario, 'naive')
  return { ...safe, steps: [...safe.steps.slice(0, index), naive.steps[index]] }
}

function toAction(fields: PathFields): StepAction {
  if (fields.deploy) return { kind: 'deploy', shares: fields.deploy }
  if (fields.migrate) {
    const retry = fields.retry && {
      attempts: fields.retry.attempts,
      backoffMs: fields.retry.backoff,
      factor: fields.retry.factor,
    }
    return { kind: 'migrate', sql: fields.migrate, ...(retry && { retry }) }
  }
  if (fields.database) return { kind: 'database', state: fields.database }
  if (fields.openSession)
    return { kind: 'open session', session: fields.openSession.name, sql: fields.openSession.sql }
  if (fields.endSession) return { kind: 'end session', session: fields.endSession, how: 'commit' }
  if (fields.terminate) {
    return fields.terminate === 'idle-in-transaction'
      ? { kind: 'terminate idle' }
      : { kind: 'end session', session: fields.terminate, how: 'terminate' }
  }
  if (fields.advance !== undefined) return { kind: 'advance', ms: fields.advance }
  const check = (verb: 'wait' | 'assert' | 'fail', condition: Condition): StepAction => ({
    kind: 'check',
    verb,
    condition,
    withinMs: fields.within ?? 60_000,
  })
  if (fields.wait) return check('wait', fields.wait)
  if (fields.assert) return check('assert', fields.assert)
  if (fields.fail) return check('fail', fields.fail)
  if (fields.systemTest) {
    const parsed = parseSystemTestSpec(
      fields.systemTest.spec,
      fields.systemTest.tasks,
      fields.systemTest.timeout,
    )
    if (!parsed.ok) throw new Error(describeSpecProblem(parsed.problem))
    return { kind: 'system test', tasks: parsed.tasks }
  }
  throw new Error('a validated step has an action')
}
