import { lexSql } from './sql-lexer'

/**
 * A statement's text lower-cased, without comments and with whitespace collapsed: what the
 * questions below read. Quotes, strings and dollar-quoted bodies stay, so a `--` inside a
 * string is not taken for a comment.
 */
export function normalizeStatement(sql: string): string {
  let text = ''
  let end = 0
  for (const token of lexSql(sql)) {
    const isComment = token.kind === 'line comment' || token.kind === 'block comment'
    text += sql.slice(end, token.start) + (isComment ? ' ' : sql.slice(token.start, token.end))
    end = token.end
  }
  return (text + sql.slice(end)).replace(/\s+/g, ' ').trim().toLowerCase()
}

/**
 * The statement's first word upper-cased, as PGlite reports a command tag (`CREATE`, not
 * `CREATE INDEX`); `EMPTY` when it does not start with a word.
 */
export function commandTagOf(sql: string): string {
  return /^\w+/.exec(normalizeStatement(sql))?.[0]?.toUpperCase() ?? 'EMPTY'
}

/** How a statement moves the session's transaction: it opens, commits or rolls it back. */
export type TransactionControl = 'begin' | 'commit' | 'rollback'

/**
 * BEGIN, COMMIT or ROLLBACK in any of their spellings; undefined for anything else, including
 * ROLLBACK TO SAVEPOINT (the transaction goes on) and COMMIT/ROLLBACK PREPARED (another one ends).
 */
export function transactionControlOf(sql: string): TransactionControl | undefined {
  const statement = normalizeStatement(sql)
  if (/^(begin|start transaction)\b/.test(statement)) return 'begin'
  if (/^(commit|end)\b/.test(statement) && !/^(commit|end) prepared\b/.test(statement)) return 'commit'
  if (
    /^(rollback|abort)\b/.test(statement) &&
    !/\bto\b/.test(statement) &&
    !/^rollback prepared\b/.test(statement)
  )
    return 'rollback'
  return undefined
}

const transactionStatement =
  /^(begin|start transaction|commit|end|rollback|abort|savepoint|release|prepare transaction|set transaction)\b/

/**
 * Whether a statement steers the transaction rather than touching tables: BEGIN, COMMIT,
 * ROLLBACK, savepoints, PREPARE TRANSACTION, SET TRANSACTION. It takes no table locks.
 */
export function isTransactionStatement(sql: string): boolean {
  return transactionStatement.test(normalizeStatement(sql))
}

// docs: CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE/DROP DATABASE,
// CREATE/DROP TABLESPACE and ALTER SYSTEM "cannot be executed inside a transaction block"
const transactionForbidden =
  /^(create (unique )?index concurrently|drop index concurrently|reindex .*\bconcurrently\b|vacuum\b|create database\b|drop database\b|create tablespace\b|drop tablespace\b|alter system\b)/

/** Whether Postgres refuses to run this statement inside a transaction block (SQLSTATE 25001). */
export function isTransactionForbidden(sql: string): boolean {
  return transactionForbidden.test(normalizeStatement(sql))
}

/** Whether a statement is CREATE [UNIQUE] INDEX CONCURRENTLY. */
export function isConcurrentIndexBuild(sql: string): boolean {
  return /^create (unique )?index concurrently\b/.test(normalizeStatement(sql))
}

// a name as written, quoted or not, schema-qualified or not
const name = String.raw`(?:"[^"]*"|[\w$.])+`
const concurrentIndexBuild = new RegExp(
  String.raw`^create (?:unique )?index concurrently (?:if not exists )?(?:(${name}) )?on (?:only )?(${name})`,
)
const concurrentIndexDrop = new RegExp(String.raw`^drop index concurrently (?:if exists )?(${name})`)

/**
 * The index (when named) and the table of CREATE [UNIQUE] INDEX CONCURRENTLY, as written
 * (quotes kept, lower-cased); undefined for any other statement.
 */
export function concurrentIndexBuildOf(sql: string): { index?: string; table: string } | undefined {
  const match = concurrentIndexBuild.exec(normalizeStatement(sql))
  if (!match) return undefined
  return { ...(match[1] !== undefined && { index: match[1] }), table: match[2] }
}

/** The index DROP INDEX CONCURRENTLY drops, as written (quotes kept, lower-cased); undefined for any other statement. */
export function concurrentIndexDropOf(sql: string): string | undefined {
  return concurrentIndexDrop.exec(normalizeStatement(sql))?.[1]
}

// a UNIQUE or PRIMARY KEY constraint builds its index unless it adopts one (USING INDEX)
const createIndex = /^create (unique )?index\b/
const addKeyConstraint = /^alter table .*\badd (constraint \S+ )?(unique|primary key)\b/
const usingIndex = /\busing index\b/

/** Whether a statement builds an index: CREATE INDEX, or ADD UNIQUE / PRIMARY KEY without USING INDEX. */
export function buildsIndex(sql: string): boolean {
  const statement = normalizeStatement(sql)
  return createIndex.test(statement) || (addKeyConstraint.test(statement) && !usingIndex.test(statement))
}

// command tags, first word only as PGlite reports them
const readCommands = new Set(['SELECT', 'SHOW', 'EXPLAIN', 'VALUES', 'TABLE'])
const rowWriteCommands = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'])
// cannot change what a snapshot holds: reads, an empty statement, opening a transaction
const readOnlyCommands = new Set([...readCommands, 'EMPTY', 'BEGIN', 'START'])
// write nothing themselves: they end a transaction or set the session; a WITH's first word
// does not say whether it writes
const controlCommands = new Set(['WITH', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SET', 'RESET'])

/** Whether a command tag is a read that returns rows: SELECT, SHOW, EXPLAIN, VALUES, TABLE. */
export function isReadCommand(command: string): boolean {
  return readCommands.has(command)
}

/** Whether a command tag writes rows: INSERT, UPDATE, DELETE, MERGE, COPY. */
export function isRowWriteCommand(command: string): boolean {
  return rowWriteCommands.has(command)
}

/** Whether a command tag cannot have changed the database: a read, an empty statement, BEGIN. */
export function isReadOnlyCommand(command: string): boolean {
  return readOnlyCommands.has(command)
}

/**
 * Whether a statement, by its first word, writes to the database: what an audit log records.
 * Reads, transaction control and session settings do not.
 */
export function isWriteStatement(sql: string): boolean {
  const command = commandTagOf(sql)
  return !readOnlyCommands.has(command) && !controlCommands.has(command)
}
