'use client'

import { diagnosticCount, setDiagnostics } from '@codemirror/lint'
import { Compartment, EditorState, Transaction } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import { useEffect, useEffectEvent, useId, useRef, type CSSProperties } from 'react'
import { diagnose, type SqlEditorError } from './sql-editor-diagnostics'
import { lockLines } from './sql-editor-locked-lines'
import {
  createEditorExtensions,
  describeAccess,
  fromValueProp,
  postgres,
  replaceDifference,
} from './sql-editor-setup'
import './sql-editor.css'

export type { SqlEditorError } from './sql-editor-diagnostics'

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
        extensions: createEditorExtensions({
          run: () => emitRun(),
          edit: (doc) => emitChange(doc),
          configured: [
            parts.language.of(initial.language === 'sql' ? postgres(initial.schema) : []),
            parts.locks.of(lockLines(initial.lockedLines ?? [])),
            parts.access.of(describeAccess(initial.label, initial.readOnly, initial.describedBy)),
          ],
        }),
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

// the parts of the editor reconfigured when their props change
interface EditorCompartments {
  language: Compartment
  locks: Compartment
  access: Compartment
}
