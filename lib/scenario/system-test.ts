import { parseDocument } from 'yaml'
import { z } from 'zod'
import type { Condition, SystemTestTask } from '../sim'

// A system test in Delmo's vocabulary (starkandwayne/delmo): a spec is a list of tasks run in
// order. `wait` retries a task once a second until it succeeds; `assert` (or `exec`) needs it
// to succeed now, `fail` needs it to fail now; `stop`, `start` and `destroy` act on a service.
// Tasks are named checks the scenario declares, as Delmo's `tasks:` section names commands.

const taskList = z.union([
  z
    .string()
    .min(1)
    .transform((name) => [name]),
  z.array(z.string().min(1)).min(1),
])
const serviceList = z
  .array(z.string())
  .min(1)
  .refine((services) => services.every((service) => service === 'db'), {
    message: 'the only service the test can stop or start here is db',
  })

const specEntrySchema = z.union([
  z.object({ wait: z.string().min(1) }).strict(),
  z.object({ assert: taskList }).strict(),
  z.object({ exec: taskList }).strict(),
  z.object({ fail: taskList }).strict(),
  z.object({ stop: serviceList }).strict(),
  z.object({ start: serviceList }).strict(),
  z.object({ destroy: serviceList }).strict(),
])

const specSchema = z.array(specEntrySchema).min(1, 'a test needs at least one task')

/** Where a spec went wrong: a sentence, and the line of the spec (from 1) when known. */
export interface SpecProblem {
  message: string
  line?: number
}

export type ParsedSpec = { ok: true; tasks: SystemTestTask[] } | { ok: false; problem: SpecProblem }

/**
 * Reads a spec written as a YAML list (`- wait: home-page-running`, `- stop: [db]`) into the
 * tasks the simulator runs, each check resolved to its declared condition.
 */
export function parseSystemTestSpec(
  text: string,
  declared: Readonly<Record<string, Condition>>,
  waitMs: number,
): ParsedSpec {
  const document = parseDocument(text, { prettyErrors: false })
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : text.slice(0, offset).split('\n').length
  const syntaxError = document.errors[0]
  if (syntaxError)
    return {
      ok: false,
      problem: {
        message: `not a YAML list of tasks: ${syntaxError.message.split('\n')[0]}`,
        line: lineOf(syntaxError.pos[0]),
      },
    }
  const parsed = specSchema.safeParse(document.toJS() ?? [])
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const index = typeof issue.path[0] === 'number' ? issue.path[0] : undefined
    return {
      ok: false,
      problem: {
        message:
          index === undefined
            ? issue.message
            : `task ${index + 1}: ${issue.code === 'invalid_union' ? 'expected one of wait, assert, exec, fail, stop, start or destroy, each with a task name (or [db] for a service)' : issue.message}`,
        line: lineOf(entryOffset(document, index)),
      },
    }
  }
  const tasks: SystemTestTask[] = []
  for (const [index, entry] of parsed.data.entries()) {
    const line = lineOf(entryOffset(document, index))
    if ('stop' in entry || 'destroy' in entry) tasks.push({ verb: 'stop', service: 'db' })
    else if ('start' in entry) tasks.push({ verb: 'start', service: 'db' })
    else {
      const [verb, names] =
        'wait' in entry
          ? (['wait', [entry.wait]] as const)
          : 'fail' in entry
            ? (['fail', entry.fail] as const)
            : (['assert', 'assert' in entry ? entry.assert : entry.exec] as const)
      for (const name of names) {
        const condition = declared[name]
        if (!condition) {
          const known = Object.keys(declared).join(', ')
          return {
            ok: false,
            problem: { message: `task ${index + 1}: no task named ${name} (the tasks are ${known})`, line },
          }
        }
        tasks.push({ verb, task: name, condition, withinMs: waitMs })
      }
    }
  }
  return { ok: true, tasks }
}

/** The problem as one line, with its line number when known. */
export function describeSpecProblem(problem: SpecProblem): string {
  return problem.line === undefined ? problem.message : `line ${problem.line}: ${problem.message}`
}

function entryOffset(
  document: ReturnType<typeof parseDocument>,
  index: number | undefined,
): number | undefined {
  if (index === undefined) return undefined
  const list = document.contents
  if (!list || !('items' in list)) return undefined
  const item = list.items[index] as { range?: [number, number, number] } | undefined
  return item?.range?.[0]
}
