import { openDatabase } from '../../engine/node'
import type { StatementLocksReference } from '../../scenario'
import { runScenario, type SimScenario } from '../../sim'
import { replayOnRealServer, type ReplayOptions } from '../replay'
import { createDatabase, dropDatabase, type RealServer } from '../server'
import {
  cellScenario,
  observeRun,
  requestKinds,
  schemaFingerprintSql,
  workloads as allWorkloads,
  type CellObservation,
  type Workload,
} from './cells'
import { conformanceSetupSql, conformanceStatements, type ConformanceStatement } from './statements'

/** One cell of the matrix: one statement under one workload, on both sides. */
export interface CellResult {
  statement: string
  workload: Workload
  simulator: CellObservation
  server: CellObservation
  /** What differs, one line each; empty when the two sides agree. */
  differences: string[]
  /**
   * `not modelled` when the simulator said it cannot represent the cell (its reason is in
   * `simulator.notModelled`), whatever the two sides did; otherwise whether they agree.
   */
  status: 'agree' | 'disagree' | 'not modelled'
  /**
   * The slower time scale the cell was replayed at a second time, because the first replay
   * disagreed with the simulator or with the recorded reference; its result is the second's.
   */
  replayedAt?: number
}

export interface MatrixOptions {
  statements?: readonly ConformanceStatement[]
  workloads?: readonly Workload[]
  /** Virtual ms per wall ms on the real server (default 10: every wait a cell is built to show is 1 s or more, 100 ms wall). */
  timeScale?: number
  /** Cells replayed on the real server at once (default 4): each is mostly waiting. */
  concurrency?: number
  /** The reference recorded last time: a cell whose server result contradicts it is replayed again. */
  recorded?: StatementLocksReference
  /**
   * The time scale of that second replay, one cell at a time (default 2). At ×10 a wait the cell
   * is built to show lasts 150 ms of wall time, and a busy machine can shift it out of its window;
   * a disagreement in the model shows at any scale, so only the second replay's result counts.
   */
  confirmTimeScale?: number
  onCell?: (cell: CellResult) => void
}

/**
 * Runs every cell through the simulator (one PGlite, reset between cells), then replays each on
 * a fresh copy of the starting database on the real server, several at once, and compares.
 * The simulator runs first so PGlite never holds the event loop while a replay is timing waits.
 */
export async function runConformanceMatrix(
  server: RealServer,
  options: MatrixOptions = {},
): Promise<CellResult[]> {
  const statements = options.statements ?? conformanceStatements
  const workloads = options.workloads ?? allWorkloads
  const cells = statements.flatMap((statement) =>
    workloads.map((workload) => ({ statement, workload, scenario: cellScenario(statement, workload) })),
  )
  const simulated = await simulateCells(cells.map((cell) => cell.scenario))
  const template = 'conformance_start'
  await dropDatabase(server, template)
  await createDatabase(server, template, { setupSql: conformanceSetupSql })
  const results: CellResult[] = new Array(cells.length)
  const judge = (index: number, real: CellObservation, replayedAt?: number): CellResult => {
    const { statement, workload } = cells[index]
    const simulator = simulated[index].observation
    const differences = compareObservations(simulator, real)
    const status =
      simulator.notModelled !== undefined ? 'not modelled' : differences.length > 0 ? 'disagree' : 'agree'
    return {
      statement: statement.id,
      workload,
      simulator,
      server: real,
      differences,
      status,
      ...(replayedAt !== undefined && { replayedAt }),
    }
  }
  const replay = (index: number, timeScale: number) =>
    replayCell(server, template, `conformance_${index}`, cells[index].scenario, {
      timeScale,
      modelledMicros: simulated[index].modelledMicros,
    })
  let next = 0
  const worker = async () => {
    while (next < cells.length) {
      const index = next++
      results[index] = judge(index, await replay(index, options.timeScale ?? 10))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  const confirmTimeScale = options.confirmTimeScale ?? 2
  for (const [index, result] of results.entries()) {
    if (result.status === 'disagree' || contradictsRecord(result, options.recorded))
      results[index] = judge(index, await replay(index, confirmTimeScale), confirmTimeScale)
    options.onCell?.(results[index])
  }
  await dropDatabase(server, template)
  return results
}

async function simulateCells(
  scenarios: readonly SimScenario[],
): Promise<{ observation: CellObservation; modelledMicros: Map<string, number> }[]> {
  const database = await openDatabase()
  try {
    const observed = []
    for (const scenario of scenarios) {
      const reset = await database.runScript(
        `drop schema public cascade; create schema public;\n${conformanceSetupSql}`,
      )
      if (!reset.ok) throw new Error(`the conformance setup failed in PGlite: ${reset.error?.message}`)
      const run = await runScenario(database, scenario)
      const schema = await database.run(schemaFingerprintSql)
      if (!schema.ok) throw new Error(`the schema fingerprint failed in PGlite: ${schema.error.message}`)
      observed.push({
        observation: observeRun(
          run.simulation,
          scenario,
          schema.rows.map((row) => row[0] ?? ''),
          { notModelled: run.simulation.events.find((event) => event.type === 'not modelled')?.reason },
        ),
        modelledMicros: run.modelledMicros,
      })
    }
    return observed
  } finally {
    await database.close()
  }
}

async function replayCell(
  server: RealServer,
  template: string,
  name: string,
  scenario: SimScenario,
  options: ReplayOptions,
): Promise<CellObservation> {
  await createDatabase(server, name, { template })
  try {
    const run = await replayOnRealServer(server, name, scenario, options)
    const client = server.client(name)
    await client.connect()
    try {
      const { rows } = await client.query({ text: schemaFingerprintSql, rowMode: 'array' })
      return observeRun(
        run,
        scenario,
        rows.map((row: unknown[]) => String(row[0])),
        { serverWaits: run.waits },
      )
    } finally {
      await client.end()
    }
  } finally {
    await dropDatabase(server, name)
  }
}

// what the recorded reference says of this cell: its status, and the statement's outcome behind a session
function contradictsRecord(result: CellResult, recorded: StatementLocksReference | undefined): boolean {
  const record = recorded?.statements.find((statement) => statement.id === result.statement)
  if (!record) return false
  if (record.cells[result.workload] !== result.status) return true
  return result.workload !== 'held open' && record.outcomeBehind[result.workload] !== result.server.statement
}

/** What differs between the simulator's observation of a cell and the server's, one line each. */
export function compareObservations(simulator: CellObservation, server: CellObservation): string[] {
  const differences: string[] = []
  if (simulator.statement !== server.statement)
    differences.push(`statement: simulator ${simulator.statement}, server ${server.statement}`)
  for (const kind of requestKinds) {
    if (simulator.requests[kind] !== server.requests[kind])
      differences.push(`${kind}s: simulator ${simulator.requests[kind]}, server ${server.requests[kind]}`)
    // on whom, where both saw requests wait (a failure says more, and is compared above)
    const [simulated, served] = [simulator.blockedBy[kind].join(', '), server.blockedBy[kind].join(', ')]
    const bothWaited = simulator.requests[kind] === 'waits' && server.requests[kind] === 'waits'
    if (bothWaited && simulated !== served)
      differences.push(`${kind}s waited on: simulator ${simulated || 'nobody'}, server ${served || 'nobody'}`)
  }
  const onlySimulator = simulator.schema.filter((line) => !server.schema.includes(line))
  const onlyServer = server.schema.filter((line) => !simulator.schema.includes(line))
  if (onlySimulator.length > 0) differences.push(`left only in the simulator: ${onlySimulator.join('; ')}`)
  if (onlyServer.length > 0) differences.push(`left only on the server: ${onlyServer.join('; ')}`)
  return differences
}
