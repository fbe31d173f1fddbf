import type { Database } from '../engine'
import { runScenario, type StepReport } from '../sim'
import type { Lesson } from './lesson'
import { pathsOf, toSimScenario, type ScenarioPath } from './scenario'

/** One path of one lesson's scenario, run headless, with every claim checked. */
export interface PathVerdict {
  lesson: string
  path: ScenarioPath
  steps: StepReport[]
  eventLogHash: string
  requests: number
  virtualMs: number
}

/**
 * Runs every path of a lesson's scenario, each on a fresh database from `openStart`, and
 * checks every expectation — the same run in Node (CI) and in the browser worker.
 */
export async function checkLessonScenario(
  lesson: Pick<Lesson, 'slug' | 'scenario'>,
  openStart: () => Promise<Database>,
): Promise<PathVerdict[]> {
  const scenario = lesson.scenario
  if (!scenario) return []
  const verdicts: PathVerdict[] = []
  for (const path of pathsOf(scenario)) {
    const database = await openStart()
    try {
      const run = await runScenario(database, toSimScenario(scenario, path), { keepEvents: false })
      verdicts.push({
        lesson: lesson.slug,
        path,
        steps: run.steps,
        eventLogHash: run.eventLogHash,
        requests: run.requests,
        virtualMs: run.virtualMs,
      })
    } finally {
      await database.close()
    }
  }
  return verdicts
}
