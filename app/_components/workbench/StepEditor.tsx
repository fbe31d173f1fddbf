'use client'

import { useMemo } from 'react'
import type { SchemaView, WorkbenchStep } from '@/lib/workbench'
import { SqlEditor, type SqlEditorError } from '../SqlEditor'

/**
 * The editor for an editable step's SQL (or a Delmo system test), with what to write above it,
 * the lesson's locked lines shaded, and the tables of the live schema offered as completions.
 */
export function StepEditor({
  step,
  index,
  sql,
  schema,
  error,
  onEdit,
  onRun,
}: {
  step: WorkbenchStep
  /** The step's index in the lesson. */
  index: number
  sql: string
  /** The simulation's schema as it stands, for completion. */
  schema: SchemaView | undefined
  error: SqlEditorError | undefined
  onEdit(sql: string): void
  onRun(): void
}) {
  const lockedLines = useMemo(() => lockedLinesIn(sql, step), [sql, step])
  const schemaForCompletion = useMemo(() => {
    const tables: Record<string, string[]> = {}
    for (const table of schema?.tables ?? []) tables[table.name] = table.columns.map((column) => column.name)
    return tables
  }, [schema])
  return (
    <>
      <p className="muted">
        {!step.isExercise
          ? `The ${step.language === 'delmo' ? 'test' : 'SQL'} this step runs, as the lesson tells it. Run it, or change it first: the step passes on its outcome, not on its text.`
          : step.language === 'delmo'
            ? 'Complete the system test, one task a line, in Delmo’s vocabulary. It runs against whatever is deployed now.'
            : 'Write the migration. It passes on its outcome — if every app version stays green — not on matching the lesson’s text.'}
      </p>
      <SqlEditor
        key={step.id}
        label={step.language === 'delmo' ? `Test for step ${index + 1}` : `SQL for step ${index + 1}`}
        language={step.language === 'delmo' ? 'plain' : 'sql'}
        value={sql}
        onChange={onEdit}
        onRun={onRun}
        schema={schemaForCompletion}
        error={error}
        lockedLines={lockedLines}
        minLines={4}
      />
    </>
  )
}

// Locked lines are numbered in the starter; the learner may have added lines around them since.
function lockedLinesIn(sql: string, step: WorkbenchStep): number[] {
  if (step.lockedLines.length === 0) return []
  const starterLines = step.starter.split('\n')
  const lines = sql.split('\n')
  const found: number[] = []
  let from = 0
  for (const locked of step.lockedLines) {
    const index = lines.indexOf(starterLines[locked - 1], from)
    if (index === -1) continue
    found.push(index + 1)
    from = index + 1
  }
  return found
}
