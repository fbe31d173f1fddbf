import type { ReactNode } from 'react'

/**
 * A safe recipe as the learner's own tools write it: Rails (with strong_migrations), Django,
 * Alembic and plain SQL, each checked against that tool's documentation or source. Closed until
 * asked for, so the lesson's story reads on; `title` names the recipe.
 */
export function InYourFramework({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="framework-box">
      <summary>
        In your framework: {title} <span className="muted">(Rails, Django, Alembic, plain SQL)</span>
      </summary>
      {children}
    </details>
  )
}
