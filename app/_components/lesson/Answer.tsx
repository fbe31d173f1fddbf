import type { ReactNode } from 'react'

/**
 * An answer in the prose, closed until the learner asks: a lesson explains the way, and the
 * learner writes it before reading it. `label` says what opens (default: the answer).
 */
export function Answer({ label = 'Show the answer', children }: { label?: string; children: ReactNode }) {
  return (
    <details className="lesson-answer">
      <summary>{label}</summary>
      {children}
    </details>
  )
}
