import {
  buildsIndex,
  isReadCommand,
  isRowWriteCommand,
  sleepSecondsOf,
  type LockProbe,
  type ProbedStatement,
} from '../engine'

/**
 * The one place modelled durations come from. Virtual time never depends on how fast this
 * machine ran PGlite: a statement's cost is its operation class, as Postgres revealed it in
 * the lock probe, times the declared production size of the table it touched. The per-row
 * figures of rewrites, scans, index builds and VACUUM are fitted to a real PostgreSQL 18
 * server's timings at 100 k, 300 k and 1 M rows (`npm run calibrate`, recorded in
 * content/reference/cost-calibration.json with the fit's error at each size; cost-model.test.ts
 * holds these figures to that record). They are meant to be right within a factor of two,
 * which is what a lesson needs to show "instant" against "minutes".
 */
export const costModel = {
  /** An app read once its locks are granted. */
  appReadMs: 2,
  /** An app write once its locks are granted. */
  appWriteMs: 3,
  /** Catalog-only DDL: ADD COLUMN without a volatile default, DROP, RENAME, SET DEFAULT. */
  metadataOnlyMs: 5,
  /** A rewrite copies every row and rebuilds every index (ADD COLUMN DEFAULT random()). */
  rewriteMicrosPerRow: 1.5,
  /** A full scan that verifies a constraint (SET NOT NULL, ADD CHECK, VALIDATE). */
  verifyScanMicrosPerRow: 0.11,
  /** CREATE INDEX, or REINDEX of one index: a scan and a sort. */
  indexBuildMicrosPerRow: 0.48,
  /**
   * VACUUM of a table whose rows were a tenth updated: it reads the pages not all-visible and
   * prunes; it blocks neither reads nor writes.
   */
  vacuumMicrosPerRow: 0.17,
  /** CREATE INDEX CONCURRENTLY scans the table twice. */
  concurrentIndexFactor: 2,
  /** Each row an UPDATE, INSERT or DELETE writes in a migration or backfill. */
  rowWriteMicros: 10,
  /** A read in a migration or session: planning plus what it returns. */
  migrationReadMs: 1,
  /**
   * A stopped Postgres starting again, until it accepts connections: requests meanwhile still
   * fail to connect. A clean restart with little to replay; the real server in the course's
   * check took about 50 ms on its empty cluster, a production one longer.
   */
  databaseStartMs: 300,
} as const

/** How big a table is in production, and in the sample database PGlite really holds. */
export interface TableSize {
  declaredRows: number
  sampleRows: number
}

/** The operation class a statement falls in, for the cost model and for people. */
export type OperationClass = 'metadata only' | 'rewrite' | 'scan' | 'index build' | 'rows written' | 'read'

/** The class of a probed statement: what Postgres revealed about it decides where it can. */
export function classifyStatement(
  sql: string,
  probe: Pick<ProbedStatement, 'command' | 'rewrites' | 'scans' | 'rebuilds'>,
): OperationClass {
  if (probe.rewrites.length > 0) return 'rewrite'
  // by its text: PGlite reports only the first word of a command tag (CREATE, not CREATE INDEX)
  if (buildsIndex(sql) || (probe.rebuilds?.length ?? 0) > 0) return 'index build'
  if (probe.scans.length > 0) return 'scan'
  if (isRowWriteCommand(probe.command)) return 'rows written'
  if (isReadCommand(probe.command)) return 'read'
  return 'metadata only'
}

/** Modelled µs a migration statement takes once its locks are granted; `pg_sleep(n)` adds n s. */
export function migrationStatementMicros(
  sql: string,
  probe: Pick<ProbedStatement, 'command' | 'rewrites' | 'scans' | 'rebuilds' | 'rowCount'> &
    Pick<LockProbe, 'locks' | 'source'>,
  sizeOf: (table: string) => TableSize,
): number {
  return statementWorkMicros(sql, probe, sizeOf) + sleepSecondsOf(sql) * 1_000_000
}

function statementWorkMicros(
  sql: string,
  probe: Pick<ProbedStatement, 'command' | 'rewrites' | 'scans' | 'rebuilds' | 'rowCount'> &
    Pick<LockProbe, 'locks' | 'source'>,
  sizeOf: (table: string) => TableSize,
): number {
  const declared = (table: string) => sizeOf(table).declaredRows
  const firstTable = probe.locks.find((lock) => lock.kind === 'table')?.relation
  switch (classifyStatement(sql, probe)) {
    case 'rewrite':
      return sum(probe.rewrites.map((table) => declared(table) * costModel.rewriteMicrosPerRow))
    case 'index build': {
      // REINDEX: each index it rebuilt, at its table's size; CREATE INDEX: the table's
      if (probe.rebuilds && probe.rebuilds.length > 0)
        return sum(probe.rebuilds.map(({ table }) => declared(table) * costModel.indexBuildMicrosPerRow))
      const rows = firstTable ? declared(firstTable) : 0
      const factor = probe.source === 'known' ? costModel.concurrentIndexFactor : 1
      return Math.max(1000, rows * costModel.indexBuildMicrosPerRow * factor)
    }
    case 'scan':
      return sum(probe.scans.map((table) => declared(table) * costModel.verifyScanMicrosPerRow))
    case 'rows written': {
      const written = probe.locks.find((lock) => lock.kind === 'table' && lock.mode === 'RowExclusiveLock')
      const size = written ? sizeOf(written.relation) : { declaredRows: 1, sampleRows: 1 }
      const scale = size.sampleRows > 0 ? size.declaredRows / size.sampleRows : 1
      return Math.max(1000, probe.rowCount * scale * costModel.rowWriteMicros)
    }
    case 'read':
      return costModel.migrationReadMs * 1000
    case 'metadata only':
      return costModel.metadataOnlyMs * 1000
  }
}

/** Modelled µs an app statement takes once its locks are granted. */
export function appStatementMicros(costMs: number | undefined, isWrite: boolean): number {
  return Math.round((costMs ?? (isWrite ? costModel.appWriteMs : costModel.appReadMs)) * 1000)
}

function sum(values: number[]): number {
  return Math.max(1000, Math.round(values.reduce((total, value) => total + value, 0)))
}
