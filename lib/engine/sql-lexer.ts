/**
 * What a stretch of SQL text is, as Postgres's lexer (and psql's, which mirrors it) sees it.
 * `code` is everything else outside quotes and comments, in runs up to whitespace or the
 * next token; whitespace between tokens is no token.
 */
export type SqlTokenKind =
  | 'code'
  | 'string'
  | 'quoted identifier'
  | 'dollar quote'
  | 'line comment'
  | 'block comment'
  | 'semicolon'
  | 'open paren'
  | 'close paren'

/** One token: its kind and where it sits in the text. */
export interface SqlToken {
  kind: SqlTokenKind
  /** 0-based offset of the token's first character. */
  start: number
  /** Offset just past its last character; a line comment ends before its newline. */
  end: number
  /** The text ended before this quote or block comment was closed: input still to come. */
  isUnterminated: boolean
}

// Postgres identifiers may contain `$` and digits after the first character, so a `$`
// right after one is part of the name, not the start of a dollar quote.
const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/
// docs: "Dollar-Quoted String Constants"; the tag has no length limit (scan.l's dolqdelim)
const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y
const whitespace = /\s/

const punctuation: Partial<Record<string, SqlTokenKind>> = {
  ';': 'semicolon',
  '(': 'open paren',
  ')': 'close paren',
}

/**
 * Walks SQL text once and cuts it into tokens: strings (E-strings take backslash escapes,
 * a doubled quote is a quote), quoted identifiers, dollar-quoted bodies, `--` comments,
 * block comments (which nest), semicolons and parentheses. The last token may be
 * unterminated when the text stops inside a quote or comment.
 */
export function lexSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = []
  let codeStart = -1
  let i = 0
  const endCode = () => {
    if (codeStart >= 0) tokens.push({ kind: 'code', start: codeStart, end: i, isUnterminated: false })
    codeStart = -1
  }
  while (i < text.length) {
    const token = tokenAt(text, i)
    if (token) {
      endCode()
      tokens.push(token)
      i = token.end
      continue
    }
    if (whitespace.test(text[i])) endCode()
    else if (codeStart < 0) codeStart = i
    i++
  }
  endCode()
  return tokens
}

// The token starting at `i`, if a quote, comment or punctuation starts there.
function tokenAt(text: string, i: number): SqlToken | undefined {
  const ch = text[i]
  const next = text[i + 1]
  if (ch === '-' && next === '-') {
    const lineEnd = text.indexOf('\n', i)
    return token('line comment', i, lineEnd === -1 ? text.length : lineEnd, false)
  }
  if (ch === '/' && next === '*') return blockCommentAt(text, i)
  if (ch === "'") {
    // E'…' (or e'…'), unless the E ends a longer name such as `name'…'`
    const isEscapeString = /[eE]/.test(text[i - 1] ?? '') && !identifierChar.test(text[i - 2] ?? '')
    return quotedAt(text, i, 'string', isEscapeString)
  }
  if (ch === '"') return quotedAt(text, i, 'quoted identifier', false)
  if (ch === '$' && !identifierChar.test(text[i - 1] ?? '')) {
    dollarTag.lastIndex = i
    const tag = dollarTag.exec(text)?.[0]
    if (tag) {
      const close = text.indexOf(tag, i + tag.length)
      return close === -1
        ? token('dollar quote', i, text.length, true)
        : token('dollar quote', i, close + tag.length, false)
    }
  }
  const kind = punctuation[ch]
  return kind && token(kind, i, i + 1, false)
}

function token(kind: SqlTokenKind, start: number, end: number, isUnterminated: boolean): SqlToken {
  return { kind, start, end, isUnterminated }
}

function quotedAt(
  text: string,
  open: number,
  kind: 'string' | 'quoted identifier',
  hasBackslashEscapes: boolean,
): SqlToken {
  const quote = text[open]
  let i = open + 1
  while (i < text.length) {
    const ch = text[i]
    if (hasBackslashEscapes && ch === '\\') {
      i += 2
      continue
    }
    if (ch === quote) {
      // a doubled quote is an escaped quote, not the end
      if (text[i + 1] === quote) {
        i += 2
        continue
      }
      return token(kind, open, i + 1, false)
    }
    i++
  }
  return token(kind, open, text.length, true)
}

function blockCommentAt(text: string, open: number): SqlToken {
  let depth = 0
  let i = open
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++
      i += 2
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return token('block comment', open, i, false)
    } else {
      i++
    }
  }
  return token('block comment', open, text.length, true)
}
