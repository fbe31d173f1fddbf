import { checkExpectations, type ExpectationResult } from '../sim'
import { lessonPaths, type Lesson, type PathVerdict } from '../scenario'
import { replayOnRealServer, type ReplayOptions } from './replay'
import { createDatabase, dropDatabase, type RealServer } from './server'
import type { WaitEpisode } from './lock-wait-monitor'

/** One step of one path on the real server: its claims, and what the server showed of waits. */
export interface RealStepReport {
  id: string
  title: string
  expectations: ExpectationResult[]
  /** Sessions the server showed waiting on a lock during the step, longest first. */
  waits: WaitEpisode[]
}

/** One path of one lesson replayed on the real server. */
export interface RealPathVerdict {
  path: PathVerdict['path']
  detour?: PathVerdict['detour']
  steps: RealStepReport[]
  requests: number
  virtualMs: number
  wallMs: number
}

/** Virtual ms per wall ms of the course's replay: a lesson's minute of traffic in 7.5 s. */
export const defaultTimeScale = 8

/**
 * Replays every path of a lesson on the real server — the same paths, in the same order, as
 * the simulator's check, whose verdicts give each migration statement's modelled duration —
 * each on a fresh copy of the lesson's starting database, and checks every claim.
 */
export async function checkLessonOnRealServer(
  server: RealServer,
  lesson: Pick<Lesson, 'slug' | 'scenario' | 'setupSql'>,
  simVerdicts: readonly PathVerdict[],
  options: Partial<Pick<ReplayOptions, 'timeScale' | 'maxRequestsPerSecond'>> = {},
): Promise<RealPathVerdict[]> {
  const scenario = lesson.scenario
  if (!scenario) return []
  const template = databaseName(lesson.slug, 'start')
  try {
    await dropDatabase(server, template)
    await createDatabase(server, template, { setupSql: lesson.setupSql })
    const verdicts: RealPathVerdict[] = []
    for (const [index, lessonPath] of lessonPaths(scenario).entries()) {
      const simVerdict = simVerdicts.find(
        (verdict) => verdict.path === lessonPath.path && verdict.detour?.index === lessonPath.detour?.index,
      )
      const database = databaseName(lesson.slug, String(index))
      await createDatabase(server, database, { template })
      const started = performance.now()
      try {
        const run = await replayOnRealServer(server, database, lessonPath.simScenario, {
          timeScale: options.timeScale ?? defaultTimeScale,
          ...(options.maxRequestsPerSecond !== undefined && {
            maxRequestsPerSecond: options.maxRequestsPerSecond,
          }),
          modelledMicros: new Map(Object.entries(simVerdict?.modelledMicros ?? {})),
        })
        const claims = checkExpectations(run, lessonPath.simScenario.steps)
        const first = lessonPath.detour?.index ?? 0
        verdicts.push({
          path: lessonPath.path,
          ...(lessonPath.detour && { detour: lessonPath.detour }),
          // the steps before a detour ran as in the whole lesson, already judged there
          steps: lessonPath.simScenario.steps.slice(first).map((step, offset) => {
            const index = first + offset
            const fromUs = run.stepStartsUs[index]
            const untilUs = run.stepStartsUs[index + 1] ?? Infinity
            return {
              id: step.id,
              title: step.title,
              expectations: claims[index],
              waits: run.waits
                .filter((wait) => wait.fromUs >= fromUs && wait.fromUs < untilUs)
                .sort((a, b) => b.untilUs - b.fromUs - (a.untilUs - a.fromUs)),
            }
          }),
          requests: run.requests,
          virtualMs: run.virtualMs,
          wallMs: performance.now() - started,
        })
      } finally {
        if (!server.isRunning) await server.startPostmaster()
        await dropDatabase(server, database)
      }
    }
    return verdicts
  } finally {
    await dropDatabase(server, template)
  }
}

function databaseName(slug: string, suffix: string): string {
  return `lesson_${slug.replace(/[^a-z0-9]/g, '_')}_${suffix}`
}
