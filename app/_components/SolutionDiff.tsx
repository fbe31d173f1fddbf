import type { ReactNode } from 'react'
import { diffStatements, isCommentLine } from './line-diff'
import './sql-editor.css'

/**
 * The lesson's solution set against the learner's SQL, statement by statement as they run (a
 * statement wrapped otherwise is the same one): statements only in theirs are removed (−),
 * statements only in the solution are added (+). The lesson's own lines in the starter (its
 * comments, its locked lines) are not theirs, and are left out. `actions` sit under the diff (loading the solution into the editor).
 */
export function SolutionDiff({
  yours,
  solution,
  lockedLines = [],
  label = 'Solution compared with your SQL',
  actions,
}: {
  yours: string
  solution: string
  /** The lesson's own lines in the starter, by their text. */
  lockedLines?: readonly string[]
  label?: string
  actions?: ReactNode
}) {
  const lines = diffStatements(yours, solution, lockedLines)
  const isSolution = lines.every((line) => line.kind === 'same')
  return (
    <div role="region" aria-label={label} className="solution-diff">
      {isSolution ? (
        <p>Your SQL is the solution, statement for statement.</p>
      ) : (
        <>
          <p className="muted solution-diff-key">
            <span aria-hidden="true">−</span> only in yours · <span aria-hidden="true">+</span> only in the
            solution
          </p>
          <pre tabIndex={0}>
            <code>
              {lines.map((line, index) => {
                if (line.kind === 'removed') {
                  return (
                    <del key={index} className="solution-diff-line">
                      <span className="solution-diff-mark" aria-hidden="true">
                        −
                      </span>
                      <span className="visually-hidden">Only in yours: </span>
                      {line.text}
                    </del>
                  )
                }
                if (line.kind === 'added') {
                  return (
                    <ins key={index} className="solution-diff-line">
                      <span className="solution-diff-mark" aria-hidden="true">
                        +
                      </span>
                      <span className="visually-hidden">Only in the solution: </span>
                      {line.text}
                    </ins>
                  )
                }
                return (
                  <span key={index} className="solution-diff-line">
                    <span className="solution-diff-mark" aria-hidden="true">
                      {' '}
                    </span>
                    {line.text}
                  </span>
                )
              })}
            </code>
          </pre>
        </>
      )}
      {actions}
    </div>
  )
}

/**
 * The text "load the solution" puts in the editor: the starter's comment lines at its top (the
 * lesson's words, often locked), then the solution.
 */
export function solutionForEditor(starter: string, solution: string): string {
  const lines = starter.split('\n')
  const head: string[] = []
  for (const line of lines) {
    if (!isCommentLine(line)) break
    head.push(line)
  }
  const kept = head.filter((line) => !solution.split('\n').includes(line))
  return [...kept, solution].join('\n') + '\n'
}
