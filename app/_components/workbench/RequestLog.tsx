import { memo } from 'react'
import type { RequestLogEntry } from '@/lib/workbench'
import { formatClockMillis, formatDuration } from './format'
import { LogPanel } from './LogPanel'

/** What the request log shows. */
export interface RequestLogProps {
  /** Answered requests, newest last. */
  entries: RequestLogEntry[]
  /** How many of the newest to show; 30 unless told. */
  limit?: number
}

/**
 * The newest answered requests as an app's log lines, newest first: time, version, endpoint,
 * status and, for a failure, the SQLSTATE and Postgres's message.
 */
export const RequestLog = memo(function RequestLog({ entries, limit = 30 }: RequestLogProps) {
  const newestFirst = entries.slice(-limit).reverse()
  return (
    <LogPanel
      title="Request log"
      empty="No request answered yet."
      lines={newestFirst.map((entry) => (
        <li
          key={entry.id}
          className={`wb-log-line wb-outcome-${entry.outcome}`}
          data-outcome={entry.outcome}
          data-code={entry.code}
        >
          {formatLogLine(entry)}
        </li>
      ))}
    />
  )
})

/**
 * One request as a log line: `00:12.345 v1.0.0 POST /orders 500 42703 column "x" does not exist (3 ms)`.
 * The HTTP status is what the simulated app would answer: 200, a 500 for an error, a 504 for a timeout.
 */
export function formatLogLine(entry: RequestLogEntry): string {
  const head = `${formatClockMillis(entry.atMs)} ${entry.version} ${entry.endpoint}`
  const took = formatDuration(entry.latencyMs)
  switch (entry.outcome) {
    case 'ok':
      return `${head} 200 ok ${took}`
    case 'degraded':
      return `${head} 200 fallback ${took}`
    case 'timeout':
      return `${head} 504 timeout after ${took}`
    case 'error':
      return `${head} 500 ${[entry.code, entry.message].filter(Boolean).join(' ') || 'error'} (${took})`
  }
}
