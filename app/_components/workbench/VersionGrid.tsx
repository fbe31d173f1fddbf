import { memo, useId } from 'react'
import { recentSeconds, type EndpointStatus } from '@/lib/workbench'
import { formatClock, formatDuration } from './format'

/** What the versions × endpoints grid shows. */
export interface VersionGridProps {
  /** The lesson's app versions, one column each. */
  versions: { id: string; label: string }[]
  /** Every endpoint every version declares, with its SQL; one row per distinct name. */
  endpoints: { version: string; name: string; sql?: string }[]
  /** What each endpoint of each version answered last; a missing one has had no request yet. */
  statuses: EndpointStatus[]
  /** Versions running now and their % of traffic; a version absent from it is not deployed. */
  deployment: Record<string, number>
  /** Virtual ms now, to say how long ago a failure was; without it the failure's clock time is shown. */
  nowMs?: number
}

/** A cell's state, also its `data-state`; `absent` is an endpoint this version does not declare. */
export type EndpointCellState = 'ok' | 'error' | 'timeout' | 'degraded' | 'idle' | 'undeployed' | 'absent'

const stateText: Record<Exclude<EndpointCellState, 'error'>, { icon: string; text: string }> = {
  ok: { icon: '✓', text: 'ok' },
  timeout: { icon: '◔', text: 'timeout' },
  degraded: { icon: '↓', text: 'fallback' },
  idle: { icon: '·', text: 'no requests yet' },
  undeployed: { icon: '–', text: 'not deployed' },
  absent: { icon: '', text: 'not in this version' },
}

/**
 * Every endpoint of every app version, green or red by what it answered last, how many of its
 * recent answers failed, and the exact last failure (SQLSTATE, message, when) one click away:
 * where a migration breaks an old version. The endpoint names stay put while the versions scroll.
 */
export const VersionGrid = memo(function VersionGrid({
  versions,
  endpoints,
  statuses,
  deployment,
  nowMs,
}: VersionGridProps) {
  const headingId = useId()
  const names = [...new Set(endpoints.map((endpoint) => endpoint.name))]
  const declared = new Set(endpoints.map((endpoint) => key(endpoint.version, endpoint.name)))
  const statusOf = new Map(statuses.map((status) => [key(status.version, status.endpoint), status]))

  return (
    <section className="wb-panel wb-grid" aria-labelledby={headingId}>
      <h3 id={headingId}>Versions × endpoints</h3>
      {names.length === 0 ? (
        <p className="wb-empty">This lesson declares no endpoints.</p>
      ) : (
        <div
          className="wb-scroll"
          role="region"
          aria-label="Each endpoint’s last answer, by version"
          tabIndex={0}
        >
          <table className="wb-table">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                {versions.map((version) => (
                  <th scope="col" key={version.id} data-version={version.id}>
                    {version.label} <span className="wb-share">{describeShare(deployment[version.id])}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {names.map((name) => (
                <tr key={name}>
                  <th scope="row">
                    <code>{name}</code>
                    <EndpointSql
                      sent={versions.flatMap((version) => {
                        const sql = endpoints.find(
                          (endpoint) => endpoint.version === version.id && endpoint.name === name,
                        )?.sql
                        return sql === undefined ? [] : [{ label: version.label, sql }]
                      })}
                    />
                  </th>
                  {versions.map((version) => (
                    <EndpointCell
                      key={version.id}
                      version={version.id}
                      endpoint={name}
                      isDeclared={declared.has(key(version.id, name))}
                      isDeployed={deployment[version.id] !== undefined}
                      status={statusOf.get(key(version.id, name))}
                      nowMs={nowMs}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
})

// What the endpoint sends, version by version: the SQL behind a red cell (a column list, a
// name the schema no longer has) is often the whole story.
function EndpointSql({ sent }: { sent: { label: string; sql: string }[] }) {
  if (sent.length === 0) return null
  const isSame = sent.every((entry) => entry.sql === sent[0].sql)
  return (
    <details className="wb-endpoint-sql">
      <summary>its SQL</summary>
      {isSame ? (
        <code>{sent[0].sql}</code>
      ) : (
        <dl>
          {sent.map((entry) => (
            <div key={entry.label}>
              <dt>{entry.label}</dt>
              <dd>
                <code>{entry.sql}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </details>
  )
}

interface EndpointCellProps {
  version: string
  endpoint: string
  isDeclared: boolean
  isDeployed: boolean
  status: EndpointStatus | undefined
  nowMs: number | undefined
}

function EndpointCell({ version, endpoint, isDeclared, isDeployed, status, nowMs }: EndpointCellProps) {
  const state = cellState(isDeclared, isDeployed, status)
  const failure = status?.lastFailure
  const { icon, text } =
    state === 'error'
      ? { icon: '✗', text: failure?.code ? `error ${failure.code}` : 'error' }
      : stateText[state]
  return (
    <td
      className={`wb-cell wb-cell-${state}`}
      data-state={state}
      data-version={version}
      data-endpoint={endpoint}
    >
      <span className="wb-cell-state">
        {icon && <span aria-hidden="true">{icon} </span>}
        {text}
      </span>
      {/* the last answer is one request: how often it failed lately is the steadier truth */}
      {isDeployed && status && status.recent.failed > 0 && (
        <span
          className="wb-cell-recent"
          data-failed={status.recent.failed}
          data-answered={status.recent.answered}
        >
          {status.recent.failed} of {status.recent.answered} failed in {recentSeconds} s
        </span>
      )}
      {failure && (
        <details className="wb-failure">
          <summary>last failure {describeAgo(failure.atMs, nowMs)}</summary>
          <p>
            at {formatClock(failure.atMs)}: {failure.code ? <code>{failure.code}</code> : failure.outcome}{' '}
            {failure.message}
          </p>
        </details>
      )}
    </td>
  )
}

function cellState(
  isDeclared: boolean,
  isDeployed: boolean,
  status: EndpointStatus | undefined,
): EndpointCellState {
  if (!isDeclared) return 'absent'
  if (!isDeployed) return 'undeployed'
  if (!status) return 'idle'
  return status.last
}

function describeShare(share: number | undefined): string {
  return share === undefined ? '(not deployed)' : `(${share}%)`
}

function describeAgo(atMs: number, nowMs: number | undefined): string {
  return nowMs === undefined ? `at ${formatClock(atMs)}` : `${formatDuration(nowMs - atMs)} ago`
}

function key(version: string, endpoint: string): string {
  return `${version}\u0000${endpoint}`
}
