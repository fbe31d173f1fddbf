import { lexSql, type SqlTokenKind } from '../engine'

/**
 * What psql's prompt shows about unfinished input: `=` nothing pending, `-` a statement
 * continues, `'` `"` `$` inside a quote, `*` inside a comment, `(` inside parentheses.
 */
export type InputState = '=' | '-' | "'" | '"' | '$' | '*' | '('

/** Complete statements found in the input, and what is left waiting for its `;`. */
export interface ScannedInput {
  /** Each with its terminating semicolon, as psql sends it. */
  statements: string[]
  rest: string
  state: InputState
}

// the prompt inside each kind of token that can stay open at the end of a line
const openStates: Partial<Record<SqlTokenKind, InputState>> = {
  string: "'",
  'quoted identifier': '"',
  'dollar quote': '$',
  'block comment': '*',
}

/**
 * Cuts input at the semicolons that end statements, as psql's lexer does: not inside
 * strings, quoted identifiers, dollar quotes, comments or parentheses.
 */
export function scanInput(text: string): ScannedInput {
  const statements: string[] = []
  let start = 0
  let depth = 0
  for (const token of lexSql(text)) {
    const openState = token.isUnterminated ? openStates[token.kind] : undefined
    if (openState) return { statements, rest: text.slice(start), state: openState }
    if (token.kind === 'open paren') depth++
    else if (token.kind === 'close paren') depth = Math.max(0, depth - 1)
    else if (token.kind === 'semicolon' && depth === 0) {
      // unlike splitSql, a statement keeps its semicolon and its comments, and one of
      // nothing but comments is still sent
      const statement = text.slice(start, token.end).trimStart()
      if (statement !== ';') statements.push(statement)
      start = token.end
    }
  }
  const rest = text.slice(start)
  const state: InputState = depth > 0 ? '(' : rest.trim() !== '' ? '-' : '='
  return { statements, rest: rest.trim() === '' ? '' : rest, state }
}
