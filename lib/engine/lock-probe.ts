import {
  concurrentIndexBuildOf,
  concurrentIndexDropOf,
  isTransactionForbidden,
  isTransactionStatement,
} from './statement-kind'
import { toPgError } from './pg-error'
import type {
  Field,
  LockMode,
  LockProbeResult,
  ProbedStatement,
  ProbeStatement,
  RelationLock,
  Row,
  TransactionProbe,
} from './types'
import { LOCK_MODES } from './types'

/** What the probe needs from a session; errors are thrown here and caught by the caller. */
export interface ProbeSession {
  query(
    sql: string,
    params?: readonly unknown[],
    onNotice?: (message: string) => void,
  ): Promise<{ rows: Row[]; fields: Field[]; command: string; rowCount: number }>
}

const relationKinds: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
}

// User relations only: catalogs, TOAST and the probe's own reads of pg_locks/pg_class are noise.
const userRelations = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`

const heldLocksSql = `
select case when n.nspname = 'public' then c.relname::text else n.nspname || '.' || c.relname end,
       c.relkind::text, l.mode
from pg_locks l
join pg_class c on c.oid = l.relation
join pg_namespace n on n.oid = c.relnamespace
where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted and ${userRelations}`

const storageSql = `
select case when n.nspname = 'public' then c.relname::text else n.nspname || '.' || c.relname end,
       c.relfilenode::text
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'm') and ${userRelations}`

/**
 * Runs a statement inside `BEGIN … ROLLBACK` and reads back from Postgres which table locks
 * it took (pg_locks for our own pid), which tables it rewrote (relfilenode changed, or the
 * debug1 "rewriting table" notice) and which it scanned to verify ("verifying table") —
 * the technique of the eugene migration linter. Nothing the statement did is kept.
 */
export async function probeLocks(session: ProbeSession, sql: string): Promise<LockProbeResult> {
  if (isTransactionStatement(sql)) {
    return { ok: true, locks: [], rewrites: [], scans: [], source: 'known' }
  }
  if (isTransactionForbidden(sql)) return probeKnownLocks(session, sql)
  const probe = await probeTransaction(session, [{ sql }])
  if (!probe.ok) return { ok: false, error: probe.error }
  const { locks, rewrites, scans, source } = probe.statements[0]
  return { ok: true, locks, rewrites, scans, source }
}

/**
 * Probes the statements of one transaction in order, inside a single `BEGIN … ROLLBACK`, so
 * each sees what the ones before it did (a column added, then backfilled). Each statement
 * reports the locks it added to those the transaction already held, what it rewrote or
 * scanned, and its command and row count. The first statement Postgres refuses ends the probe.
 */
export async function probeTransaction(
  session: ProbeSession,
  statements: readonly ProbeStatement[],
): Promise<TransactionProbe> {
  const probed: ProbedStatement[] = []
  await session.query('begin')
  try {
    const held = new Set<string>()
    for (const [index, { sql, params }] of statements.entries()) {
      const notices: string[] = []
      const storageBefore = new Map(
        (await session.query(storageSql)).rows.map(([name, node]) => [name, node]),
      )
      await session.query('set local client_min_messages = debug1')
      await session.query('savepoint probe')
      let outcome
      try {
        outcome = await session.query(sql, params, (message) => notices.push(message))
      } catch (thrown) {
        await session.query('rollback to savepoint probe')
        return { ok: false, statements: probed, failedIndex: index, error: toPgError(thrown) }
      }
      await session.query('release savepoint probe')
      await session.query('set local client_min_messages = notice')
      const locks = (await session.query(heldLocksSql)).rows.map(toRelationLock)
      const added = locks.filter((lock) => !held.has(lockKey(lock)))
      for (const lock of added) held.add(lockKey(lock))
      const rewritten = new Set(
        (await session.query(storageSql)).rows
          .filter(([name, node]) => storageBefore.has(name) && storageBefore.get(name) !== node)
          .flatMap(([name]) => name ?? []),
      )
      for (const name of tablesNamedIn(notices, 'rewriting table')) rewritten.add(name)
      probed.push({
        locks: sortLocks(added),
        rewrites: [...rewritten].sort(),
        scans: [...new Set(tablesNamedIn(notices, 'verifying table'))].sort(),
        source: 'probed',
        command: outcome.command,
        rowCount: outcome.rowCount,
        fields: outcome.fields,
        rows: outcome.rows,
      })
    }
    return { ok: true, statements: probed }
  } finally {
    await session.query('rollback')
  }
}

const lockKey = (lock: RelationLock) => `${lock.relation} ${lock.mode}`

function toRelationLock([relation, kind, mode]: Row): RelationLock {
  if (relation === null || kind === null || !LOCK_MODES.includes(mode as LockMode))
    throw new Error(`unknown lock ${relation} ${kind} ${mode}`)
  return { relation, kind: relationKinds[kind] ?? kind, mode: mode as LockMode }
}

function sortLocks(locks: RelationLock[]): RelationLock[] {
  const unique = new Map(locks.map((lock) => [lockKey(lock), lock]))
  return [...unique.values()].sort(
    (a, b) => a.relation.localeCompare(b.relation) || LOCK_MODES.indexOf(a.mode) - LOCK_MODES.indexOf(b.mode),
  )
}

function tablesNamedIn(notices: string[], verb: string): string[] {
  const pattern = new RegExp(`^${verb} "([^"]+)"`)
  return notices.flatMap((message) => pattern.exec(message)?.[1] ?? [])
}

// Statements that Postgres refuses inside a transaction cannot be probed. CREATE/DROP INDEX
// CONCURRENTLY take SHARE UPDATE EXCLUSIVE on the table (docs: CREATE INDEX, "Building
// Indexes Concurrently"; DROP INDEX), which is what we report; the rest are refused.
async function probeKnownLocks(session: ProbeSession, sql: string): Promise<LockProbeResult> {
  const known = (relation: string): LockProbeResult => ({
    ok: true,
    locks: [{ relation: unquote(relation), kind: 'table', mode: 'ShareUpdateExclusiveLock' }],
    rewrites: [],
    scans: [],
    source: 'known',
  })
  const build = concurrentIndexBuildOf(sql)
  if (build) return known(build.table)
  const dropped = concurrentIndexDropOf(sql)
  if (dropped !== undefined) {
    const { rows } = await session.query(
      `select indrelid::regclass::text from pg_index where indexrelid = to_regclass('${dropped.replace(/'/g, "''")}')`,
    )
    if (rows.length > 0 && rows[0][0] !== null) return known(rows[0][0])
  }
  return {
    ok: false,
    error: {
      code: '25001',
      message: 'this statement cannot run inside a transaction block, so its locks cannot be probed',
    },
  }
}

function unquote(name: string): string {
  return name.replace(/"/g, '')
}
