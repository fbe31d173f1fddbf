import { z } from 'zod'

/** What the browser keeps of one lesson: the steps passed, and the learner's SQL per step. */
export const lessonProgressSchema = z.object({
  version: z.literal(1),
  /** Step ids whose last run held every claim the step makes. */
  passed: z.array(z.string()),
  /** Step ids whose last run broke something. */
  broke: z.array(z.string()),
  /** The learner's SQL, by step id. */
  sql: z.record(z.string(), z.string()),
})

export type LessonProgress = z.infer<typeof lessonProgressSchema>

/** No step run, no SQL written. */
export const emptyProgress: LessonProgress = { version: 1, passed: [], broke: [], sql: {} }

/** The localStorage key of a lesson's progress. */
export function progressKey(lesson: string): string {
  return `cutover:progress:${lesson}`
}

/**
 * Reads stored progress, validated where it enters: anything malformed (an older format, a
 * hand edit) is set aside as no progress rather than half-used.
 */
export function parseProgress(stored: string | null): LessonProgress {
  if (!stored) return emptyProgress
  try {
    const parsed = lessonProgressSchema.safeParse(JSON.parse(stored))
    return parsed.success ? parsed.data : emptyProgress
  } catch {
    return emptyProgress
  }
}

/** Records a step's verdict: passed moves it out of broke, and back. */
export function recordVerdict(progress: LessonProgress, stepId: string, passed: boolean): LessonProgress {
  const without = (ids: string[]) => ids.filter((id) => id !== stepId)
  return {
    ...progress,
    passed: passed ? [...without(progress.passed), stepId] : without(progress.passed),
    broke: passed ? without(progress.broke) : [...without(progress.broke), stepId],
  }
}

/** Forgets the verdicts of these steps (undo, reset), keeping the SQL written for them. */
export function forgetVerdicts(progress: LessonProgress, stepIds: readonly string[]): LessonProgress {
  const forgotten = new Set(stepIds)
  return {
    ...progress,
    passed: progress.passed.filter((id) => !forgotten.has(id)),
    broke: progress.broke.filter((id) => !forgotten.has(id)),
  }
}

/** Where a lesson opens without a step in its URL: after the steps passed in a row from the start. */
export function firstUnpassedStep(progress: LessonProgress, stepIds: readonly string[]): number {
  const passed = new Set(progress.passed)
  const index = stepIds.findIndex((id) => !passed.has(id))
  return index === -1 ? stepIds.length : index
}
