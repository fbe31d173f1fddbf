import { diffLines } from './line-diff'
import './sql-editor.css'

/**
 * The lesson's solution set against the learner's SQL, line by line: lines only in theirs are
 * removed (−), lines only in the solution are added (+).
 */
export function SolutionDiff({ yours, solution }: { yours: string; solution: string }) {
  const lines = diffLines(yours, solution)
  const isSolution = lines.every((line) => line.kind === 'same')
  return (
    <div role="region" aria-label="Solution compared with your SQL" className="solution-diff">
      {isSolution ? (
        <p>Your SQL is the solution.</p>
      ) : (
        <pre>
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
      )}
    </div>
  )
}
