import { splitSql, type Database, type RunResult } from '../engine'
import { Simulation, type OperatorResult } from '../sim'
import type { Lesson } from './lesson'
import { normalSql, proseSqlOf, restatedStepOf, restatesSetup, type ProseSql } from './prose-sql'
import { pathsOf } from './scenario'
import { toSimScenario } from './sim-scenario'

/** One piece of the prose's SQL, run where the learner meets it, and what came of it. */
export interface ProseSqlVerdict {
  line: number
  sql: string
  /** The step it is read before, by id; `the end` after the last. */
  before: string
  claim: string
  held: boolean
  actual: string
}

/** How to run a statement that never ends by itself, and stop it as the page's Stop does. */
export type StopRunaway = (sql: string) => Promise<RunResult>

// a snippet that has not settled after this much virtual time has not done what the prose says
const settleWithinUs = 120_000_000

/**
 * Runs every piece of SQL in a lesson's prose where the learner meets it: on the lesson's
 * database, the steps before it applied the safe way, under the live simulation — a ```sql
 * block as the page's SQL console runs it, a terminal snippet statement by statement in the
 * console's session. Each must succeed (or fail with the SQLSTATE its `fails=` says), and show
 * what its `shows=` says. SQL that restates a step's own, or the setup's, is checked by those;
 * a `runaway` block must run until it is stopped.
 */
export async function checkProseSql(
  lesson: Pick<Lesson, 'body' | 'setupSql' | 'scenario'>,
  openStart: () => Promise<Database>,
  stopRunaway: StopRunaway,
): Promise<ProseSqlVerdict[]> {
  const scenario = lesson.scenario
  if (!scenario) return []
  const snippets = proseSqlOf(lesson.body, scenario)
  if (snippets.length === 0) return []
  const path = pathsOf(scenario).includes('safe') ? 'safe' : 'main'
  const simScenario = toSimScenario(scenario, path)
  const database = await openStart()
  const verdicts: ProseSqlVerdict[] = snippets
    .filter((snippet) => snippet.beforeStep < 0)
    .map((snippet) => ({
      line: snippet.line,
      sql: snippet.sql,
      before: '?',
      claim: 'runs at the step its at= names',
      held: false,
      actual: 'at= names no step of the scenario',
    }))
  try {
    const simulation = await Simulation.start(database, simScenario, { keepEvents: false })
    for (let index = 0; index <= simScenario.steps.length; index++) {
      const before = scenario.steps[index]?.id ?? 'the end'
      for (const snippet of snippets.filter((candidate) => candidate.beforeStep === index)) {
        const judged = await judgeSnippet(snippet, lesson, simulation, stopRunaway)
        verdicts.push({ line: snippet.line, sql: snippet.sql, before, ...judged })
      }
      const step = simScenario.steps[index]
      if (step) await simulation.runStep(step)
    }
  } finally {
    await database.close()
  }
  return verdicts
}

async function judgeSnippet(
  snippet: ProseSql,
  lesson: Pick<Lesson, 'setupSql' | 'scenario'>,
  simulation: Simulation,
  stopRunaway: StopRunaway,
): Promise<{ claim: string; held: boolean; actual: string }> {
  const scenario = lesson.scenario!
  // what the prose says such SQL shows is checked all the same, by running it here
  const restated = restatedStepOf(snippet.sql, scenario)
  if (restated && snippet.shows === undefined)
    return { claim: `restates step ${restated}'s SQL`, held: true, actual: 'judged by that step’s claims' }
  const invariant = scenario.invariants?.find(
    (candidate) => normalSql(candidate.sql) === normalSql(snippet.sql),
  )
  if (invariant)
    return {
      claim: `restates the invariant ${invariant.name}`,
      held: true,
      actual: 'run every virtual second under traffic',
    }
  if (restatesSetup(snippet.sql, lesson.setupSql))
    return { claim: 'restates setup.sql', held: true, actual: 'built into the starting database' }
  if (snippet.runaway) {
    const stopped = await stopRunaway(snippet.sql)
    const code = stopped.ok ? 'ok' : stopped.error.code
    return { claim: 'runs until it is stopped, and Stop ends it', held: code === '57014', actual: code }
  }
  const result =
    snippet.kind === 'terminal'
      ? await typeAtConsole(simulation, snippet.sql)
      : await runAsSqlConsole(simulation, snippet.sql)
  return judgeResult(snippet, result)
}

function judgeResult(
  snippet: ProseSql,
  result: RunResult | undefined,
): { claim: string; held: boolean; actual: string } {
  const expected = snippet.fails ? `fails with ${snippet.fails}` : 'runs'
  const shows =
    snippet.shows === undefined
      ? ''
      : `, showing ${snippet.shows === 'none' ? 'no row' : `“${snippet.shows}”`}`
  const claim = `${expected}${shows}`
  if (!result) return { claim, held: false, actual: 'had not settled after 120 virtual s' }
  if (!result.ok) {
    const actual = `${result.error.code} ${result.error.message}`
    return { claim, held: result.error.code === snippet.fails, actual }
  }
  const text = result.rows.map((row) => row.map((value) => value ?? 'NULL').join(' | ')).join('; ')
  const actual = `${result.command}, ${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'}${text ? `: ${text.slice(0, 160)}` : ''}`
  if (snippet.fails) return { claim, held: false, actual }
  const shown = snippet.shows
  const showsHeld =
    shown === undefined ||
    (shown === 'none'
      ? result.rows.length === 0
      : shown.startsWith('/') && shown.endsWith('/')
        ? new RegExp(shown.slice(1, -1)).test(text)
        : text.includes(shown))
  return { claim, held: showsHeld, actual }
}

// a ```sql block: the SQL console on a live lesson runs it as its own session
async function runAsSqlConsole(simulation: Simulation, sql: string): Promise<RunResult | undefined> {
  let settled: OperatorResult | undefined
  simulation.runOperatorSql(sql, 'you', (result) => (settled = result))
  await until(simulation, () => settled !== undefined)
  if (!settled) return undefined
  if (!settled.ok) return { ok: false, error: settled.error, durationMs: 0 }
  return settled.last ?? { ok: true, command: 'COMMIT', fields: [], rows: [], rowCount: 0, durationMs: 0 }
}

// a terminal snippet: typed at the console, one statement at a time; the first error stops it
async function typeAtConsole(simulation: Simulation, sql: string): Promise<RunResult | undefined> {
  let last: RunResult | undefined
  for (const statement of splitSql(sql)) {
    let answer: RunResult | undefined
    simulation.runConsoleStatement(statement.sql, ({ result }) => (answer = result))
    await until(simulation, () => answer !== undefined)
    last = answer
    if (!answer?.ok) return answer
  }
  return last
}

async function until(simulation: Simulation, isDone: () => boolean): Promise<void> {
  const deadlineUs = simulation.nowUs + settleWithinUs
  while (!isDone() && simulation.nowUs < deadlineUs) await simulation.runUntil(simulation.nowUs + 500_000)
}
