import { splitSql } from '../engine'
import type { Scenario } from './scenario'

/**
 * One piece of SQL in a lesson's prose: a ```sql block, or a `<TerminalSnippet>` that is SQL.
 * Its step is the one whose speaker notes come next: the prose before a step's notes is what
 * the learner reads, and tries, before running that step.
 */
export interface ProseSql {
  /** `sql`: a ```sql block, run as the page's SQL console runs it; `terminal`: typed at the console. */
  kind: 'sql' | 'terminal'
  sql: string
  /** 1-based line of the MDX body where it starts. */
  line: number
  /** The index of the step it is read before; the steps' count when it comes after the last. */
  beforeStep: number
  /** The SQLSTATE the prose says it fails with (```sql fails=42703). */
  fails?: string
  /** What the prose says it returns: `none`, or text its rows contain (```sql shows="capacity"). */
  shows?: string
  /** A statement the prose says never ends by itself, to be stopped (```sql runaway). */
  runaway?: boolean
}
// ```sql at=STEP: read before that step, where it is not there yet (a query of columns a later
// step adds)

const fence = /^```sql([^\n]*)\n([\s\S]*?)^```/gm
const terminalSnippet = /<TerminalSnippet>(?:\{'([^']*)'\}|([^<]*))<\/TerminalSnippet>/g
const speakerNotes = /<SpeakerNotes step="([^"]+)"/g
// a snippet is SQL when it ends its statement; the others are operator commands and \d
const isSqlSnippet = (text: string) => text.trim().endsWith(';')

/** The SQL in a lesson's prose, each with the step it belongs to and what the prose says of it. */
export function proseSqlOf(body: string, scenario: Scenario): ProseSql[] {
  const stepIndex = new Map(scenario.steps.map((step, index) => [step.id, index]))
  const notes = [...body.matchAll(speakerNotes)].flatMap((match) => {
    const index = stepIndex.get(match[1])
    return index === undefined ? [] : [{ at: match.index, index }]
  })
  const stepAfter = (at: number) => notes.find((note) => note.at > at)?.index ?? scenario.steps.length
  const lineOf = (at: number) => body.slice(0, at).split('\n').length
  const found: (ProseSql & { at: number })[] = []
  for (const match of body.matchAll(fence)) {
    const meta = match[1]
    // ```sql example: SQL for another database (an "in your framework" box's `posts`), shown, not run
    if (/(^|\s)example(\s|$)/.test(meta)) continue
    const at = /\bat=([\w-]+)/.exec(meta)?.[1]
    const fails = /\bfails=(\w+)/.exec(meta)?.[1]
    const shows = /\bshows="([^"]*)"/.exec(meta)?.[1]
    found.push({
      at: match.index,
      kind: 'sql',
      sql: match[2].trim(),
      line: lineOf(match.index),
      beforeStep: at !== undefined ? (stepIndex.get(at) ?? -1) : stepAfter(match.index),
      ...(fails && { fails }),
      ...(shows !== undefined && { shows }),
      ...(/\brunaway\b/.test(meta) && { runaway: true }),
    })
  }
  for (const match of body.matchAll(terminalSnippet)) {
    const text = match[1] ?? match[2] ?? ''
    if (!isSqlSnippet(text)) continue
    found.push({
      at: match.index,
      kind: 'terminal',
      sql: text.trim(),
      line: lineOf(match.index),
      beforeStep: stepAfter(match.index),
    })
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...snippet }) => snippet)
}

/**
 * The step whose own SQL the snippet restates, if it does (its naive or safe migration, a
 * session it opens, a query it checks): that SQL is checked by the step's claims.
 */
export function restatedStepOf(sql: string, scenario: Scenario): string | undefined {
  const wanted = normalSql(sql)
  for (const step of scenario.steps) {
    for (const path of [step, step.naive, step.safe]) {
      if (!path) continue
      // a held session is its SQL in a transaction left open: BEGIN and no COMMIT
      const candidates = [
        path.migrate,
        path.openSession?.sql,
        path.openSession && `begin; ${path.openSession.sql}`,
        ...[path.assert, path.fail, path.wait, path.gate].map((condition) =>
          condition && 'sql' in condition ? condition.sql : undefined,
        ),
      ]
      if (candidates.some((candidate) => candidate !== undefined && normalSql(candidate) === wanted))
        return step.id
    }
  }
  return undefined
}

/** SQL as compared with other SQL: statement by statement, without comments, case or spacing. */
export function normalSql(text: string): string {
  return splitSql(text)
    .map((statement) =>
      statement.sql
        .replace(/--[^\n]*/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .toLowerCase(),
    )
    .filter((statement) => statement !== '')
    .join('; ')
}

/** Whether the snippet is a part of the setup, which builds the lesson's starting database. */
export function restatesSetup(sql: string, setupSql: string): boolean {
  const wanted = normalSql(sql)
  return wanted.length > 0 && normalSql(setupSql).includes(wanted)
}
