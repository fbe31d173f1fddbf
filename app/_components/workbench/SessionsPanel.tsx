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
 * Who holds which lock and who waits behind whom, as `pg_stat_activity` joined with `pg_locks`
 * would show it, with a Terminate button per session: the way out of a lock queue.
 */
export const SessionsPanel = memo(function SessionsPanel({
  sessions,
  moreSessions,
  nowMs,
  onTerminate,
  disabled,
}: SessionsPanelProps) {
  const headingId = useId()
  return (
    <section className="wb-panel wb-sessions" aria-labelledby={headingId}>
      <h3 id={headingId}>Sessions and locks</h3>
      {sessions.length === 0 ? (
        <p className="wb-empty">No session holds or waits for a lock.</p>
      ) : (
        <div
          className="wb-scroll"
          role="region"
          aria-label="Each session’s state, waits and locks"
          tabIndex={0}
        >
          <table className="wb-table">
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">State</th>
                <th scope="col">Waits on</th>
                <th scope="col">Locks</th>
                <th scope="col">SQL</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <SessionRow
                  key={session.owner}
                  session={session}
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
  session: SessionView
  nowMs: number
  disabled: boolean
  onTerminate(owner: number): void
}

function SessionRow({ session, nowMs, disabled, onTerminate }: SessionRowProps) {
  const stateClass = session.state === 'idle in transaction' ? 'idle' : session.state
  return (
    <tr data-owner={session.owner} data-state={session.state}>
      <th scope="row">
        <span className="wb-session-label">
          <span className="wb-owner">#{session.owner}</span> {session.label}
          <span className="wb-kind"> {kindText[session.kind]}</span>
        </span>
      </th>
      <td className={`wb-session-state wb-session-${stateClass}`}>
        {session.state} <span className="wb-since">{formatDuration(nowMs - session.sinceMs)}</span>
      </td>
      <td className="wb-blocked-by" data-blocked-by={session.blockedBy.join(' ')}>
        {session.blockedBy.length > 0
          ? `waits on ${session.blockedBy.map((owner) => `#${owner}`).join(', ')}`
          : '—'}
      </td>
      <td>
        <ul className="wb-locks">
          {session.locks.map((lock) => (
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
        <code className="wb-sql" title={session.sql}>
          {truncate(session.sql, SQL_LENGTH)}
        </code>
      </td>
      <td>
        <button
          type="button"
          className="secondary"
          disabled={disabled}
          aria-label={`Terminate session #${session.owner} (${session.label})`}
          onClick={() => onTerminate(session.owner)}
        >
          Terminate
        </button>
      </td>
    </tr>
  )
}
