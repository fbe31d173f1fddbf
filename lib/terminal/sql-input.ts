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

const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/
const dollarTag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/

/**
 * Cuts input at the semicolons that end statements, as psql's lexer does: not inside
 * strings, quoted identifiers, dollar quotes, comments or parentheses.
 */
export function scanInput(text: string): ScannedInput {
  const statements: string[] = []
  let start = 0
  let depth = 0
  let i = 0
  let state: InputState = '='
  while (i < text.length) {
    const ch = text[i]
    const next = text[i + 1]
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i)
      if (end === -1) break
      i = end + 1
      continue
    }
    if (ch === '/' && next === '*') {
      let nesting = 1
      i += 2
      while (i < text.length && nesting > 0) {
        const pair = text.slice(i, i + 2)
        if (pair === '/*' || pair === '*/') {
          nesting += pair === '/*' ? 1 : -1
          i += 2
        } else i++
      }
      if (nesting > 0) return { statements, rest: text.slice(start), state: '*' }
      continue
    }
    if (ch === "'") {
      const isEscapeString = i > 0 && /[eE]/.test(text[i - 1]) && !identifierChar.test(text[i - 2] ?? ' ')
      i++
      let closed = false
      while (i < text.length) {
        if (isEscapeString && text[i] === '\\') i += 2
        else if (text[i] === "'" && text[i + 1] === "'") i += 2
        else if (text[i] === "'") {
          closed = true
          i++
          break
        } else i++
      }
      if (!closed) return { statements, rest: text.slice(start), state: "'" }
      continue
    }
    if (ch === '"') {
      const end = text.indexOf('"', i + 1)
      if (end === -1) return { statements, rest: text.slice(start), state: '"' }
      i = end + 1
      continue
    }
    if (ch === '$' && !identifierChar.test(text[i - 1] ?? ' ')) {
      const tag = dollarTag.exec(text.slice(i))?.[0]
      if (tag) {
        const end = text.indexOf(tag, i + tag.length)
        if (end === -1) return { statements, rest: text.slice(start), state: '$' }
        i = end + tag.length
        continue
      }
    }
    if (ch === '(') depth++
    else if (ch === ')') depth = Math.max(0, depth - 1)
    else if (ch === ';' && depth === 0) {
      const statement = text.slice(start, i + 1).trimStart()
      if (statement !== ';') statements.push(statement)
      start = i + 1
    }
    i++
  }
  const rest = text.slice(start)
  if (depth > 0) state = '('
  else if (rest.trim() !== '') state = '-'
  return { statements, rest: rest.trim() === '' ? '' : rest, state }
}
