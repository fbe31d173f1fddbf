import { ensureSyntaxTree, syntaxTree } from '@codemirror/language'
import type { Diagnostic } from '@codemirror/lint'
import type { EditorState } from '@codemirror/state'

/** Postgres's error placed in the editor's document, to be underlined there. */
export interface SqlEditorError {
  /** UTF-16 offset into the document where Postgres points (its `position`, converted). */
  from: number
  /** Where the underline ends; by default, at the end of the token that starts at `from`. */
  to?: number
  message: string
  detail?: string
  hint?: string
  /** SQLSTATE, e.g. `42703`. */
  code?: string
}

/** Postgres's error as a CodeMirror diagnostic: the range to underline, and the message with its code, detail and hint. */
export function diagnose(state: EditorState, error: SqlEditorError): Diagnostic {
  const from = clamp(error.from, 0, state.doc.length)
  const to = error.to === undefined ? endOfToken(state, from) : clamp(error.to, from, state.doc.length)
  const lines = [
    error.code ? `ERROR ${error.code}: ${error.message}` : `ERROR: ${error.message}`,
    ...(error.detail ? [`DETAIL: ${error.detail}`] : []),
    ...(error.hint ? [`HINT: ${error.hint}`] : []),
  ]
  return { from, to, severity: 'error', message: lines.join('\n') }
}

// Postgres points at the start of the token it stumbled on (a name, a literal, `a.b`); at the
// end of the input there is none, and the diagnostic becomes a point
function endOfToken(state: EditorState, from: number): number {
  const tree = ensureSyntaxTree(state, Math.min(state.doc.length, from + 1_000), 50) ?? syntaxTree(state)
  const token = tree.resolveInner(from, 1)
  if (token.from === from && token.to > from && !token.firstChild) {
    const parent = token.parent
    return parent?.name === 'CompositeIdentifier' && parent.from === from ? parent.to : token.to
  }
  const word = state.wordAt(from)
  if (word) return word.to
  return Math.min(from + 1, state.doc.lineAt(from).to)
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}
