import type { RunResult } from '../engine'
import { normalizeStatement } from '../engine/split-sql'

/** A result with a command tag and nothing else, as psql shows `BEGIN` or `SET`. */
export function commandOnly(command: string): RunResult {
  return { ok: true, command, fields: [], rows: [], rowCount: 0, durationMs: 0 }
}

/** The command tag psql would print for a statement: its first word, upper-cased. */
export function commandTagOf(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'EMPTY'
}

/** Whether a statement is a CREATE INDEX CONCURRENTLY. */
export function isConcurrentIndexBuild(sql: string): boolean {
  return /^create (unique )?index concurrently\b/.test(normalizeStatement(sql))
}

/** The command tag of a statement run outside a transaction: CREATE INDEX or DROP INDEX (CONCURRENTLY). */
export function concurrentIndexCommandOf(sql: string): string {
  return /^create/i.test(sql) ? 'CREATE INDEX' : 'DROP INDEX'
}

/** The index a CREATE INDEX CONCURRENTLY names, as written; undefined for any other statement. */
export function concurrentIndexNameOf(sql: string): string | undefined {
  return /^create (?:unique )?index concurrently (?:if not exists )?("[^"]+"|[\w.]+) on\b/.exec(
    normalizeStatement(sql),
  )?.[1]
}

/** BEGIN, COMMIT or ROLLBACK in any of their spellings; undefined for anything else. */
export function transactionControlOf(sql: string): 'begin' | 'commit' | 'rollback' | undefined {
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
