import type { PgError, PgNotice, ProbeStatement, RunResult, TransactionProbe } from '../../engine'
import type { SimulationState } from '../simulation-state'
import { catalogRowsOf } from './catalog-rows'
import {
  catalogRequestPrefix,
  catalogSchema,
  catalogSettings,
  createCatalogSql,
  rewriteCatalogReferences,
  type CatalogRewrite,
} from './catalog-sql'

/** What a statement asked of the simulation through the catalog's functions. */
export interface CatalogRequest {
  action: 'terminate' | 'cancel'
  pid: number
}

/**
 * Probes statements in PGlite as the session `ownPid` runs them in the simulation: a statement
 * naming the catalog reads the simulated sessions and locks as they stand now. An error's
 * position is in the statement as written.
 */
export async function probeInSimulation(
  sim: SimulationState,
  ownPid: number | undefined,
  statements: readonly ProbeStatement[],
): Promise<TransactionProbe> {
  sim.announceRealWork(ownPid, statements.map((statement) => statement.sql).join(';\n'))
  const rewrites = statements.map((statement) => rewriteCatalogReferences(statement.sql))
  if (rewrites.every((rewrite) => rewrite === undefined)) return sim.database.probeTransaction(statements)
  await fillCatalog(sim, ownPid)
  const probe = await sim.database.probeTransaction(
    statements.map((statement, index) => ({ ...statement, sql: rewrites[index]?.sql ?? statement.sql })),
  )
  if (probe.ok) return probe
  return { ...probe, error: positionedIn(probe.error, rewrites[probe.failedIndex]) }
}

/** Runs one statement in PGlite as `probeInSimulation` probes it. */
export async function runInSimulation(
  sim: SimulationState,
  ownPid: number | undefined,
  sql: string,
): Promise<RunResult> {
  sim.announceRealWork(ownPid, sql)
  const rewrite = rewriteCatalogReferences(sql)
  if (!rewrite) return sim.database.run(sql)
  await fillCatalog(sim, ownPid)
  const result = await sim.database.run(rewrite.sql)
  return result.ok ? result : { ...result, error: positionedIn(result.error, rewrite) }
}

/** The requests among a statement's notices. */
export function catalogRequestsIn(notices: readonly PgNotice[] | undefined): CatalogRequest[] {
  return (notices ?? []).flatMap(({ message }) => {
    if (!message.startsWith(catalogRequestPrefix)) return []
    const [action, pid] = message.slice(catalogRequestPrefix.length).split(' ')
    return action === 'terminate' || action === 'cancel' ? [{ action, pid: Number(pid) }] : []
  })
}

/** What Postgres said that the learner should see: the catalog's requests are the simulation's business. */
export function visibleNotices(notices: readonly PgNotice[] | undefined): PgNotice[] {
  return (notices ?? []).filter(({ message }) => !message.startsWith(catalogRequestPrefix))
}

/** A result with only the notices the learner should see. */
export function withVisibleNotices(result: RunResult): RunResult {
  if (!result.ok || !result.notices) return result
  const visible = visibleNotices(result.notices)
  return { ...result, notices: visible.length > 0 ? visible : undefined }
}

// The rows go in as session settings just before the statement: nothing is written to the
// database, and the schema is created again if a restore took it away.
async function fillCatalog(sim: SimulationState, ownPid: number | undefined): Promise<void> {
  const rows = catalogRowsOf(sim, ownPid)
  const filled = await sim.database.query(
    `select set_config('${catalogSettings.activity}', $1, false),
            set_config('${catalogSettings.locks}', $2, false),
            set_config('${catalogSettings.blocking}', $3, false),
            set_config('${catalogSettings.pid}', $4, false),
            to_regnamespace('${catalogSchema}') is not null`,
    [JSON.stringify(rows.activity), JSON.stringify(rows.locks), JSON.stringify(rows.blocking), ownPid ?? ''],
  )
  const hasSchema = filled.ok && filled.rows[0]?.[4] === 't'
  if (!hasSchema) await sim.database.run(createCatalogSql)
}

function positionedIn(error: PgError, rewrite: CatalogRewrite | undefined): PgError {
  if (!rewrite || error.position === undefined) return error
  return { ...error, position: rewrite.toOriginalPosition(error.position) }
}

/** Acts on what a statement asked through the catalog's functions, once it has run. */
export function signalCatalogRequests(sim: SimulationState, notices: readonly PgNotice[] | undefined): void {
  for (const { action, pid } of catalogRequestsIn(notices)) sim.at(0, { kind: 'signal', action, owner: pid })
}
