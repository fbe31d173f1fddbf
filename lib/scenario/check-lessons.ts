import type { Database } from '../engine'
import {
  checkExpectations,
  runScenario,
  type ScenarioRun,
  type SimScenario,
  type StepAction,
  type StepReport,
} from '../sim'
import { isExercise, starterOf, writtenPartOf } from './exercises'
import type { Lesson } from './lesson'
import { pathsOf, type Scenario, type ScenarioPath } from './scenario'
import { migrateAction, toNaiveDetour, toSimScenario } from './sim-scenario'
import { describeSpecProblem, parseSystemTestSpec } from './system-test'

/** One path of one lesson's scenario, run headless, with every claim checked. */
export interface PathVerdict {
  lesson: string
  /**
   * `safe` (or `main`) is the whole lesson; `naive` one naive detour, named by `detour`;
   * `starter` an exercise run with the editor's starter as it opens, named by `detour` too.
   */
  path: ScenarioPath | 'starter'
  /** The step taken another way, after the steps before it the safe way, as a learner does. */
  detour?: { index: number; id: string }
  steps: StepReport[]
  eventLogHash: string
  requests: number
  virtualMs: number
  /** The modelled µs each migration statement ran once granted, by its SQL (the cost model's). */
  modelledMicros: Record<string, number>
}

/** One path of a lesson to check: the whole lesson, or one naive detour. */
export interface LessonPath {
  path: ScenarioPath
  detour?: PathVerdict['detour']
  simScenario: SimScenario
}

/**
 * The paths a lesson is checked on: the whole lesson the safe way, then each naive way as a
 * learner meets it — the steps before it done the safe way, the naive step, and its claims
 * (the learner undoes it after).
 */
export function lessonPaths(scenario: Scenario): LessonPath[] {
  const whole: ScenarioPath = pathsOf(scenario).includes('safe') ? 'safe' : 'main'
  return [
    { path: whole, simScenario: toSimScenario(scenario, whole) },
    ...scenario.steps.flatMap((step, index) =>
      step.naive
        ? [
            {
              path: 'naive' as const,
              detour: { index, id: step.id },
              simScenario: toNaiveDetour(scenario, index),
            },
          ]
        : [],
    ),
  ]
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
  // one path on a fresh database, reported by `report` from its run
  const check = async (
    simScenario: SimScenario,
    report: (run: ScenarioRun) => Pick<PathVerdict, 'path' | 'detour' | 'steps'>,
  ) => {
    const database = await openStart()
    try {
      const run = await runScenario(database, simScenario, { keepEvents: false })
      verdicts.push({
        lesson: lesson.slug,
        ...report(run),
        eventLogHash: run.eventLogHash,
        requests: run.requests,
        virtualMs: run.virtualMs,
        modelledMicros: Object.fromEntries(run.modelledMicros),
      })
    } finally {
      await database.close()
    }
  }
  let whole: { run: ScenarioRun; simScenario: SimScenario } | undefined
  for (const { path, detour, simScenario } of lessonPaths(scenario)) {
    await check(simScenario, (run) => {
      if (!detour) whole = { run, simScenario }
      // the steps before a detour ran exactly as in the whole lesson, already checked there
      const steps = detour ? run.steps.slice(detour.index) : run.steps
      if (detour && whole) steps[0] = withContrast(steps[0], whole, simScenario, detour.index)
      return { path, ...(detour && { detour }), steps }
    })
  }
  for (const { detour, simScenario } of starterPaths(scenario)) {
    await check(simScenario, (run) => ({
      path: 'starter',
      detour,
      steps: [starterReport(run.steps[detour.index])],
    }))
  }
  return verdicts
}

// An exercise that opens solved teaches nothing: its starter must fail the step.
function starterReport(step: StepReport): StepReport {
  const passed = step.expectations.every((result) => result.held)
  return {
    ...step,
    expectations: [
      {
        claim: 'the starter, run as the editor opens, does not pass the step',
        held: !passed,
        actual: passed
          ? 'every claim of the step holds with the starter: the exercise opens solved'
          : `it fails: ${step.expectations
              .filter((result) => !result.held)
              .map((result) => `${result.claim} (${result.actual})`)
              .join('; ')}`,
      },
    ],
  }
}

/**
 * Each exercise as a learner who presses Run at once meets it: the steps before it the safe
 * way, then the step with the editor's starter as the learner's text, judged by the step's claims.
 */
export function starterPaths(
  scenario: Scenario,
): { detour: { index: number; id: string }; simScenario: SimScenario }[] {
  const whole = toSimScenario(scenario, pathsOf(scenario).includes('safe') ? 'safe' : 'main')
  return scenario.steps.flatMap((authored, index) => {
    if (!isExercise(scenario, index)) return []
    const step = whole.steps[index]
    const starter = starterOf(scenario, index)
    let action: StepAction
    if (writtenPartOf(scenario, index) === 'sql') action = migrateAction(starter)
    else {
      const test = (authored.safe ?? authored).systemTest!
      const parsed = parseSystemTestSpec(starter, test.tasks, test.timeout)
      if (!parsed.ok) throw new Error(`step ${authored.id}'s starter: ${describeSpecProblem(parsed.problem)}`)
      action = { kind: 'system test', tasks: parsed.tasks }
    }
    return [
      {
        detour: { index, id: authored.id },
        simScenario: { ...whole, steps: [...whole.steps.slice(0, index), { ...step, action }] },
      },
    ]
  })
}

/**
 * A naive step's report, with one claim more: its claims do not all hold on the safe way. A naive
 * way whose claims the safe way meets too teaches nothing, and the lesson fails the check.
 */
function withContrast(
  naive: StepReport,
  whole: { run: ScenarioRun; simScenario: SimScenario },
  detour: SimScenario,
  index: number,
): StepReport {
  const steps = whole.simScenario.steps.map((step, at) => ({
    ...step,
    expect: at === index ? (detour.steps[index]?.expect ?? {}) : {},
  }))
  const onSafeWay = checkExpectations(whole.run.simulation, steps)[index] ?? []
  const alsoHeld = onSafeWay.length > 0 && onSafeWay.every((result) => result.held)
  return {
    ...naive,
    expectations: [
      ...naive.expectations,
      {
        claim: 'the safe way does not meet these claims',
        held: !alsoHeld,
        actual: alsoHeld
          ? 'every one of them holds on the safe way too: the naive way shows nothing it does not'
          : `on the safe way: ${onSafeWay
              .filter((result) => !result.held)
              .map((result) => `${result.claim} (${result.actual})`)
              .join('; ')}`,
      },
    ],
  }
}
