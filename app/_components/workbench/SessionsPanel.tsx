'use client'

import { memo, useId } from 'react'
import type { SessionView } from '@/lib/workbench'
import { formatDuration, formatLockMode, truncate } from './format'

/** What the sessions and locks panel shows and whom it tells. */
export interface SessionsPanelProps {
  /** Sessions holding or waiting for a lock, or idle in transaction, in the order to show them. */
  sessions: SessionView[]
  /** How many more sessions the list left out. */
  moreSessions: number
  /** Virtual ms now, to say how long each session has been in its state. */
  nowMs: number
  /** Terminates one session, as `pg_terminate_backend(pid)` would: its transaction rolls back, its locks go. */
  onTerminate(owner: number): void
  /** Turns the Terminate buttons off. */
  disabled: boolean
}

const SQL_LENGTH = 60

const kindText: Record<SessionView['kind'], string> = {
  app: 'app',
  migration: 'migration',
  session: 'scripted session',
  console: 'your console',
}

/**
 * Sessions as rows to show: identical app requests (same version and endpoint, state, waits and
 * locks) folded into one with a count, in the order given; a session others wait on and that
 * waits on nobody is the root of the queue.
 */
export function sessionRowsOf(sessions: readonly SessionView[]): SessionRowView[] {
  const waitedOn = new Set(sessions.flatMap((session) => session.blockedBy))
  const rows: SessionRowView[] = []
  const byKey = new Map<string, SessionRowView>()
  for (const session of sessions) {
    const isRoot = waitedOn.has(session.owner) && session.blockedBy.length === 0
    const key =
      session.kind === 'app' && !isRoot
        ? JSON.stringify([session.label, session.state, session.blockedBy, session.locks])
        : undefined
    const same = key === undefined ? undefined : byKey.get(key)
    if (same) {
      same.owners.push(session.owner)
      same.sinceMs = Math.min(same.sinceMs, session.sinceMs)
      continue
    }
    const row = { ...session, owners: [session.owner], isRoot }
    rows.push(row)
    if (key !== undefined) byKey.set(key, row)
  }
  return rows
}

/** One row of the panel: a session, or identical app requests folded into one. */
export interface SessionRowView extends SessionView {
  /** Every session the row stands for, the first being `owner`. */
  owners: number[]
  /** Others wait on it, and it waits on nobody: ending it drains the queue. */
  isRoot: boolean
}

/**
 * Who holds which lock and who waits behind whom, as `pg_stat_activity` joined with `pg_locks`
 * would show it, with a Terminate button per session: the way out of a lock queue. Its columns
 * wrap to fit the panel; identical waiting requests are one row with a count, and the session at
 * the root of the queue is marked.
 */
export const SessionsPanel = memo(function SessionsPanel({
  sessions,
  moreSessions,
  nowMs,
  onTerminate,
  disabled,
}: SessionsPanelProps) {
  const headingId = useId()
  const rows = sessionRowsOf(sessions)
  return (
    <section className="wb-panel wb-sessions" aria-labelledby={headingId}>
      <h3 id={headingId}>Sessions and locks</h3>
      {rows.length === 0 ? (
        <p className="wb-empty">No session holds or waits for a lock.</p>
      ) : (
        <div
          className="wb-scroll"
          role="region"
          aria-label="Each session’s state, waits and locks"
          tabIndex={0}
        >
          <table className="wb-table wb-sessions-table">
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Waits and locks</th>
                <th scope="col">SQL</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <SessionRow
                  key={row.owner}
                  row={row}
                  nowMs={nowMs}
                  disabled={disabled}
                  onTerminate={onTerminate}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreSessions > 0 && <p className="wb-more">+ {moreSessions} more</p>}
      <p className="wb-more">
        <a href="/reference/locks">What each statement locks</a>, as a real PostgreSQL 18 server showed it.
      </p>
    </section>
  )
})

interface SessionRowProps {
  row: SessionRowView
  nowMs: number
  disabled: boolean
  onTerminate(owner: number): void
}

function SessionRow({ row, nowMs, disabled, onTerminate }: SessionRowProps) {
  const stateClass = row.state === 'idle in transaction' ? 'idle' : row.state
  const count = row.owners.length
  return (
    <tr
      data-owner={row.owner}
      data-owners={row.owners.join(' ')}
      data-state={row.state}
      {...(row.isRoot && { 'data-root': 'true' })}
    >
      <th scope="row">
        <span className="wb-session-label">
          <span className="wb-owner">#{row.owner}</span>
          {count > 1 && <span className="wb-owner"> +{count - 1}</span>} {row.label}
          <span className="wb-kind">
            {' '}
            {count > 1 ? `${count} ${kindText[row.kind]} requests` : kindText[row.kind]}
          </span>
        </span>
        <span className={`wb-session-state wb-session-${stateClass}`}>
          {row.state}{' '}
          <span className="wb-since">
            {count > 1 ? 'the longest ' : ''}
            {formatDuration(nowMs - row.sinceMs)}
          </span>
        </span>
        {row.isRoot && <span className="wb-root">root of the queue: the others wait behind it</span>}
      </th>
      <td>
        <span className="wb-blocked-by" data-blocked-by={row.blockedBy.join(' ')}>
          {row.blockedBy.length > 0 ? `waits on ${row.blockedBy.map((owner) => `#${owner}`).join(', ')}` : ''}
        </span>
        <ul className="wb-locks">
          {row.locks.map((lock) => (
            <li
              key={`${lock.relation}/${lock.mode}/${lock.granted}`}
              className={lock.granted ? 'wb-lock-granted' : 'wb-lock-waiting'}
              data-granted={lock.granted}
            >
              {lock.granted ? 'holds ' : 'waits for '}
              <span className="wb-lock-mode">{formatLockMode(lock.mode)}</span> on{' '}
              <code>{lock.relation}</code>
            </li>
          ))}
        </ul>
      </td>
      <td>
        <code className="wb-sql" title={row.sql}>
          {truncate(row.sql, SQL_LENGTH)}
        </code>
      </td>
      <td>
        {count === 1 && (
          <button
            type="button"
            className="secondary"
            disabled={disabled}
            aria-label={`Terminate session #${row.owner} (${row.label})`}
            onClick={() => onTerminate(row.owner)}
          >
            Terminate
          </button>
        )}
      </td>
    </tr>
  )
}
