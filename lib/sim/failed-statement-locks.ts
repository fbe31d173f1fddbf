import { normalizeStatement, type LockMode } from '../engine'

/**
 * The tables a statement names and the lock each gets, for a statement Postgres refused.
 * Parse analysis opens and locks every table it names before it resolves a column, so a
 * statement that fails with 42703 still waits in each table's queue first (parser:
 * parserOpenTable; seen on a real PostgreSQL 18 server). PGlite cannot show the locks of a
 * statement that failed — its transaction is aborted, and a savepoint gives them back — so the
 * names in its text stand in: the target of INSERT, UPDATE, DELETE or MERGE gets ROW
 * EXCLUSIVE, every other table AccessShare.
 */
export function tablesNamedBy(sql: string): { name: string; mode: LockMode }[] {
  const statement = normalizeStatement(sql)
  const writes = /^(insert|update|delete|merge)\b/.test(statement)
  const named: { name: string; mode: LockMode }[] = []
  const pattern = /\b(from|join|into|update|using)\s+(?:only\s+)?("[^"]+"|[a-z_][\w$]*(?:\.[a-z_][\w$]*)?)/g
  let first = true
  for (const match of statement.matchAll(pattern)) {
    const name = match[2]
    const isTarget = writes && first && match[1] !== 'using' && match[1] !== 'join'
    first = false
    if (!named.some((table) => table.name === name))
      named.push({ name, mode: isTarget ? 'RowExclusiveLock' : 'AccessShareLock' })
  }
  return named
}

// a name as written, quoted or not, schema-qualified or not
const name = String.raw`("[^"]+"|[a-z_][\w$]*(?:\.[a-z_][\w$]*)?)`
const alterTable = new RegExp(String.raw`^alter table (?:if exists )?(?:only )?${name}`)
const createIndex = new RegExp(
  String.raw`^create (?:unique )?index (?:if not exists )?(?:\S+ )?on (?:only )?${name}`,
)
const dropOrTruncate = new RegExp(
  String.raw`^(?:drop table (?:if exists )?|truncate (?:table )?(?:only )?)${name}`,
)

/**
 * The locks a statement Postgres refused had waited for before it failed. DDL takes its lock
 * before it checks anything against the data, so an ADD COLUMN … NOT NULL that will fail with
 * 23502 first queues for ACCESS EXCLUSIVE (tablecmds.c, AlterTableGetLockLevel: VALIDATE
 * CONSTRAINT takes SHARE UPDATE EXCLUSIVE, a foreign key SHARE ROW EXCLUSIVE, the rest ACCESS
 * EXCLUSIVE). Any other statement waits for the tables it names.
 */
export function locksBeforeFailing(sql: string): { name: string; mode: LockMode }[] {
  const statement = normalizeStatement(sql)
  const altered = alterTable.exec(statement)?.[1]
  if (altered !== undefined) {
    const mode: LockMode = /\bvalidate constraint\b/.test(statement)
      ? 'ShareUpdateExclusiveLock'
      : /\bforeign key\b/.test(statement)
        ? 'ShareRowExclusiveLock'
        : 'AccessExclusiveLock'
    return [{ name: altered, mode }]
  }
  const indexed = createIndex.exec(statement)?.[1]
  if (indexed !== undefined && !/^create (unique )?index concurrently\b/.test(statement))
    return [{ name: indexed, mode: 'ShareLock' }]
  const dropped = dropOrTruncate.exec(statement)?.[1]
  if (dropped !== undefined) return [{ name: dropped, mode: 'AccessExclusiveLock' }]
  return tablesNamedBy(sql)
}
