// `npm run lessons:check [-- --json] [-- SLUG…]`: runs every lesson's scenario headless — naive
// and safe paths — on real Postgres, and checks every claim its steps make; given slugs (or
// folders), only those lessons. With --json the last line is
// {"lessons":N,"steps":N,"expectations":N,"failed":N}. Exits 1 if any claim failed.
import { join } from 'node:path'
import { buildSnapshot, openDatabase } from '../lib/engine/node'
import { describeProblem, loadLessons } from '../lib/scenario'
import { checkLessonScenario } from '../lib/scenario/check-lessons'
import { describePath } from '../lib/scenario/path-label'

const root = process.cwd()
const asJson = process.argv.includes('--json')
const only = process.argv.slice(2).filter((argument) => !argument.startsWith('--'))
const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
for (const problem of problems) console.error(`error   ${describeProblem(problem)}`)

const totals = { lessons: 0, steps: 0, expectations: 0, failed: problems.length }
// a slug that matches no lesson is a typo, not a lesson with nothing to check
for (const name of only) {
  if (!lessons.some((lesson) => lesson.slug === name || lesson.folder === name)) {
    console.error(`error   no lesson named ${name}`)
    totals.failed += 1
  }
}
for (const lesson of lessons) {
  if (!lesson.scenario) continue
  if (only.length > 0 && !only.includes(lesson.slug) && !only.includes(lesson.folder)) continue
  totals.lessons += 1
  const built = await buildSnapshot(lesson.setupSql)
  if (!built.ok) {
    console.error(`error   content/lessons/${lesson.folder}/setup.sql: ${built.error}`)
    totals.failed += 1
    continue
  }
  const started = performance.now()
  const verdicts = await checkLessonScenario(lesson, () => openDatabase({ snapshot: built.snapshot }))
  for (const verdict of verdicts) {
    const seconds = (verdict.virtualMs / 1000).toFixed(0)
    console.log(
      `\n${lesson.folder} · ${describePath(verdict)} · ${verdict.requests} requests in ${seconds} virtual s · event log ${verdict.eventLogHash}`,
    )
    for (const step of verdict.steps) {
      totals.steps += 1
      console.log(`  ${step.id} — ${step.title}`)
      for (const expectation of step.expectations) {
        totals.expectations += 1
        if (!expectation.held) totals.failed += 1
        console.log(
          `    ${expectation.held ? 'held  ' : 'FAILED'} ${expectation.claim} (${expectation.actual})`,
        )
      }
    }
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s wall)`)
}
console.log(
  `\n${totals.lessons} lesson scenario(s), ${totals.steps} steps, ${totals.expectations} expectations, ${totals.failed} failed`,
)
if (asJson) console.log(JSON.stringify(totals))
process.exit(totals.failed > 0 ? 1 : 0)
