// `npm run conformance [-- --json] [-- --record] [-- ID…]`: puts every statement of the
// conformance table to the simulator and to a real PostgreSQL 18 server under each workload
// (held open under traffic; behind an idle reader, an idle writer, an idle REPEATABLE READ
// reader, an active query), prints the matrix, and checks that the recorded reference
// (content/reference/statement-locks.json, the page "What each statement locks") is what the
// server showed today. --record writes it anew. With --json the last line is
// {"cells":N,"agree":N,"disagree":N,"notModelled":N,"referenceDrift":N}.
// Exits 1 if a cell disagrees or the reference drifted.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  buildReference,
  conformanceStatements,
  probeOnServer,
  referenceDrift,
  runConformanceMatrix,
  startRealServer,
  workloads,
  type CellResult,
} from '../lib/real-server/node'
import {
  statementLocksReferenceFile,
  statementLocksReferenceSchema,
  type StatementLocksReference,
} from '../lib/scenario'

const asJson = process.argv.includes('--json')
const record = process.argv.includes('--record')
const only = process.argv.slice(2).filter((argument) => !argument.startsWith('--'))
const statements =
  only.length > 0
    ? conformanceStatements.filter((statement) => only.includes(statement.id))
    : conformanceStatements
for (const id of only)
  if (!conformanceStatements.some((statement) => statement.id === id))
    console.error(`error   no statement ${id}`)

const referencePath = join(process.cwd(), statementLocksReferenceFile)
let recorded: StatementLocksReference | undefined
let recordedError: string | undefined
try {
  recorded = statementLocksReferenceSchema.parse(JSON.parse(readFileSync(referencePath, 'utf8')))
} catch (error) {
  recordedError = `${statementLocksReferenceFile}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
}

const started = performance.now()
const server = await startRealServer()
let results: CellResult[]
let reference: StatementLocksReference
try {
  console.log(
    `real server: ${server.version.split(',')[0]}; ${statements.length} statements × ${workloads.length} workloads`,
  )
  results = await runConformanceMatrix(server, { statements, ...(recorded && { recorded }) })
  const probes = await probeOnServer(server, statements)
  reference = buildReference(
    statements,
    results,
    probes,
    server.version.split(',')[0],
    new Date().toISOString().slice(0, 10),
  )
} finally {
  await server.close()
}

const mark = { agree: '✓', disagree: '✗', 'not modelled': '~' } as const
const width = Math.max(...statements.map((statement) => statement.id.length))
console.log(
  `\n${''.padEnd(width)}  ${workloads.map((workload) => workload.padEnd(10).slice(0, 10)).join(' ')}`,
)
for (const statement of statements) {
  const row = workloads.map((workload) => {
    const cell = results.find((result) => result.statement === statement.id && result.workload === workload)
    return (cell ? mark[cell.status] : '?').padEnd(10)
  })
  console.log(`${statement.id.padEnd(width)}  ${row.join(' ')}`)
}
console.log(`\n✓ agrees with the server   ✗ disagrees   ~ not modelled (the simulator says so)`)
for (const cell of results.filter((result) => result.status === 'disagree')) {
  console.log(`\n✗ ${cell.statement} · ${cell.workload}\n  ${cell.differences.join('\n  ')}`)
}
const notModelled = new Map<string, string>()
for (const cell of results)
  if (cell.simulator.notModelled) notModelled.set(cell.statement, cell.simulator.notModelled)
for (const [statement, reason] of notModelled) console.log(`\n~ ${statement}: not modelled. ${reason}`)
const replayed = results.filter((result) => result.replayedAt !== undefined)
if (replayed.length > 0) {
  // the first replay of these differed from the simulator or the record, at ×10 on a busy machine
  console.log(`\nreplayed once more, slower, and judged by that replay:`)
  for (const cell of replayed)
    console.log(`  ${cell.statement} · ${cell.workload} at ×${cell.replayedAt}: ${cell.status}`)
}

let drift: string[] = []
if (record) {
  mkdirSync(dirname(referencePath), { recursive: true })
  writeFileSync(referencePath, JSON.stringify(reference, null, 2) + '\n')
  console.log(`\nrecorded ${statementLocksReferenceFile}`)
} else if (only.length === 0) {
  if (recordedError) console.error(`error   ${recordedError}`)
  drift = referenceDrift(reference, recorded)
  if (drift.length > 0) {
    console.error(
      `\nerror   ${statementLocksReferenceFile} is not what the server showed today (npm run conformance -- --record):`,
    )
    for (const line of drift.slice(0, 20)) console.error(`  ${line}`)
  }
}

const totals = {
  cells: results.length,
  agree: results.filter((result) => result.status === 'agree').length,
  disagree: results.filter((result) => result.status === 'disagree').length,
  notModelled: results.filter((result) => result.status === 'not modelled').length,
  referenceDrift: drift.length > 0 ? 1 : 0,
}
console.log(
  `\n${totals.cells} cells: ${totals.agree} agree, ${totals.disagree} disagree, ${totals.notModelled} not modelled, in ${((performance.now() - started) / 1000).toFixed(0)} s`,
)
if (asJson) console.log(JSON.stringify(totals))
process.exit(totals.disagree > 0 || totals.referenceDrift > 0 ? 1 : 0)
