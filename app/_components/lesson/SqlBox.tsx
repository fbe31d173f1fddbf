'use client'

import { useRef, useState } from 'react'
import {
  splitSql,
  type PgError,
  type ScriptResult,
  type ScriptStatementResult,
  type WorkerDatabase,
} from '@/lib/engine'
import { commandTag } from '@/lib/terminal'
import { createSimulationClient, type LiveSqlResult } from '@/lib/workbench'
import { offsetOfCharacter, placeStatementError, toEditorError } from '@/app/_components/error-place'
import { SqlEditor, type SqlEditorError } from '@/app/_components/SqlEditor'
import { useLessonDatabase, useLiveTraffic } from './LessonDatabase'

type Outcome =
  | { kind: 'none' }
  | { kind: 'running' }
  | { kind: 'done'; result: ScriptResult; script: string }
  | { kind: 'simulated'; answer: LiveSqlResult; script: string }
  | { kind: 'failed'; reason: string }

let nextSimulatedId = 1

// Learner SQL under live traffic is an operator session of the simulation: it waits for its
// locks among the app's requests, and its answer arrives as an event once it settles.
function runInSimulation(database: WorkerDatabase, sql: string): Promise<LiveSqlResult> {
  const id = nextSimulatedId++
  const simulation = createSimulationClient(database)
  return new Promise((resolve, reject) => {
    const stopListening = simulation.onEvent((answer) => {
      if (answer.type !== 'sql' || answer.id !== id) return
      stopAll()
      resolve(answer)
    })
    // the worker replaced (Stop here or elsewhere, or the real-time budget): no answer will come
    const stopHearingReplaced = database.onReplaced((message) => {
      stopAll()
      resolve({
        type: 'sql',
        id,
        atMs: 0,
        ok: false,
        message: `57014 ${message}`,
        error: { code: '57014', message },
      })
    })
    const stopAll = () => {
      stopListening()
      stopHearingReplaced()
    }
    simulation.call({ action: 'sql', id, sql }).catch((error: unknown) => {
      stopAll()
      reject(error)
    })
  })
}

/**
 * A minimal SQL console bound to the lesson's database: run a script, see each statement's
 * rows or Postgres's error at its position, and stop a statement that does not end.
 */
export function SqlBox({ initial = '' }: { initial?: string }) {
  const state = useLessonDatabase()
  const { isLive, cancel } = useLiveTraffic()
  const [sql, setSql] = useState(initial)
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' })
  // set while Stop replaces the worker: the call it cuts off rejects, and that is the cancel
  // Stop reports, not a failure of the database
  const isStopping = useRef(false)
  // the underline fits only the SQL that ran: the first edit takes it away
  const underline = 'script' in outcome && outcome.script === sql ? placeError(outcome) : undefined
  const isReady = state.status === 'ready'
  const isRunning = outcome.kind === 'running'

  const run = async () => {
    if (state.status !== 'ready' || isRunning) return
    const script = sql
    setOutcome({ kind: 'running' })
    try {
      if (isLive) {
        // the worker saves the state after a write before answering, so a later Stop keeps it
        const answer = await runInSimulation(state.database, script)
        setOutcome((current) =>
          current.kind === 'running' ? { kind: 'simulated', answer, script } : current,
        )
        return
      }
      // a later Stop comes back to the state after this script, not to the lesson's start
      const result = await state.database.runScript(script, { keepRestorePoint: true })
      setOutcome({ kind: 'done', result, script })
    } catch (error) {
      if (isStopping.current) return
      setOutcome({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) })
    }
  }

  const stop = async () => {
    if (state.status !== 'ready') return
    // Stop replaces the worker; SQL running inside the simulation hears it and settles as
    // Postgres settles a cancel (57014), SQL run on the database directly is cut off here
    isStopping.current = true
    try {
      await cancel(state.database)
    } finally {
      isStopping.current = false
    }
  }

  return (
    <section className="sql-box" aria-label={`SQL console: ${firstLine(initial)}`}>
      <SqlEditor label="SQL" value={sql} onChange={setSql} onRun={() => void run()} error={underline} />
      <div className="sql-actions">
        <button type="button" onClick={run} disabled={!isReady || isRunning}>
          Run
        </button>
        <button type="button" onClick={stop} disabled={!isRunning} className="secondary">
          Stop
        </button>
        <span className="muted sql-hint" aria-live="polite">
          {isRunning
            ? 'Running…'
            : !isReady
              ? 'Waiting for the database…'
              : isLive
                ? 'Ctrl+Enter runs it inside the simulation, among the traffic'
                : 'Ctrl+Enter runs'}
        </span>
      </div>
      <div className="sql-output">
        {outcome.kind === 'done' && <ScriptOutput result={outcome.result} script={outcome.script} />}
        {outcome.kind === 'simulated' && <SimulatedOutput answer={outcome.answer} script={outcome.script} />}
        {outcome.kind === 'failed' && (
          <p role="alert" className="sql-error">
            The database stopped answering: {outcome.reason}
          </p>
        )}
      </div>
    </section>
  )
}

function ScriptOutput({ result, script }: { result: ScriptResult; script: string }) {
  return (
    <>
      {result.statements.map((statement, index) =>
        statement.result.ok ? <StatementOutput key={index} statement={statement} /> : null,
      )}
      {result.error && <ErrorOutput error={result.error} script={script} rolledBack={result.rolledBack} />}
      {result.statements.length === 0 && !result.error && <p className="muted">Nothing to run.</p>}
    </>
  )
}

function SimulatedOutput({ answer, script }: { answer: LiveSqlResult; script: string }) {
  const seconds = Math.floor(answer.atMs / 1000)
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
  return (
    <>
      {answer.id >= 0 && (
        <p className="muted">
          Ran inside the simulation, among the traffic; settled at {clock} virtual time.
        </p>
      )}
      {answer.notModelled && (
        <p className="not-modelled" role="note">
          <strong>Not modelled:</strong> {answer.notModelled}{' '}
          <a href="/reference/locks">What each statement locks</a>
        </p>
      )}
      {answer.last && (
        <StatementOutput
          statement={{ sql: splitSql(script).at(-1)?.sql ?? script, start: 0, result: answer.last }}
        />
      )}
      {answer.error && (
        <ErrorOutput error={answer.error} script={answer.statement ?? script} rolledBack={false} />
      )}
    </>
  )
}

function StatementOutput({ statement }: { statement: ScriptStatementResult }) {
  const { result } = statement
  if (!result.ok) return null
  const timing = <span className="muted"> · {result.durationMs.toFixed(1)} ms real time</span>
  if (result.fields.length === 0) {
    return (
      <p className="sql-command">
        {commandTag(result.command, result.rowCount, statement.sql)}
        {timing}
      </p>
    )
  }
  return (
    <div className="sql-result">
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Query result">
        <table>
          <thead>
            <tr>
              {result.fields.map((field, index) => (
                <th key={index} scope="col">
                  {field.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((value, columnIndex) => (
                  <td key={columnIndex} className={value === null ? 'null' : undefined}>
                    {value ?? 'NULL'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="sql-command">
        ({result.rowCount} {result.rowCount === 1 ? 'row' : 'rows'}){timing}
      </p>
    </div>
  )
}

/** Postgres's error as psql prints it: ERROR, the line with a caret under the position, DETAIL, HINT. */
function ErrorOutput({ error, script, rolledBack }: { error: PgError; script: string; rolledBack: boolean }) {
  const place = error.position === undefined ? undefined : locate(script, error.position)
  const isCancel = error.code === '57014'
  return (
    <div role="alert" className={isCancel ? 'sql-error sql-cancelled' : 'sql-error'}>
      <p>
        <strong>{isCancel ? 'Cancelled' : 'ERROR'}:</strong> {error.message}{' '}
        <span className="sql-code">SQLSTATE {error.code}</span>
      </p>
      {place && (
        <pre className="sql-caret" aria-label={`at line ${place.line}, column ${place.column}`}>
          {`LINE ${place.line}: ${place.text}\n${' '.repeat(`LINE ${place.line}: `.length + place.column - 1)}^`}
        </pre>
      )}
      {error.detail && <p>DETAIL: {error.detail}</p>}
      {error.hint && <p>HINT: {error.hint}</p>}
      {rolledBack && !isCancel && <p className="muted">The open transaction was rolled back.</p>}
    </div>
  )
}

/** Postgres's error as an underline in the script that ran, when Postgres gave a position. */
function placeError(outcome: Extract<Outcome, { script: string }>): SqlEditorError | undefined {
  if (outcome.kind === 'done') {
    // the script's error is the first failing statement's, whose position counts from its own start
    const failed = outcome.result.statements.find((statement) => !statement.result.ok)
    if (!failed || failed.result.ok) return undefined
    const { error } = failed.result
    if (error.position === undefined) return undefined
    return toEditorError(error, failed.start + offsetOfCharacter(failed.sql, error.position))
  }
  const { error, statement } = outcome.answer
  // the simulation names the statement (as split from the script) but not where it stood
  return error && placeStatementError(outcome.script, error, statement)
}

function locate(script: string, position: number): { line: number; column: number; text: string } {
  // Postgres counts characters, 1-based; JS strings count UTF-16 units, so walk code points
  const before = Array.from(script)
    .slice(0, position - 1)
    .join('')
  const lines = before.split('\n')
  const line = lines.length
  const column = Array.from(lines[lines.length - 1]).length + 1
  return { line, column, text: script.split('\n')[line - 1] ?? '' }
}

// each console is its own region, named by the SQL it starts with
function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? ''
  return line.length > 40 ? `${line.slice(0, 40)}…` : line
}
