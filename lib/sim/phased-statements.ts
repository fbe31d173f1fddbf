import {
  isTransactionStatement,
  normalizeStatement,
  outsideTransactionFormOf,
  type LockMode,
  type RelationLock,
} from '../engine'
import { costModel } from './cost-model'
import { currentSql } from './operator-run'
import type { SimulationState } from './simulation-state'

/**
 * One phase of a statement Postgres runs as several transactions of its own. Its first lock is
 * held from the first phase to the last (a session lock); between phases it waits for other
 * transactions to end, works, or commits something a later failure leaves behind.
 */
export type Phase =
  /** Queues for these locks, as any statement does (`lock_timeout` applies). */
  | { kind: 'lock'; locks: RelationLock[] }
  /**
   * Waits for every transaction that holds a lock on the table conflicting with `mode` to end
   * (lmgr.c, WaitForLockers; `lock_timeout` applies to each wait).
   */
  | { kind: 'wait for lockers'; table: string; mode: LockMode }
  /**
   * Waits for every transaction that holds a snapshot to end: a REPEATABLE READ or SERIALIZABLE
   * transaction that has run a statement, or any session running one (indexcmds.c,
   * WaitForOlderSnapshots). A READ COMMITTED session idle in its transaction holds none.
   */
  | { kind: 'wait for snapshots'; table: string }
  /** Works for a modelled span: a build, a validation scan, a rewrite. */
  | { kind: 'work'; micros: number }
  /** Commits what a failure from here on leaves behind. */
  | { kind: 'commit point'; leaves: Leftover }

/** What a phased statement that fails leaves in the database. */
export type Leftover =
  /** CREATE INDEX CONCURRENTLY's index, INVALID: unused by queries, kept up to date by writes. */
  | { kind: 'invalid index'; sql: string; table: string; index?: string }
  /** DROP INDEX CONCURRENTLY's index, marked INVALID and not dropped. */
  | { kind: 'index marked invalid'; index: string }
  /** REINDEX CONCURRENTLY before its swap: a copy of each index, `<name>_ccnew`, INVALID. */
  | { kind: 'reindex copies'; indexes: string[] }
  /** REINDEX CONCURRENTLY after its swap: the old index of each, `<name>_ccold`, INVALID. */
  | { kind: 'reindex old indexes'; indexes: string[] }
  /** Something the model cannot put in PGlite: the run says so, with Postgres's documentation. */
  | { kind: 'not modelled'; reason: string }

/** The plan of a statement that cannot run in a transaction block, or why it cannot be made. */
export type PhasePlan = { ok: true; phases: Phase[] } | { ok: false; reason: string }

/**
 * The phases of a statement that cannot run in a transaction block, from its documented
 * algorithm; `locks` are what the engine reports it takes first. Durations come from the cost
 * model on the tables' declared rows.
 */
export async function planPhases(
  sim: SimulationState,
  sql: string,
  locks: RelationLock[],
): Promise<PhasePlan> {
  const form = outsideTransactionFormOf(sql)
  const table = locks[0]?.relation ?? ''
  const rows = sim.sizeOf(table).declaredRows
  const build = Math.max(1000, rows * costModel.indexBuildMicrosPerRow)
  const lock: Phase = { kind: 'lock', locks }
  // docs: "Building Indexes Concurrently" — a catalog entry, then a build and a validation, each
  // after every transaction that could write the table without knowing of the index has ended,
  // and at the end every transaction with an older snapshot
  const buildAndValidate: Phase[] = [
    { kind: 'wait for lockers', table, mode: 'ShareLock' },
    { kind: 'work', micros: build },
    { kind: 'wait for lockers', table, mode: 'ShareLock' },
    { kind: 'work', micros: build * (costModel.concurrentIndexFactor - 1) },
    { kind: 'wait for snapshots', table },
  ]
  // DROP INDEX CONCURRENTLY and the end of REINDEX CONCURRENTLY: every transaction that uses
  // the table in any mode must end, twice, before the index can be dropped (index.c, index_drop)
  const waitForEveryUser: Phase[] = [
    { kind: 'wait for lockers', table, mode: 'AccessExclusiveLock' },
    { kind: 'wait for lockers', table, mode: 'AccessExclusiveLock' },
  ]
  switch (form?.kind) {
    case 'create index concurrently': {
      const leaves: Leftover = {
        kind: 'invalid index',
        sql,
        table,
        ...(form.index !== undefined && { index: form.index }),
      }
      return { ok: true, phases: [lock, { kind: 'commit point', leaves }, ...buildAndValidate] }
    }
    case 'drop index concurrently':
      return {
        ok: true,
        phases: [
          lock,
          { kind: 'commit point', leaves: { kind: 'index marked invalid', index: form.index } },
          ...waitForEveryUser,
        ],
      }
    case 'reindex concurrently': {
      const indexes = form.target === 'index' ? [form.name] : await indexesOf(sim, form.name)
      return {
        ok: true,
        phases: [
          lock,
          { kind: 'commit point', leaves: { kind: 'reindex copies', indexes } },
          ...buildAndValidate.map((phase) =>
            phase.kind === 'work' ? { ...phase, micros: phase.micros * indexes.length } : phase,
          ),
          { kind: 'commit point', leaves: { kind: 'reindex old indexes', indexes } },
          ...waitForEveryUser,
        ],
      }
    }
    case 'vacuum': {
      const tables = locks.map((held) => held.relation)
      const perRow = form.full ? costModel.rewriteMicrosPerRow : costModel.vacuumMicrosPerRow
      const micros = tables.reduce((total, name) => total + sim.sizeOf(name).declaredRows * perRow, 0)
      return { ok: true, phases: [lock, { kind: 'work', micros: Math.max(1000, micros) }] }
    }
    case 'detach partition concurrently':
      // docs: ALTER TABLE "DETACH PARTITION … CONCURRENTLY": the partition is marked detach
      // pending and committed, then every transaction using the parent must end
      return {
        ok: true,
        phases: [
          lock,
          {
            kind: 'commit point',
            leaves: {
              kind: 'not modelled',
              reason:
                'DETACH PARTITION … CONCURRENTLY marks the partition "detach pending" and commits before it waits: from then on new rows for it fail (23514), and if it fails the partition stays pending until ALTER TABLE … DETACH PARTITION … FINALIZE. The simulator cannot put a partition in that state.',
            },
          },
          { kind: 'wait for lockers', table, mode: 'AccessExclusiveLock' },
          { kind: 'lock', locks: [{ relation: form.partition, kind: 'table', mode: 'AccessExclusiveLock' }] },
        ],
      }
    default:
      return {
        ok: false,
        reason: 'Postgres runs it outside any transaction block, and it touches nothing the simulator models',
      }
  }
}

async function indexesOf(sim: SimulationState, table: string): Promise<string[]> {
  const listed = await sim.database.run(
    `select indexrelid::regclass::text from pg_index where indrelid = to_regclass('${table.replace(/'/g, "''")}') order by 1`,
  )
  return listed.ok ? listed.rows.flatMap(([name]) => name ?? []) : []
}

/**
 * Who holds a snapshot now, for a concurrent build's last wait: app requests taking their locks
 * or running, operator sessions running a statement, and sessions at REPEATABLE READ or
 * SERIALIZABLE that have run one in their open transaction.
 */
export function snapshotHolders(sim: SimulationState): Set<number> {
  const holders = new Set<number>()
  for (const state of sim.versions.values()) {
    for (const connection of state.connections) {
      const phase = connection.request?.phase
      if (phase === 'locking' || phase === 'running') holders.add(connection.owner)
    }
  }
  for (const run of sim.operatorRuns) {
    if (run.phases) continue
    // a statement takes its snapshot before it locks (exec_simple_query, PortalRunUtility), but
    // for those that need none: LOCK TABLE, SET, SHOW, transaction control; a run between two
    // statements (a retry's backoff) holds none
    const sql = currentSql(run)
    const needsNoSnapshot =
      /^(lock|set|reset|show)\b/.test(normalizeStatement(sql)) || isTransactionStatement(sql)
    const isRunningStatement = !run.isHolding && run.probe !== undefined && !needsNoSnapshot
    const hasRunStatement = run.isHolding || run.statementIndex > 0
    if (isRunningStatement || (run.isolation !== 'read committed' && hasRunStatement)) holders.add(run.owner)
  }
  const console = sim.console
  if (
    console &&
    (console.pending || (console.transaction !== 'idle' && console.isolation !== 'read committed'))
  )
    holders.add(console.owner)
  return holders
}

/**
 * Puts what a failed phased statement left behind into PGlite, as Postgres would have it:
 * the index and its catalog row marked INVALID.
 */
export async function leaveBehind(
  sim: SimulationState,
  leftover: Leftover,
  { whileDown = false }: { whileDown?: boolean } = {},
): Promise<void> {
  if (sim.databaseState === 'down' && !whileDown) return
  const quote = (name: string) => `'${name.replace(/'/g, "''")}'`
  const markInvalid = (index: string) =>
    sim.database.run(`update pg_index set indisvalid = false where indexrelid = to_regclass(${quote(index)})`)
  switch (leftover.kind) {
    case 'invalid index': {
      // a unique build that failed on duplicate rows leaves its index too: built here without
      // UNIQUE, as nothing reads an INVALID index; an unnamed one is found by what is new
      const before = await indexesOf(sim, leftover.table)
      let built = await sim.database.run(leftover.sql)
      if (!built.ok) built = await sim.database.run(leftover.sql.replace(/^(\s*create\s+)unique\s+/i, '$1'))
      if (!built.ok) break
      const index =
        leftover.index ?? (await indexesOf(sim, leftover.table)).find((name) => !before.includes(name))
      if (index) await markInvalid(index)
      break
    }
    case 'index marked invalid':
      await markInvalid(leftover.index)
      break
    case 'reindex copies':
    case 'reindex old indexes':
      for (const index of leftover.indexes) {
        const definition = await sim.database.run(`select pg_get_indexdef(to_regclass(${quote(index)}))`)
        const sql = definition.ok ? definition.rows[0]?.[0] : undefined
        if (!sql) continue
        const bare = index.replace(/^.*\./, '').replace(/"/g, '')
        if (leftover.kind === 'reindex copies') {
          const copy = `${bare}_ccnew`
          await sim.database.run(sql.replace(/^(CREATE (?:UNIQUE )?INDEX )\S+/, `$1${copy}`))
          await markInvalid(copy)
        } else {
          const old = `${bare}_ccold`
          await sim.database.run(`alter index ${index} rename to ${old}`)
          await sim.database.run(sql)
          await markInvalid(old)
        }
      }
      break
    case 'not modelled':
      break
  }
  sim.statementLocks.clear()
}
