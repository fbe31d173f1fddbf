import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { PostgreSQL, sql } from '@codemirror/lang-sql'
import { bracketMatching, syntaxHighlighting } from '@codemirror/language'
import { diagnosticCount, lintGutter, lintKeymap, setDiagnosticsEffect } from '@codemirror/lint'
import { Annotation, EditorState, Prec, type Extension } from '@codemirror/state'
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import { classHighlighter } from '@lezer/highlight'

/** Marks the transactions that bring the document in line with the editor's `value` prop. */
export const fromValueProp = Annotation.define<boolean>()

/**
 * The editor's extensions: Ctrl+Enter (or Cmd+Enter) to `run` ahead of every other binding,
 * line numbers, the lint gutter, history, brackets, completion, highlighting and wrapping, then
 * `configured` (the parts the editor reconfigures later), and `edit` told of every edit the
 * learner makes, but not of the `value` prop's.
 */
export function createEditorExtensions({
  run,
  edit,
  configured,
}: {
  /** Whether the key was used; without a run, Mod-Enter inserts a line. */
  run(): boolean
  edit(doc: string): void
  configured: Extension[]
}): Extension[] {
  // the statement runs: a completion offered for it is no longer wanted (a click on Run blurs
  // the editor, which closes it already)
  const runClosingCompletion = (view: EditorView) => {
    const used = run()
    if (used) closeCompletion(view)
    return used
  }
  return [
    Prec.highest(
      keymap.of([
        { key: 'Mod-Enter', run: runClosingCompletion },
        { key: 'Ctrl-Enter', run: runClosingCompletion },
      ]),
    ),
    lineNumbers(),
    highlightActiveLineGutter(),
    lintGutter(),
    history(),
    drawSelection(),
    bracketMatching(),
    closeBrackets(),
    // brings its own completion keymap, at the highest precedence
    autocompletion(),
    highlightActiveLine(),
    syntaxHighlighting(classHighlighter),
    EditorView.lineWrapping,
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
    ...configured,
    clearDiagnosticsOnEdit,
    EditorView.updateListener.of((update) => {
      const isLearnerEdit = update.transactions.some((tr) => tr.docChanged && !tr.annotation(fromValueProp))
      if (isLearnerEdit) edit(update.state.doc.toString())
    }),
  ]
}

/** PostgreSQL's highlighting and completion: its keywords, and these tables with their columns. */
export function postgres(schema: Readonly<Record<string, readonly string[]>> | undefined): Extension {
  return sql({ dialect: PostgreSQL, schema: schema ?? {} })
}

/** Whether the document can be changed, and the content's accessible name and description. */
export function describeAccess(label: string, readOnly: boolean, describedBy: string | undefined): Extension {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.contentAttributes.of({
      'aria-label': label,
      ...(readOnly && { 'aria-readonly': 'true' }),
      ...(describedBy && { 'aria-describedby': describedBy }),
    }),
  ]
}

/** Replaces only the part of `doc` that differs from `next`, so the selection outside it stays put. */
export function replaceDifference(doc: string, next: string): { from: number; to: number; insert: string } {
  let head = 0
  const shorter = Math.min(doc.length, next.length)
  while (head < shorter && doc.charCodeAt(head) === next.charCodeAt(head)) head++
  let tail = 0
  while (
    tail < shorter - head &&
    doc.charCodeAt(doc.length - 1 - tail) === next.charCodeAt(next.length - 1 - tail)
  ) {
    tail++
  }
  return { from: head, to: doc.length - tail, insert: next.slice(head, next.length - tail) }
}

// Postgres's offset fits the SQL that ran; once the learner edits, the underline would mislead
const clearDiagnosticsOnEdit = EditorState.transactionExtender.of((tr) =>
  tr.docChanged && !tr.annotation(fromValueProp) && diagnosticCount(tr.startState) > 0
    ? { effects: setDiagnosticsEffect.of([]) }
    : null,
)
