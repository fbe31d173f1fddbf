import type { RetryPolicy } from '../sim'
import type { Scenario } from './scenario'
import type { PathFields } from './step-schema'
import { duration } from './value-schemas'

// The retry policy of a migration is a comment in its own text, where the learner reads and
// sets it, as a team sets strong_migrations' lock_timeout_retries beside its migrations:
//   -- retry on lock_timeout: 3 attempts, 1s apart, doubling
const retryLine = /^[ \t]*--[ \t]*retry on lock_timeout:(.*)$/im
const retryWords = /^\s*(\d+) attempts?(?:,\s*(\d+(?:\.\d+)?(?:ms|s)) apart)?(?:,\s*(doubling))?\s*$/i

/** A retry line, as the learner writes it: `-- retry on lock_timeout: 3 attempts, 1s apart, doubling`. */
export const retryLineExample = '-- retry on lock_timeout: 3 attempts, 1s apart, doubling'

/**
 * The retry policy a migration's text sets, if any: attempts in all (the first included), the
 * wait before the second (default 500ms), and whether each later wait doubles. A line that starts
 * as a retry line and does not read as one is a problem, never a migration without retries.
 */
export function retryPolicyOf(
  sql: string,
): { ok: true; retry?: RetryPolicy } | { ok: false; problem: string } {
  const line = retryLine.exec(sql)
  if (!line) return { ok: true }
  const words = retryWords.exec(line[1])
  const attempts = words ? Number(words[1]) : NaN
  const backoff = duration.safeParse(words?.[2] ?? '500ms')
  if (!words || !backoff.success || attempts < 1 || attempts > 100)
    return {
      ok: false,
      problem: `the retry line reads as "${retryLineExample}" (1 to 100 attempts), not "${line[0].trim()}"`,
    }
  return {
    ok: true,
    retry: { attempts, backoffMs: backoff.data, factor: words[3] ? 2 : 1 },
  }
}

// The authored fields of a step's passing path: `safe` where it has two, else the step's own.
function passingFields(scenario: Scenario, index: number): PathFields {
  const step = scenario.steps[index]
  return step.safe ?? step
}

/** What the learner writes at a step, if anything: a migration (SQL) or a system test (its spec). */
export function writtenPartOf(scenario: Scenario, index: number): 'sql' | 'delmo' | undefined {
  const fields = passingFields(scenario, index)
  return fields.migrate !== undefined ? 'sql' : fields.systemTest !== undefined ? 'delmo' : undefined
}

/** The lesson's answer at an editable step: its passing path's migration or test spec. */
export function solutionOf(scenario: Scenario, index: number): string | undefined {
  const fields = passingFields(scenario, index)
  return (fields.migrate ?? fields.systemTest?.spec)?.trim()
}

/**
 * What the editor holds first at an editable step: the authored starter, else the naive way
 * (what most teams write first), else the step's own text, for a step that runs what the story
 * did (a hotfix typed by hand, the same test run again) rather than asking for an answer.
 */
export function starterOf(scenario: Scenario, index: number): string {
  const step = scenario.steps[index]
  if (writtenPartOf(scenario, index) === undefined) return ''
  return (
    step.starter ?? step.naive?.migrate ?? step.naive?.systemTest?.spec ?? solutionOf(scenario, index) ?? ''
  )
}

/**
 * Whether a step is an exercise: its editor opens on something other than the lesson's answer,
 * and the learner makes it the answer. Its starter must fail the step (the lesson check runs
 * it). A step whose editor opens on the answer itself, comments aside, is not one: the learner
 * runs the story's SQL (a hotfix typed by hand, the same repair at a better moment), and may
 * change it.
 */
export function isExercise(scenario: Scenario, index: number): boolean {
  const solution = solutionOf(scenario, index)
  return solution !== undefined && asWritten(starterOf(scenario, index)) !== asWritten(solution)
}

// A text as it runs: without comment lines (a retry line is not one: it sets the retries) and
// with its spacing made one space.
function asWritten(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(--|#)/.test(line) || retryLine.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
}
