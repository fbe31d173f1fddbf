import { mayLockRows, probeRowLocks, rowKeysOf, takeTransactionId } from './row-locks'
import {
  isTransactionForbidden,
  isTransactionStatement,
  normalizeStatement,
  outsideTransactionFormOf,
} from './statement-kind'
import { toPgError } from './pg-error'
import type {
  Field,
  LockMode,
  LockProbeResult,
  ProbedStatement,
  ProbeStatement,
  PgNotice,
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
    onNotice?: (notice: PgNotice) => void,
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

// By oid, not by name: a statement that renames or drops a table has locked it under the name
// it had, which is the name every other session asks for it by.
const heldLocksSql = `
select l.relation::text, l.mode
from pg_locks l
where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted`

// every user relation, with the storage a rewrite replaces
const relationsSql = `
select c.oid::text,
       case when n.nspname = 'public' then c.relname::text else n.nspname || '.' || c.relname end,
       c.relkind::text, c.relfilenode::text, t.relname::text
from pg_class c join pg_namespace n on n.oid = c.relnamespace
left join pg_index i on i.indexrelid = c.oid
left join pg_class t on t.oid = i.indrelid
where ${userRelations}`

interface RelationFacts {
  name: string
  kind: string
  storage: string
  /** An index's table. */
  table?: string
}

async function userRelationsOf(session: ProbeSession): Promise<Map<string, RelationFacts>> {
  const { rows } = await session.query(relationsSql)
  return new Map(
    rows.flatMap(([oid, name, kind, storage, table]) =>
      oid === null || name === null || kind === null
        ? []
        : [[oid, { name, kind, storage: storage ?? '', ...(table !== null && { table }) }]],
    ),
  )
}

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
  const { locks, rewrites, scans, source, rebuilds } = probe.statements[0]
  return { ok: true, locks, rewrites, scans, source, ...(rebuilds && { rebuilds }) }
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
    const rowsLocked = new Map<string, Set<string>>()
    let firstXid: string | undefined
    for (const [index, { sql, params }] of statements.entries()) {
      const notices: PgNotice[] = []
      const before = await userRelationsOf(session)
      const deleteTarget = deleteTargetOf(sql)
      const keysBefore = new Map<string, Set<string> | undefined>()
      if (deleteTarget !== undefined) keysBefore.set(deleteTarget, await rowKeysOf(session, deleteTarget))
      if (mayLockRows(sql)) firstXid ??= await takeTransactionId(session)
      await session.query('set local client_min_messages = debug1')
      await session.query('savepoint probe')
      let outcome
      try {
        outcome = await session.query(sql, params, (notice) => notices.push(notice))
      } catch (thrown) {
        await session.query('rollback to savepoint probe')
        return { ok: false, statements: probed, failedIndex: index, error: toPgError(thrown) }
      }
      await session.query('release savepoint probe')
      await session.query('set local client_min_messages = notice')
      const after = await userRelationsOf(session)
      const locks = (await session.query(heldLocksSql)).rows.flatMap(([oid, mode]) => {
        const relation = before.get(oid ?? '') ?? after.get(oid ?? '')
        return relation ? [toRelationLock(relation, mode)] : []
      })
      const added = locks.filter((lock) => !held.has(lockKey(lock)))
      for (const lock of added) held.add(lockKey(lock))
      const rewritten = new Set(
        [...before]
          .filter(
            ([oid, relation]) =>
              isTable(relation) && after.has(oid) && after.get(oid)?.storage !== relation.storage,
          )
          .map(([, relation]) => relation.name),
      )
      for (const name of tablesNamedIn(notices, 'rewriting table')) rewritten.add(name)
      // REINDEX gives an index new storage without rewriting its table: a rebuild
      const rebuilds = [...before]
        .filter(([oid, relation]) => {
          const now = after.get(oid)
          return (
            relation.table !== undefined &&
            now &&
            now.storage !== relation.storage &&
            !rewritten.has(relation.table)
          )
        })
        .map(([, relation]) => ({ index: relation.name, table: relation.table ?? '' }))
      const said = notices.filter((notice) => !notice.severity.startsWith('DEBUG'))
      const rowLocks =
        firstXid !== undefined && mayLockRows(sql)
          ? await probeRowLocks(session, firstXid, locks, keysBefore, rowsLocked)
          : []
      probed.push({
        ...(rowLocks.length > 0 && { rowLocks }),
        locks: sortLocks(added),
        rewrites: [...rewritten].sort(),
        ...(rebuilds.length > 0 && { rebuilds }),
        scans: [...new Set(tablesNamedIn(notices, 'verifying table'))].sort(),
        source: 'probed',
        command: outcome.command,
        rowCount: outcome.rowCount,
        fields: outcome.fields,
        rows: outcome.rows,
        ...(said.length > 0 && { notices: said }),
      })
    }
    return { ok: true, statements: probed }
  } finally {
    await session.query('rollback')
  }
}

const lockKey = (lock: RelationLock) => `${lock.relation} ${lock.mode}`

function toRelationLock(relation: RelationFacts, mode: string | null): RelationLock {
  if (!LOCK_MODES.includes(mode as LockMode)) throw new Error(`unknown lock ${relation.name} ${mode}`)
  return {
    relation: relation.name,
    kind: relationKinds[relation.kind] ?? relation.kind,
    mode: mode as LockMode,
  }
}

// tables and materialized views have storage a rewrite replaces; an index rebuilt is not a rewrite
const isTable = (relation: RelationFacts) => relation.kind === 'r' || relation.kind === 'm'

function sortLocks(locks: RelationLock[]): RelationLock[] {
  const unique = new Map(locks.map((lock) => [lockKey(lock), lock]))
  return [...unique.values()].sort(
    (a, b) => a.relation.localeCompare(b.relation) || LOCK_MODES.indexOf(a.mode) - LOCK_MODES.indexOf(b.mode),
  )
}

function tablesNamedIn(notices: PgNotice[], verb: string): string[] {
  const pattern = new RegExp(`^${verb} "([^"]+)"`)
  return notices.flatMap(({ message }) => pattern.exec(message)?.[1] ?? [])
}

// Statements that Postgres refuses inside a transaction cannot be probed: the lock each form
// takes first, as documented, stands in (docs: CREATE INDEX "Building Indexes Concurrently",
// DROP INDEX, REINDEX, VACUUM, ALTER TABLE … DETACH PARTITION). Their later phases are the
// simulator's to model (lib/sim/phased-statements.ts).
async function probeKnownLocks(session: ProbeSession, sql: string): Promise<LockProbeResult> {
  const form = outsideTransactionFormOf(sql)
  const known = (relations: string[], mode: LockMode, rewrites: string[] = []): LockProbeResult => ({
    ok: true,
    locks: relations.map((relation) => ({ relation: unquote(relation), kind: 'table', mode })),
    rewrites,
    scans: [],
    source: 'known',
  })
  switch (form?.kind) {
    case 'create index concurrently':
      return known([form.table], 'ShareUpdateExclusiveLock')
    case 'drop index concurrently':
    case 'reindex concurrently': {
      const name = form.kind === 'drop index concurrently' ? form.index : form.name
      const table =
        form.kind === 'reindex concurrently' && form.target === 'table'
          ? name
          : await tableOfIndex(session, name)
      if (table !== undefined) return known([table], 'ShareUpdateExclusiveLock')
      return { ok: false, error: { code: '42P01', message: `relation "${unquote(name)}" does not exist` } }
    }
    case 'vacuum': {
      const tables = form.tables.length > 0 ? form.tables : await everyTable(session)
      return form.full
        ? known(tables, 'AccessExclusiveLock', tables.map(unquote))
        : known(tables, 'ShareUpdateExclusiveLock')
    }
    case 'detach partition concurrently':
      return known([form.parent, form.partition], 'ShareUpdateExclusiveLock')
    default:
      // CREATE DATABASE, ALTER SYSTEM, REINDEX SCHEMA … CONCURRENTLY: no table lock documented
      // that a lesson's traffic would notice, and the simulator says it does not model them
      return { ok: true, locks: [], rewrites: [], scans: [], source: 'known' }
  }
}

async function tableOfIndex(session: ProbeSession, index: string): Promise<string | undefined> {
  const { rows } = await session.query(
    `select indrelid::regclass::text from pg_index where indexrelid = to_regclass('${index.replace(/'/g, "''")}')`,
  )
  return rows[0]?.[0] ?? undefined
}

async function everyTable(session: ProbeSession): Promise<string[]> {
  const { rows } = await session.query(
    `select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm') and n.nspname = 'public' order by 1`,
  )
  return rows.flatMap(([name]) => name ?? [])
}

// DELETE FROM t …: the table whose rows it may delete
function deleteTargetOf(sql: string): string | undefined {
  return /^delete from (?:only )?([a-z_][\w$.]*)/.exec(normalizeStatement(sql))?.[1]
}

function unquote(name: string): string {
  return name.replace(/"/g, '')
}
