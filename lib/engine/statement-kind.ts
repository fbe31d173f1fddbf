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
// and ALTER TABLE … DETACH PARTITION … CONCURRENTLY
const transactionForbidden =
  /^(create (unique )?index concurrently|drop index concurrently|reindex .*\bconcurrently\b|vacuum\b|create database\b|drop database\b|create tablespace\b|drop tablespace\b|alter system\b|alter table .*\bdetach partition .*\bconcurrently$)/

/** Whether Postgres refuses to run this statement inside a transaction block (SQLSTATE 25001). */
export function isTransactionForbidden(sql: string): boolean {
  return transactionForbidden.test(normalizeStatement(sql))
}

/**
 * Whether Postgres refuses this statement outside a transaction block (SQLSTATE 25P01): LOCK
 * TABLE, whose lock would end with the statement (docs: LOCK).
 */
export function isTransactionBlockOnly(sql: string): boolean {
  return /^lock\b/.test(normalizeStatement(sql))
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

/**
 * A statement Postgres runs outside any transaction block, as the several transactions of its
 * own it commits between phases (docs: CREATE INDEX, DROP INDEX, REINDEX, VACUUM, ALTER TABLE
 * … DETACH PARTITION). Names are as written, lower-cased; `tables` empty means every table.
 */
export type OutsideTransactionForm =
  | { kind: 'create index concurrently'; table: string; index?: string }
  | { kind: 'drop index concurrently'; index: string }
  | { kind: 'reindex concurrently'; target: 'index' | 'table'; name: string }
  | { kind: 'vacuum'; full: boolean; tables: string[] }
  | { kind: 'detach partition concurrently'; parent: string; partition: string }
  /** CREATE DATABASE, ALTER SYSTEM and the like: nothing a lesson's tables notice. */
  | { kind: 'other' }

const reindexConcurrently = new RegExp(
  String.raw`^reindex (?:\([^)]*\) )?(index|table) concurrently (${name})$`,
)
const detachConcurrently = new RegExp(
  String.raw`^alter table (?:if exists )?(?:only )?(${name}) detach partition (${name}) concurrently$`,
)

/** The form of a statement that cannot run in a transaction block; undefined for any other. */
export function outsideTransactionFormOf(sql: string): OutsideTransactionForm | undefined {
  if (!isTransactionForbidden(sql)) return undefined
  const statement = normalizeStatement(sql).replace(/;$/, '').trim()
  const build = concurrentIndexBuildOf(sql)
  if (build) return { kind: 'create index concurrently', ...build }
  const dropped = concurrentIndexDropOf(sql)
  if (dropped !== undefined) return { kind: 'drop index concurrently', index: dropped }
  const reindex = reindexConcurrently.exec(statement)
  if (reindex)
    return { kind: 'reindex concurrently', target: reindex[1] as 'index' | 'table', name: reindex[2] }
  const detach = detachConcurrently.exec(statement)
  if (detach) return { kind: 'detach partition concurrently', parent: detach[1], partition: detach[2] }
  if (/^vacuum\b/.test(statement)) return vacuumFormOf(statement)
  return { kind: 'other' }
}

// VACUUM [ ( option, … ) ] [ FULL ] [ FREEZE ] [ VERBOSE ] [ ANALYZE ] [ table [ ( column, … ) ], … ]
function vacuumFormOf(statement: string): OutsideTransactionForm {
  let rest = statement.replace(/^vacuum\s*/, '')
  let full = false
  const options = /^\(([^)]*)\)\s*/.exec(rest)
  if (options) {
    full = options[1].split(',').some((option) => /^\s*full(\s+(true|on|1))?\s*$/.test(option))
    rest = rest.slice(options[0].length)
  }
  for (;;) {
    const word = /^(full|freeze|verbose|analyze|analyse)\b\s*/.exec(rest)
    if (!word) break
    if (word[1] === 'full') full = true
    rest = rest.slice(word[0].length)
  }
  const tables = rest
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((table) => table.trim())
    .filter((table) => table !== '')
  return { kind: 'vacuum', full, tables }
}

const isolationLevel = /\bisolation level (read uncommitted|read committed|repeatable read|serializable)\b/

/** A transaction's isolation level, as Postgres runs it (READ UNCOMMITTED is READ COMMITTED). */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable'

/**
 * The isolation level BEGIN, START TRANSACTION or SET TRANSACTION asks for; undefined when the
 * statement is none of them or names none.
 */
export function isolationLevelOf(sql: string): IsolationLevel | undefined {
  const statement = normalizeStatement(sql)
  if (!/^(begin|start transaction|set transaction)\b/.test(statement)) return undefined
  const level = isolationLevel.exec(statement)?.[1]
  if (level === undefined) return undefined
  return level === 'read uncommitted' ? 'read committed' : (level as IsolationLevel)
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

/**
 * Whether a statement, by its text, writes rows: INSERT, UPDATE, DELETE, MERGE or COPY, or a
 * WITH that holds one (docs: "Data-Modifying Statements in WITH"). It says what the statement
 * sets out to do, so an INSERT Postgres refuses still writes; a function it calls is not
 * looked into, and SELECT … FOR UPDATE only locks rows.
 */
export function writesRows(sql: string): boolean {
  if (isRowWriteCommand(commandTagOf(sql))) return true
  if (commandTagOf(sql) !== 'WITH') return false
  const words = lexSql(sql)
    .filter((token) => token.kind === 'code')
    .map((token) => sql.slice(token.start, token.end).toLowerCase())
  return words.some((word, index) => {
    const next = words[index + 1]
    if (word === 'insert' || word === 'merge') return next === 'into'
    if (word === 'delete') return next === 'from'
    // FOR UPDATE and FOR NO KEY UPDATE lock the rows a read returns
    return word === 'update' && words[index - 1] !== 'for' && words[index - 1] !== 'key'
  })
}

// pg_sleep( <number> ): the function, a literal argument, as the lexer splits them
function sleepCallsIn(sql: string): { seconds: number; start: number; end: number }[] {
  const tokens = lexSql(sql)
  const calls: { seconds: number; start: number; end: number }[] = []
  tokens.forEach((token, index) => {
    const [open, argument, close] = tokens.slice(index + 1, index + 4)
    const isSleep = token.kind === 'code' && /(^|[^\w$])pg_sleep$/i.test(sql.slice(token.start, token.end))
    if (!isSleep || open?.kind !== 'open paren' || argument?.kind !== 'code' || close?.kind !== 'close paren')
      return
    if (open.start !== token.end) return
    const text = sql.slice(argument.start, argument.end)
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return
    calls.push({ seconds: Number(text), start: argument.start, end: argument.end })
  })
  return calls
}

/**
 * Seconds a statement sleeps in `pg_sleep(n)` calls with a literal argument, each counted once:
 * modelled time, since the simulator's clock is not the wall's.
 */
export function sleepSecondsOf(sql: string): number {
  return sleepCallsIn(sql).reduce((total, call) => total + call.seconds, 0)
}

/**
 * The statement as a person reads it: without the comments before it (a migration's header
 * travels with its first statement) and the whitespace around it.
 */
export function withoutLeadingComments(sql: string): string {
  const first = lexSql(sql).find((token) => token.kind !== 'line comment' && token.kind !== 'block comment')
  return first ? sql.slice(first.start).trim() : sql.trim()
}

/** The statement with each literal `pg_sleep(n)` made `pg_sleep(0)`: what PGlite runs, at once. */
export function withoutSleeps(sql: string): string {
  let text = sql
  for (const call of sleepCallsIn(sql).reverse())
    text = text.slice(0, call.start) + '0' + text.slice(call.end)
  return text
}
