import { splitSql, type PgError } from '@/lib/engine'
import type { SqlEditorError } from './SqlEditor'

/**
 * Where in a script Postgres's error points: its position counts characters from the start
 * of the failing statement, named as split from the script. Without a position, or when the
 * statement is not found in the script, there is nothing to underline.
 */
export function placeStatementError(
  script: string,
  error: PgError,
  statement: string | undefined,
): SqlEditorError | undefined {
  if (error.position === undefined) return undefined
  if (statement === undefined) return toEditorError(error, offsetOfCharacter(script, error.position))
  const failed = splitSql(script).find((candidate) => candidate.sql === statement)
  if (!failed) return undefined
  return toEditorError(error, failed.start + offsetOfCharacter(statement, error.position))
}

/** Postgres's error as the editor underlines it, from an offset into the editor's text. */
export function toEditorError(error: PgError, from: number): SqlEditorError {
  return { from, message: error.message, detail: error.detail, hint: error.hint, code: error.code }
}

// Postgres's position is 1-based and counts characters (code points); JS strings count UTF-16
// units, and a character outside the BMP (an emoji, say) takes two
export function offsetOfCharacter(text: string, position: number): number {
  let offset = 0
  for (let character = 1; character < position && offset < text.length; character++) {
    offset += text.codePointAt(offset)! > 0xffff ? 2 : 1
  }
  return offset
}
