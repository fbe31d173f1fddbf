import { z } from 'zod'
import { retryLineExample, retryPolicyOf } from './exercises'
import { describeSpecProblem, parseSystemTestSpec } from './system-test'
import { duration, identifier, sqlstate } from './value-schemas'

const conditionSchema = z.union([
  z
    .object({ request: z.object({ version: identifier.optional(), endpoint: z.string() }).strict() })
    .strict()
    .describe(
      'One request to the endpoint gets a page (its fallback counts, as curl -f would); without a version, the one serving most traffic answers.',
    ),
  z
    .object({
      sql: z.string().min(1),
      name: z
        .string()
        .min(1)
        .optional()
        .describe(
          'What the query is, in words, for the step and its verdict (e.g. the drift check for v1.2.0); the SQL is shown only without it.',
        ),
    })
    .strict()
    .describe('The query succeeds and returns a row.'),
  z
    .object({ invariants: z.literal('hold') })
    .strict()
    .describe('Every invariant returns no rows.'),
  z
    .object({ database: z.enum(['down', 'up']) })
    .strict()
    .describe(
      'The database server is down or answering (up), as pg_isready tells: stopped, or hanging past pg_isready’s 3 s, is down.',
    ),
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

const versionExpectation = z
  .union([z.enum(['ok', 'degraded', 'falls back', 'times out']), z.object({ fails: sqlstate }).strict()])
  .describe(
    'ok: every request served; degraded: the fallback answered and nothing failed; falls back: the fallback answered at least one; times out: at least one timed out; { fails: SQLSTATE }: at least one failed with it.',
  )

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
    waits: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'Who queued behind whom during the step: a version (its requests) or an operator session (migration, a session’s name), keyed to the session it waited behind (e.g. { migration: users-page, v1.0.0: migration }).',
      ),
  })
  .strict()

// The action fields a step (or each of its naive and safe paths) carries; exactly one is set.
const actionFields = {
  deploy: z
    .record(z.string(), z.number().min(0).max(100))
    .optional()
    .describe('Versions and their % of traffic.'),
  gate: conditionSchema
    .optional()
    .describe(
      'With deploy: a condition that must not hold for the deploy to go ahead (a drift check that returns rows refuses it; the step fails with CHECK).',
    ),
  migrate: z
    .string()
    .min(1)
    .optional()
    .describe(
      `SQL run by the operator, statement by statement. A line "${retryLineExample}" retries a transaction that hit lock_timeout (55P03).`,
    ),
  database: z
    .enum(['stop', 'start', 'hang'])
    .optional()
    .describe(
      'stop: the server stops and refuses connections (08006); start: it starts again, or a hanging one answers again; hang: it runs but answers nothing, as behind a partition, until start (or stop).',
    ),
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

/** The fields of one path of a step, naive or safe: exactly one action and its claims. */
export const pathSchema = z.object(actionFields).strict()

/** One path's fields, validated: durations in ms. */
export type PathFields = z.infer<typeof pathSchema>

/** One step of a scenario: one action, or a naive and a safe path each with one. */
export const stepSchema = z
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
    for (const [where, text] of [
      [['starter'], step.starter],
      [['migrate'], step.migrate],
      [['naive', 'migrate'], step.naive?.migrate],
      [['safe', 'migrate'], step.safe?.migrate],
    ] as const) {
      const policy = text === undefined ? undefined : retryPolicyOf(text)
      if (policy && !policy.ok)
        context.addIssue({ code: 'custom', path: [...where], message: policy.problem })
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
    for (const [where, fields] of [
      [[], step],
      [['naive'], step.naive],
      [['safe'], step.safe],
    ] as const) {
      if (fields?.gate !== undefined && fields.deploy === undefined)
        context.addIssue({
          code: 'custom',
          path: [...where, 'gate'],
          message: 'a gate guards a deploy: add deploy',
        })
    }
    // the naive way is judged by its own claims: what it breaks, and how
    if (step.naive && Object.keys(step.naive.expect ?? {}).length === 0)
      context.addIssue({
        code: 'custom',
        path: ['naive', 'expect'],
        message: 'a naive way claims what it breaks (its version and error): add expect',
      })
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
