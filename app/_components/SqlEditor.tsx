'use client'

import { autocompletion, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { PostgreSQL, sql } from '@codemirror/lang-sql'
import { bracketMatching, ensureSyntaxTree, syntaxHighlighting, syntaxTree } from '@codemirror/language'
import {
  diagnosticCount,
  lintGutter,
  lintKeymap,
  setDiagnostics,
  setDiagnosticsEffect,
  type Diagnostic,
} from '@codemirror/lint'
import {
  Annotation,
  Compartment,
  EditorState,
  Prec,
  StateField,
  Transaction,
  type Extension,
  type Text,
} from '@codemirror/state'
import {
  Decoration,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import { classHighlighter } from '@lezer/highlight'
import { useEffect, useEffectEvent, useId, useRef, type CSSProperties } from 'react'
import './sql-editor.css'

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

/** What the SQL editor shows and whom it tells about edits. */
export interface SqlEditorProps {
  /** The SQL in the editor; when it differs from the document, the document is replaced to match. */
  value: string
  /** Called with the whole document after every edit the learner makes (not after `value` changes). */
  onChange: (value: string) => void
  /** Called on Ctrl+Enter or Cmd+Enter, ahead of every other key binding; without it, Mod-Enter inserts a line. */
  onRun?: () => void
  /** Tables and their columns, offered as completions next to PostgreSQL's keywords; none by default. */
  schema?: Readonly<Record<string, readonly string[]>>
  /**
   * Postgres's error, underlined and shown as a diagnostic until the learner's next edit; the
   * parent should also drop it in `onChange`, since the offset only fits the SQL that ran.
   */
  error?: SqlEditorError
  /** 1-based numbers of lines that cannot be edited, counted in the first document (or in the document when the list changes); none by default. */
  lockedLines?: readonly number[]
  /** The editor's accessible name. */
  label: string
  /** Whether the document can be read, selected and copied but not changed; false by default. */
  readOnly?: boolean
  /** The height the editor keeps, in lines, even when the document is shorter; 3 by default. */
  minLines?: number
  /** `plain` for text that is not SQL (a system test's YAML): no SQL highlighting or completion. */
  language?: 'sql' | 'plain'
}

/**
 * A CodeMirror editor for PostgreSQL: completion from `schema`, Postgres's error underlined,
 * lines that cannot be edited, and Ctrl+Enter to run. Tab is left to the browser, so the
 * keyboard can always leave the editor.
 */
export function SqlEditor({
  value,
  onChange,
  onRun,
  schema,
  error,
  lockedLines,
  label,
  readOnly = false,
  minLines = 3,
  language = 'sql',
}: SqlEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null)
  const viewRef = useRef<EditorView | null>(null)
  const compartments = useRef<EditorCompartments>(null)
  const hintId = useId()
  // compared by content, so a parent may pass a fresh array or object on every render
  const schemaKey = JSON.stringify(schema ?? {})
  const lockedKey = JSON.stringify(lockedLines ?? [])
  const hasLockedLines = (lockedLines?.length ?? 0) > 0
  const describedBy = hasLockedLines ? hintId : undefined

  const emitChange = useEffectEvent((doc: string) => onChange(doc))
  const emitRun = useEffectEvent((): boolean => {
    if (!onRun) return false
    onRun()
    return true
  })
  const readProps = useEffectEvent(() => ({
    value,
    schema,
    lockedLines,
    readOnly,
    label,
    describedBy,
    language,
  }))

  // created in an effect and destroyed in its cleanup, so StrictMode's second run gets a fresh view
  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    const initial = readProps()
    const parts: EditorCompartments = {
      language: new Compartment(),
      locks: new Compartment(),
      access: new Compartment(),
    }
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: initial.value,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: 'Mod-Enter', run: () => emitRun() },
              { key: 'Ctrl-Enter', run: () => emitRun() },
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
          parts.language.of(initial.language === 'sql' ? postgres(initial.schema) : []),
          parts.locks.of(lockLines(initial.lockedLines ?? [])),
          parts.access.of(describeAccess(initial.label, initial.readOnly, initial.describedBy)),
          clearDiagnosticsOnEdit,
          EditorView.updateListener.of((update) => {
            const isLearnerEdit = update.transactions.some(
              (tr) => tr.docChanged && !tr.annotation(fromValueProp),
            )
            if (isLearnerEdit) emitChange(update.state.doc.toString())
          }),
        ],
      }),
    })
    viewRef.current = view
    compartments.current = parts
    return () => {
      view.destroy()
      viewRef.current = null
      compartments.current = null
    }
  }, [])

  useEffect(() => {
    const view = viewRef.current
    if (!view) return
    const doc = view.state.doc.toString()
    if (doc === value) return
    view.dispatch({
      changes: replaceDifference(doc, value),
      // the parent's value wins over locked lines, and is not the learner's edit to undo
      filter: false,
      annotations: [fromValueProp.of(true), Transaction.addToHistory.of(false)],
    })
  }, [value])

  useEffect(() => {
    const view = viewRef.current
    const parts = compartments.current
    if (!view || !parts) return
    view.dispatch({
      effects: parts.language.reconfigure(language === 'sql' ? postgres(JSON.parse(schemaKey)) : []),
    })
  }, [schemaKey, language])

  useEffect(() => {
    const view = viewRef.current
    const parts = compartments.current
    if (!view || !parts) return
    view.dispatch({ effects: parts.locks.reconfigure(lockLines(JSON.parse(lockedKey))) })
  }, [lockedKey])

  useEffect(() => {
    const view = viewRef.current
    const parts = compartments.current
    if (!view || !parts) return
    view.dispatch({ effects: parts.access.reconfigure(describeAccess(label, readOnly, describedBy)) })
  }, [label, readOnly, describedBy])

  const errorFrom = error?.from
  const errorTo = error?.to
  const errorMessage = error?.message
  const errorDetail = error?.detail
  const errorHint = error?.hint
  const errorCode = error?.code
  useEffect(() => {
    const view = viewRef.current
    if (!view) return
    const diagnostics =
      errorFrom === undefined || errorMessage === undefined
        ? []
        : [
            diagnose(view.state, {
              from: errorFrom,
              to: errorTo,
              message: errorMessage,
              detail: errorDetail,
              hint: errorHint,
              code: errorCode,
            }),
          ]
    if (diagnostics.length === 0 && diagnosticCount(view.state) === 0) return
    view.dispatch(setDiagnostics(view.state, diagnostics))
  }, [errorFrom, errorTo, errorMessage, errorDetail, errorHint, errorCode])

  return (
    <>
      <div className="sql-editor" style={{ '--sql-editor-lines': minLines } as CSSProperties}>
        <div ref={hostRef} className="sql-editor-host" />
        {/* stands in, in the same box and font, until the editor mounts: the page does not jump */}
        <pre className="sql-editor-fallback">{value}</pre>
      </div>
      {hasLockedLines && (
        <p id={hintId} className="sql-editor-hint">
          Shaded lines are part of the lesson and cannot be edited.
        </p>
      )}
    </>
  )
}

interface EditorCompartments {
  language: Compartment
  locks: Compartment
  access: Compartment
}

// marks the transactions that bring the document in line with the `value` prop
const fromValueProp = Annotation.define<boolean>()

function postgres(schema: Readonly<Record<string, readonly string[]>> | undefined): Extension {
  return sql({ dialect: PostgreSQL, schema: schema ?? {} })
}

function describeAccess(label: string, readOnly: boolean, describedBy: string | undefined): Extension {
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
function replaceDifference(doc: string, next: string): { from: number; to: number; insert: string } {
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

function diagnose(state: EditorState, error: SqlEditorError): Diagnostic {
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

/** A locked line's text, from its start to its end (without the line break). */
interface LockedRange {
  from: number
  to: number
}

const lockedLine = Decoration.line({
  class: 'cm-locked-line',
  attributes: { title: 'Part of the lesson: this line cannot be edited' },
})

/**
 * Makes the given lines (1-based, in the document as it is now) read-only: typing, deleting
 * or pasting inside them does nothing, nor does joining them to a neighbour, while whole lines
 * may still be added above or below them. Numbers past the end are ignored.
 */
function lockLines(lineNumbers: readonly number[]): Extension {
  if (lineNumbers.length === 0) return []
  const locked = StateField.define<readonly LockedRange[]>({
    create(state) {
      const numbers = [...new Set(lineNumbers)].filter((n) => n >= 1 && n <= state.doc.lines)
      return numbers
        .sort((x, y) => x - y)
        .map((n) => state.doc.line(n))
        .map((line) => ({ from: line.from, to: line.to }))
    },
    update(ranges, tr) {
      return tr.docChanged ? ranges.map((range) => mapLockedRange(range, tr)) : ranges
    },
    provide: (field) => EditorView.decorations.compute([field], (state) => shadeLockedLines(state, field)),
  })
  return [locked, EditorState.changeFilter.of((tr) => protectLockedRanges(tr, tr.startState.field(locked)))]
}

function startsWithLineBreak(text: Text): boolean {
  return text.lines > 1 && text.line(1).length === 0
}

function endsWithLineBreak(text: Text): boolean {
  return text.lines > 1 && text.line(text.lines).length === 0
}

// an insertion exactly at a locked line's edge adds whole lines beside it only when it
// brings its own line break on that side; anything else would change the locked text
function isAllowedInsertion(range: LockedRange, at: number, text: Text): boolean {
  if (range.from === range.to && at === range.from)
    return startsWithLineBreak(text) || endsWithLineBreak(text)
  if (at === range.from) return endsWithLineBreak(text)
  if (at === range.to) return startsWithLineBreak(text)
  return !(at > range.from && at < range.to)
}

/**
 * A change filter's answer for the locked ranges: `true` when nothing touches them, else the
 * ranges whose changes to suppress. A suppressed range reaches one past each edge, so the line
 * breaks that keep a locked line apart from its neighbours are protected too, and so are
 * insertions at its edges. An insertion at the very start or end of the document cannot be
 * suppressed by range (a change filter keeps insertions at a range's edge), so the whole
 * transaction is stopped instead.
 */
function protectLockedRanges(tr: Transaction, ranges: readonly LockedRange[]): boolean | readonly number[] {
  const length = tr.startState.doc.length
  const suppressed: [number, number][] = []
  for (const range of ranges) {
    const low = Math.max(0, range.from - 1)
    const high = Math.min(length, range.to + 1)
    let isTouched = false
    let isUnsuppressible = false
    tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
      const touches = toA > fromA ? fromA < high && toA > low : !isAllowedInsertion(range, fromA, inserted)
      if (!touches) return
      isTouched = true
      if (toA === fromA && (fromA === low || fromA === high)) isUnsuppressible = true
    })
    if (isUnsuppressible) return false
    if (isTouched) suppressed.push([low, high])
  }
  if (suppressed.length === 0) return true
  // the filter wants ordered ranges that do not overlap; neighbouring locked lines do
  const merged: [number, number][] = []
  for (const [from, to] of suppressed) {
    const last = merged.at(-1)
    if (last && from <= last[1]) last[1] = Math.max(last[1], to)
    else merged.push([from, to])
  }
  return merged.flat()
}

function shadeLockedLines(state: EditorState, field: StateField<readonly LockedRange[]>) {
  const starts = new Set<number>()
  for (const { from, to } of state.field(field)) {
    // a locked range normally is one line; the parent's `value` may have put breaks inside it
    for (let line = state.doc.lineAt(from); ; line = state.doc.line(line.number + 1)) {
      starts.add(line.from)
      if (line.to >= to || line.number === state.doc.lines) break
    }
  }
  return Decoration.set(
    [...starts].map((start) => lockedLine.range(start)),
    true,
  )
}

function mapLockedRange(range: LockedRange, tr: Transaction): LockedRange {
  if (range.from !== range.to) {
    // an allowed insertion at the start added lines above (the line moves down with it); one
    // at the end added lines below (the line stays)
    const from = tr.changes.mapPos(range.from, 1)
    const to = tr.changes.mapPos(range.to, -1)
    // only the parent's `value`, which skips the filter, can replace a locked line whole
    return from <= to ? { from, to } : { from: to, to }
  }
  // an empty line has one edge: a line break first means lines went below it
  let side: 1 | -1 = 1
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (fromA === range.from && toA === fromA && startsWithLineBreak(inserted)) side = -1
  })
  const at = tr.changes.mapPos(range.from, side)
  return { from: at, to: at }
}
