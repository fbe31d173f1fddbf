import { lexSql } from './sql-lexer'
import { isTransactionForbidden } from './statement-kind'

/** One statement found in a script, without its terminating semicolon. */
export interface SplitStatement {
  sql: string
  /** 0-based offset of `sql`'s first character in the script. */
  start: number
  /** Postgres refuses to run it inside a transaction block (SQLSTATE 25001). */
  runsOutsideTransaction: boolean
}

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

  for (const token of lexSql(script)) {
    // unlike psql (and the terminal's scanInput), parentheses are not counted: a semicolon
    // inside them is a syntax error whether the statement is cut there or not
    if (token.kind === 'semicolon') {
      finish(token.start)
      statementStart = token.end
    } else if (token.kind !== 'line comment' && token.kind !== 'block comment') {
      hasCode = true
    }
  }
  finish(script.length)
  return statements
}
