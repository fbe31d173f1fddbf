import { normalizeStatement } from './statement-kind'
import type { RelationLock, Row, RowLockSet } from './types'

/** What the row-lock probe needs from a session: one query, rows as text. */
interface RowQuerySession {
  query(sql: string): Promise<{ rows: Row[] }>
}

// the identity rows are locked by: a one-column primary key, or else a column named id
const primaryKeySql = (table: string) => `
select a.attname::text
from pg_index i
join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
where i.indrelid = to_regclass('${table.replace(/'/g, "''")}') and i.indisprimary and i.indnkeyatts = 1
union all
select attname::text from pg_attribute
where attrelid = to_regclass('${table.replace(/'/g, "''")}') and attname = 'id' and not attisdropped
limit 1`

/** Whether a statement, by its text, can lock rows: UPDATE, DELETE, MERGE, SELECT … FOR UPDATE/SHARE. */
export function mayLockRows(sql: string): boolean {
  const statement = normalizeStatement(sql)
  return (
    /^(update|delete|merge|with)\b/.test(statement) ||
    (/^select\b/.test(statement) && /\bfor (no key )?(update|share|key share)\b/.test(statement))
  )
}

/**
 * The keys of every row of `table`, to compare before and after a statement that deletes:
 * deleted rows cannot be seen afterwards, so what is gone is what it deleted.
 */
export async function rowKeysOf(
  session: RowQuerySession,
  table: string,
  key: string | null | undefined = undefined,
): Promise<Set<string> | undefined> {
  key ??= (await session.query(primaryKeySql(table))).rows[0]?.[0]
  if (!key) return undefined
  const { rows } = await session.query(`select ${quoteName(key)}::text from ${table}`)
  return new Set(rows.map(([value]) => `${key}=${value}`))
}

/**
 * The rows a statement just locked in the probe's transaction, for each table it took a row
 * lock on: rows it wrote carry its (sub)transaction's id as xmin, rows it locked as xmax, and
 * rows it deleted are missing from `before`. PGlite has no other session, so every id from
 * `firstXid` on — the probe's own, taken before its first such statement — is the probe's. Rows locked by earlier statements of the same
 * transaction (`already`) are left out. A table without a one-column primary key or an `id` is locked
 * whole, as the model cannot name its rows.
 */
export async function probeRowLocks(
  session: RowQuerySession,
  firstXid: string,
  locks: RelationLock[],
  before: Map<string, Set<string> | undefined>,
  already: Map<string, Set<string>>,
): Promise<RowLockSet[]> {
  const tables = [
    ...new Set(
      locks
        .filter(
          (lock) =>
            lock.kind === 'table' && (lock.mode === 'RowExclusiveLock' || lock.mode === 'RowShareLock'),
        )
        .map((lock) => lock.relation),
    ),
  ]
  const found: RowLockSet[] = []
  for (const table of tables) {
    const key = (await session.query(primaryKeySql(table))).rows[0]?.[0]
    if (!key) {
      found.push({ table, keys: 'all' })
      continue
    }
    const column = quoteName(key)
    const { rows } = await session.query(
      `select ${column}::text from ${table}
       where xmin::text::bigint >= ${firstXid} or xmax::text::bigint >= ${firstXid}`,
    )
    const keys = new Set(rows.map(([value]) => `${key}=${value}`))
    const deletedFrom = before.get(table)
    if (deletedFrom) {
      const now = await rowKeysOf(session, table, key)
      for (const previous of deletedFrom) if (!now?.has(previous)) keys.add(previous)
    }
    const earlier = already.get(table) ?? new Set<string>()
    const added = [...keys].filter((candidate) => !earlier.has(candidate))
    for (const candidate of added) earlier.add(candidate)
    already.set(table, earlier)
    if (added.length > 0) found.push({ table, keys: added })
  }
  return found
}

const appKey =
  /^(?:update|delete from) (?:only )?([a-z_][\w$.]*)\b.* where ([a-z_][\w$]*) = (\$\d+|\d+|'[^']*')$/

/**
 * The row an app's statement locks, when it updates or deletes one row by a column equal to a
 * parameter or a literal (`update users set … where id = $1`); undefined for any other shape.
 */
export function rowLockOfKeyedWrite(sql: string, params: readonly unknown[]): RowLockSet | undefined {
  const match = appKey.exec(normalizeStatement(sql))
  if (!match) return undefined
  const [, table, column, value] = match
  const resolved = value.startsWith('$')
    ? params[Number(value.slice(1)) - 1]
    : value.replace(/^'(.*)'$/, '$1')
  if (resolved === undefined || resolved === null) return undefined
  return { table, keys: [`${column}=${String(resolved)}`] }
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** Gives the probe's transaction its id, so the ids of its savepoints come after it. */
export async function takeTransactionId(session: RowQuerySession): Promise<string> {
  const { rows } = await session.query('select pg_current_xact_id()::text')
  return rows[0]?.[0] ?? '0'
}
