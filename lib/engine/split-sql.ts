/** One statement found in a script, without its terminating semicolon. */
export interface SplitStatement {
  sql: string
  /** 0-based offset of `sql`'s first character in the script. */
  start: number
  /** Postgres refuses to run it inside a transaction block (SQLSTATE 25001). */
  runsOutsideTransaction: boolean
}

// Postgres identifiers may contain `$` and digits after the first character, so a `$`
// right after one is part of the name, not the start of a dollar quote.
const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/
const dollarTag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/

/**
 * Splits a script into statements at top-level semicolons, as Postgres's lexer would see
 * them: semicolons inside strings, E-strings, quoted identifiers, dollar-quoted bodies and
 * comments (block comments nest) do not end a statement. Statements holding only
 * whitespace and comments are dropped.
 */
export function splitSql(script: string): SplitStatement[] {
  const statements: SplitStatement[] = []
  let statementStart = 0
  let hasCode = false
  let i = 0

  const finish = (end: number) => {
    if (hasCode) {
      const raw = script.slice(statementStart, end)
      const leading = raw.length - raw.trimStart().length
      const sql = raw.trim()
      statements.push({
        sql,
        start: statementStart + leading,
        runsOutsideTransaction: isTransactionForbidden(sql),
      })
    }
    hasCode = false
  }

  while (i < script.length) {
    const ch = script[i]
    const next = script[i + 1]
    if (ch === '-' && next === '-') {
      const lineEnd = script.indexOf('\n', i)
      i = lineEnd === -1 ? script.length : lineEnd + 1
      continue
    }
    if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i)
      continue
    }
    if (ch === ';') {
      finish(i)
      statementStart = i + 1
      i++
      continue
    }
    if (!/\s/.test(ch)) hasCode = true
    if (ch === "'") {
      const previous = script[i - 1]
      const isEscapeString =
        (previous === 'E' || previous === 'e') && !identifierChar.test(script[i - 2] ?? '')
      i = skipQuoted(script, i, "'", isEscapeString)
      continue
    }
    if (ch === '"') {
      i = skipQuoted(script, i, '"', false)
      continue
    }
    if (ch === '$' && !identifierChar.test(script[i - 1] ?? '')) {
      const tag = dollarTag.exec(script.slice(i, i + 64))?.[0]
      if (tag) {
        const close = script.indexOf(tag, i + tag.length)
        i = close === -1 ? script.length : close + tag.length
        continue
      }
    }
    i++
  }
  finish(script.length)
  return statements
}

function skipQuoted(script: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1
  while (i < script.length) {
    const ch = script[i]
    if (backslashEscapes && ch === '\\') {
      i += 2
      continue
    }
    if (ch === quote) {
      // a doubled quote is an escaped quote, not the end
      if (script[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return script.length
}

function skipBlockComment(script: string, open: number): number {
  let depth = 0
  let i = open
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth++
      i += 2
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return script.length
}

/** Removes comments and collapses whitespace, for recognising a statement by its words. */
export function normalizeStatement(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
}

// docs: CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE/DROP DATABASE,
// CREATE/DROP TABLESPACE and ALTER SYSTEM "cannot be executed inside a transaction block"
const transactionForbidden =
  /^(create (unique )?index concurrently|drop index concurrently|reindex .*\bconcurrently\b|vacuum\b|create database\b|drop database\b|create tablespace\b|drop tablespace\b|alter system\b)/

/** Whether Postgres refuses to run this statement inside a transaction block. */
export function isTransactionForbidden(sql: string): boolean {
  return transactionForbidden.test(normalizeStatement(sql))
}
