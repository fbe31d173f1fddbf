'use client'

import { useState } from 'react'
import { fetchSnapshot, type WorkerDatabase } from '@/lib/engine'
import { describePath, pathKey, type PathVerdict } from '@/lib/scenario'
import { createSimulationClient } from '@/lib/workbench'

type CheckState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; verdicts: PathVerdict[] }
  | { status: 'failed'; reason: string }

/**
 * Runs every path of the lesson headless in this browser, from the lesson's start, and checks
 * every claim, as CI does in Node: in a database of its own, so the learner's database, steps,
 * deployment and sessions stay exactly as they are, and the traffic goes on meanwhile.
 */
export function ClaimsCheck({
  openCopy,
  lesson,
  scenario,
  snapshotUrl,
}: {
  /** A second database from the lesson's start; undefined until the lesson's is ready. */
  openCopy: (() => Promise<WorkerDatabase>) | undefined
  lesson: string
  scenario: unknown
  snapshotUrl: string
}) {
  const [check, setCheck] = useState<CheckState>({ status: 'idle' })
  const isChecking = check.status === 'running'

  const runCheck = async () => {
    if (!openCopy) return
    setCheck({ status: 'running' })
    let copy: WorkerDatabase | undefined
    try {
      copy = await openCopy()
      const start = await fetchSnapshot(snapshotUrl)
      const verdicts = await createSimulationClient(copy).call({ action: 'check', lesson, scenario, start })
      setCheck({ status: 'done', verdicts })
    } catch (error) {
      setCheck({ status: 'failed', reason: error instanceof Error ? error.message : String(error) })
    } finally {
      await copy?.close().catch(() => undefined)
    }
  }

  return (
    <section className="wb-panel claims-check" aria-labelledby="claims-check-heading">
      <h3 id="claims-check-heading">Every claim of this lesson</h3>
      <p className="muted">
        Runs every path headless from the lesson’s start, in this browser, as CI does in Node, in a database
        of its own: yours, and the traffic on it, are left as they are.
      </p>
      <button type="button" className="secondary" onClick={runCheck} disabled={!openCopy || isChecking}>
        {isChecking ? 'Checking…' : 'Check this lesson’s claims'}
      </button>
      {check.status === 'done' && <CheckReport verdicts={check.verdicts} />}
      {check.status === 'failed' && (
        <p role="alert" className="sql-error">
          The check could not run: {check.reason}
        </p>
      )}
    </section>
  )
}

function CheckReport({ verdicts }: { verdicts: PathVerdict[] }) {
  return (
    <div role="region" aria-label="Lesson check" className="claims-report">
      {verdicts.map((verdict) => {
        const expectations = verdict.steps.flatMap((step) => step.expectations)
        const held = expectations.filter((expectation) => expectation.held).length
        return (
          <details key={pathKey(verdict)} open={held < expectations.length}>
            <summary>
              <span data-path={pathKey(verdict)}>
                {describePath(verdict)}: {held} of {expectations.length}{' '}
                {expectations.length === 1 ? 'claim' : 'claims'} held
              </span>{' '}
              <span className="muted">
                · {verdict.requests} requests · event log <code data-event-log>{verdict.eventLogHash}</code>
              </span>
            </summary>
            <ul>
              {verdict.steps.flatMap((step) =>
                step.expectations.map((expectation, index) => (
                  <li key={`${step.id}-${index}`} data-held={expectation.held}>
                    {expectation.held ? '✓' : '✗'} {step.title}: {expectation.claim}{' '}
                    <span className="muted">({expectation.actual})</span>
                  </li>
                )),
              )}
            </ul>
          </details>
        )
      })}
    </div>
  )
}
