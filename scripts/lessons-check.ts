// `npm run lessons:check [-- --json] [-- --postgres] [-- SLUG…]`: runs every lesson's scenario
// headless — naive and safe paths — on real Postgres (PGlite) under the simulator, and checks
// every claim its steps make, then every piece of SQL in its prose where the learner meets it
// (lib/scenario/check-prose-sql.ts); given slugs (or folders), only those lessons. With --postgres each
// path is also replayed on a real PostgreSQL 18 server with real concurrent connections, and
// every claim is judged there too, next to what the simulator said. With --json the last line
// is {"lessons":N,"steps":N,"expectations":N,"failed":N} (+ "postgres":{"claims","held","failed"}).
// Exits 1 if any claim failed, in the simulator or on the server.
import { join } from 'node:path'
import type { RunResult, Snapshot } from '../lib/engine'
import { buildSnapshot, openDatabase, startWorkerDatabase } from '../lib/engine/node'
import { formatMs } from '../lib/sim'
import { checkLessonScenario, checkProseSql, describePath, type PathVerdict } from '../lib/scenario'
import { describeProblem, loadLessons } from '../lib/scenario/node'
import {
  checkLessonOnRealServer,
  defaultTimeScale,
  startRealServer,
  type RealPathVerdict,
  type RealServer,
} from '../lib/real-server/node'

const root = process.cwd()
const asJson = process.argv.includes('--json')
const onPostgres = process.argv.includes('--postgres')
const only = process.argv.slice(2).filter((argument) => !argument.startsWith('--'))
const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
for (const problem of problems) console.error(`error   ${describeProblem(problem)}`)

const totals = { lessons: 0, steps: 0, expectations: 0, failed: problems.length }
const postgres = { claims: 0, held: 0, failed: 0 }
let server: RealServer | undefined
if (onPostgres) {
  try {
    server = await startRealServer()
    console.log(
      `real server: ${server.version.split(',')[0]} on ${server.host}:${server.port}, time ×${defaultTimeScale}`,
    )
  } catch (error) {
    // the platform cannot run the server: one line, and a failure, never a silent skip
    console.error(`error   --postgres: ${error instanceof Error ? error.message : String(error)}`)
    postgres.failed += 1
  }
}
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
  const prose = await checkProseSql(
    lesson,
    () => openDatabase({ snapshot: built.snapshot }),
    (sql) => stopAfterASecond(built.snapshot, sql),
  )
  if (prose.length > 0) console.log(`\n${lesson.folder} · the SQL in its prose, where the learner meets it`)
  for (const verdict of prose) {
    totals.expectations += 1
    if (!verdict.held) totals.failed += 1
    console.log(
      `    ${verdict.held ? 'held  ' : 'FAILED'} lesson.mdx:${verdict.line} before ${verdict.before}: ${verdict.claim} (${verdict.actual})`,
    )
  }
  if (server) await checkOnRealServer(server, lesson, verdicts)
}
await server?.close()
console.log(
  `\n${totals.lessons} lesson scenario(s), ${totals.steps} steps, ${totals.expectations} expectations, ${totals.failed} failed`,
)
if (onPostgres) {
  console.log(
    `on real PostgreSQL: ${postgres.claims} claims, ${postgres.held} held, ${postgres.failed} failed`,
  )
}
if (asJson) console.log(JSON.stringify(onPostgres ? { ...totals, postgres } : totals))
process.exit(totals.failed > 0 || postgres.failed > 0 ? 1 : 0)

// A runaway statement as the page stops one: in a worker of its own, which Stop replaces
async function stopAfterASecond(snapshot: Snapshot, sql: string): Promise<RunResult> {
  const worker = await startWorkerDatabase(snapshot, { standby: false })
  try {
    const running = worker.run(sql)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await worker.cancel()
    return await running
  } finally {
    await worker.close()
  }
}

async function checkOnRealServer(
  realServer: RealServer,
  lesson: (typeof lessons)[number],
  simVerdicts: PathVerdict[],
): Promise<void> {
  const started = performance.now()
  let realVerdicts: RealPathVerdict[]
  try {
    realVerdicts = await checkLessonOnRealServer(realServer, lesson, simVerdicts)
  } catch (error) {
    console.error(
      `error   ${lesson.folder} on real PostgreSQL: ${error instanceof Error ? error.stack : String(error)}`,
    )
    postgres.failed += 1
    return
  }
  for (const real of realVerdicts) {
    const sim = simVerdicts.find((verdict) => describePath(verdict) === describePath(real))
    console.log(
      `\n${lesson.folder} · ${describePath(real)} · on real PostgreSQL · ${real.requests} requests in ${(real.virtualMs / 1000).toFixed(0)} virtual s (${(real.wallMs / 1000).toFixed(1)} s wall)`,
    )
    for (const step of real.steps) {
      console.log(`  ${step.id} — ${step.title}`)
      const simStep = sim?.steps.find((candidate) => candidate.id === step.id)
      for (const [index, expectation] of step.expectations.entries()) {
        postgres.claims += 1
        if (expectation.held) postgres.held += 1
        else postgres.failed += 1
        const simExpectation = simStep?.expectations[index]
        const simSaid = simExpectation ? (simExpectation.held ? 'held' : 'FAILED') : '—'
        console.log(
          `    ${expectation.held ? 'held  ' : 'FAILED'} on the server · ${simSaid.padEnd(6)} in the simulator · ${expectation.claim} (${expectation.actual})`,
        )
        if (simExpectation && simExpectation.held !== expectation.held) {
          console.log(`      the simulator: ${simExpectation.actual}`)
          for (const wait of step.waits.slice(0, 4)) {
            console.log(
              `      the server: ${wait.label} waited ${formatMs((wait.untilUs - wait.fromUs) / 1000)} from ${formatMs(wait.fromUs / 1000)} on ${wait.blockedBy.join(', ') || 'nobody named'}: ${wait.query.slice(0, 80)}`,
            )
          }
        }
      }
    }
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s wall on the server)`)
}
