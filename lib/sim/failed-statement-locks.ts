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
