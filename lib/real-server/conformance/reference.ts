import { probeLocks } from '../../engine'
import type { StatementLockRecord, StatementLocksReference } from '../../scenario'
import { probeSessionOf } from '../probe-session'
import { createDatabase, dropDatabase, type RealServer } from '../server'
import {
  cellLockTimeoutMs,
  requestKinds,
  schemaFingerprintSql,
  workloads,
  type RequestVerdict,
} from './cells'
import type { CellResult } from './run-matrix'
import { conformanceSetupSql, type ConformanceStatement } from './statements'

/** How the real server took each statement, probed as the engine probes PGlite. */
export interface ServerProbe {
  locks: { relation: string; kind: string; mode: string }[]
  source: 'probed' | 'known'
  rewrites: string[]
  scans: string[]
  /** The schema of the starting database, to tell what a statement left behind. */
  startingSchema: string[]
}

/** Probes every statement on a copy of the starting database; nothing it does is kept. */
export async function probeOnServer(
  server: RealServer,
  statements: readonly ConformanceStatement[],
): Promise<Map<string, ServerProbe>> {
  const name = 'conformance_probe'
  await dropDatabase(server, name)
  await createDatabase(server, name, { setupSql: conformanceSetupSql })
  const client = server.client(name)
  await client.connect()
  try {
    const { rows } = await client.query({ text: schemaFingerprintSql, rowMode: 'array' })
    const startingSchema = rows.map((row: unknown[]) => String(row[0]))
    const probes = new Map<string, ServerProbe>()
    for (const statement of statements) {
      const probe = await probeLocks(probeSessionOf(client), statement.sql)
      probes.set(statement.id, {
        locks: probe.ok ? probe.locks.map(({ relation, kind, mode }) => ({ relation, kind, mode })) : [],
        source: probe.ok ? probe.source : 'known',
        rewrites: probe.ok ? probe.rewrites : [],
        scans: probe.ok ? probe.scans : [],
        startingSchema,
      })
    }
    return probes
  } finally {
    await client.end()
    await dropDatabase(server, name)
  }
}

/**
 * The reference page's data, from the matrix's results and the server's probes: per statement,
 * what it locks, what traffic met while it held its locks, how it fared behind each kind of
 * session, what its failures left, and whether the simulator agreed.
 */
export function buildReference(
  statements: readonly ConformanceStatement[],
  results: readonly CellResult[],
  probes: ReadonlyMap<string, ServerProbe>,
  serverVersion: string,
  verifiedOn: string,
): StatementLocksReference {
  const records = statements.map((statement): StatementLockRecord => {
    const cells = results.filter((result) => result.statement === statement.id)
    const probe = probes.get(statement.id)
    const heldOpen = cells.find((cell) => cell.workload === 'held open')
    const behindReader = cells.find((cell) => cell.workload === 'idle reader')
    // a statement refused in a transaction block shows what it blocks from behind a reader
    const shown = heldOpen?.server.statement === 'ok' ? heldOpen : (behindReader ?? heldOpen)
    const blocks = Object.fromEntries(
      requestKinds.map((kind) => [kind, shown?.server.requests[kind] ?? 'free']),
    ) as Record<(typeof requestKinds)[number], RequestVerdict>
    const starting = new Set(probe?.startingSchema ?? [])
    const leaves = [
      ...new Set(
        cells.flatMap((cell) =>
          cell.server.schema.filter((line) => line.endsWith(' INVALID') && !starting.has(line)),
        ),
      ),
    ].sort()
    const notModelled = cells.find((cell) => cell.simulator.notModelled)?.simulator.notModelled
    return {
      id: statement.id,
      sql: statement.sql,
      family: statement.family,
      ...(statement.saferWay && { saferWay: statement.saferWay }),
      locks: probe?.locks ?? [],
      lockSource: probe?.source ?? 'known',
      rewrites: probe?.rewrites ?? [],
      scans: probe?.scans ?? [],
      blocks,
      outcomeBehind: Object.fromEntries(
        cells
          .filter((cell) => cell.workload !== 'held open')
          .map((cell) => [cell.workload, cell.server.statement]),
      ),
      leaves,
      cells: Object.fromEntries(cells.map((cell) => [cell.workload, cell.status])),
      ...(notModelled && { notModelled }),
    }
  })
  const count = (status: CellResult['status']) => results.filter((result) => result.status === status).length
  return {
    server: serverVersion,
    verifiedOn,
    lockTimeoutMs: cellLockTimeoutMs,
    workloads: [...workloads],
    totals: {
      cells: results.length,
      agree: count('agree'),
      disagree: count('disagree'),
      notModelled: count('not modelled'),
    },
    statements: records,
  }
}

/** What differs between a fresh reference and the recorded one, beyond the day and the server's build. */
export function referenceDrift(
  fresh: StatementLocksReference,
  recorded: StatementLocksReference | undefined,
): string[] {
  if (!recorded) return ['nothing is recorded yet']
  const drift: string[] = []
  const byId = new Map(recorded.statements.map((statement) => [statement.id, statement]))
  for (const statement of fresh.statements) {
    const before = byId.get(statement.id)
    if (!before) drift.push(`${statement.id}: not recorded`)
    else if (JSON.stringify(before) !== JSON.stringify(statement)) drift.push(`${statement.id}: changed`)
    byId.delete(statement.id)
  }
  for (const id of byId.keys()) drift.push(`${id}: recorded, no longer checked`)
  if (JSON.stringify(fresh.workloads) !== JSON.stringify(recorded.workloads))
    drift.push('the workloads changed')
  return drift
}
