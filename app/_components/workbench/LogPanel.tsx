import { useId, type ReactNode } from 'react'

/** What a log panel shows. */
export interface LogPanelProps {
  title: string
  /** Extra class for the panel, for its own line styles. */
  className?: string
  /** The lines, newest first, each an `<li>`; none shows `empty`. */
  lines: ReactNode[]
  empty: string
}

/**
 * A panel of log lines, newest first, in a box that scrolls. It updates about ten times a
 * second, so it is a log that does not speak: a live region would talk over everything else.
 * The role sits on a wrapper, since on the <ol> itself it would hide the list from its items.
 */
export function LogPanel({ title, className, lines, empty }: LogPanelProps) {
  const headingId = useId()
  return (
    <section className={`wb-panel wb-log ${className ?? ''}`.trimEnd()} aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <div
        className="wb-log-lines"
        role="log"
        aria-live="off"
        aria-labelledby={headingId}
        tabIndex={0}
        data-count={lines.length}
      >
        {lines.length === 0 ? <p className="wb-empty">{empty}</p> : <ol>{lines}</ol>}
      </div>
    </section>
  )
}
