import { memo } from 'react'
import type { AuditEntry } from '@/lib/workbench'
import { formatClockMillis } from './format'
import { LogPanel } from './LogPanel'

/** What the audit log shows. */
export interface AuditLogProps {
  /** What was done to the running system, oldest first. */
  entries: AuditEntry[]
}

/**
 * Everything done to the running system, newest first: steps run and judged, deploys and
 * outages from the terminal or the deploy panel, and SQL that changed the database by hand:
 * how the running system came to be as it is.
 */
export const AuditLog = memo(function AuditLog({ entries }: AuditLogProps) {
  const newestFirst = entries.slice().reverse()
  return (
    <LogPanel
      title="Audit log"
      className="wb-audit"
      empty="Nothing done yet."
      lines={newestFirst.map((entry, index) => (
        <li
          key={newestFirst.length - index}
          className={`wb-log-line wb-audit-${entry.actor.replace(' ', '-')}${entry.rewoundFromMs !== undefined ? ' wb-audit-rewind' : ''}`}
          data-actor={entry.actor}
          data-rewound-from={entry.rewoundFromMs}
          data-outcome={entry.outcome}
        >
          <span className="wb-audit-time">{formatClockMillis(entry.atMs)}</span>{' '}
          <span className="wb-audit-actor">{entry.actor}</span>{' '}
          <span>
            {entry.what}
            {entry.outcome === 'failed' && <span className="visually-hidden"> (failed)</span>}
          </span>
        </li>
      ))}
    />
  )
})
