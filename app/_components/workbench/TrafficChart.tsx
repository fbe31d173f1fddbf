import { memo, useId } from 'react'
import type { StepMarker } from '@/lib/workbench'
import type { SecondMetrics } from '@/lib/sim'
import { useViewPreference } from '../use-view-preference'
import { describeStepHow, formatClock, formatDuration } from './format'
import { StepMarkLines, StepMarkRuler } from './StepMarks'
import {
  bucketMetrics,
  p95Height,
  type ChartWindow,
  type TrafficSecond,
  type VersionTraffic,
} from './traffic-series'

/** What the traffic chart draws. */
export interface TrafficChartProps {
  /** The lesson's app versions, in the order their charts stack. */
  versions: { id: string; label: string }[]
  /** Per-version, per-second metrics history, in any order; seconds outside the window are ignored. */
  metrics: SecondMetrics[]
  /** Where steps began; those inside the window become dashed lines. */
  markers: StepMarker[]
  /** Virtual ms now: the window's right edge once the run is older than the window. */
  nowMs: number
  /** How many virtual seconds the x axis spans; 60 unless told. */
  windowSeconds?: number
  /**
   * Whether each version's reads and writes get lanes of their own. Unless given, the learner
   * decides with the panel's switch, remembered in this browser; off at first.
   */
  readsAndWritesApart?: boolean
}

// SVG user units; the SVG stretches to its box, so text lives in HTML around it
const VIEW_WIDTH = 600
const VIEW_HEIGHT = 100
// a little headroom so the tallest bar and the p95 line's top stay visible
const PLOT_HEIGHT = 94
const TABLE_SECONDS = 10

/**
 * Each app version's requests per virtual second as small stacked-bar charts (ok, fallback,
 * errors, timeouts) with a p95 latency line and dashed lines where steps began, scrolling
 * with the virtual clock; a summary for screen readers and a table of the last ten seconds.
 * A switch splits each version's lane in two, its reads and its writes: a lock that stops the
 * writes and not the reads shows as one lane going amber while the other stays green.
 */
export const TrafficChart = memo(function TrafficChart({
  versions,
  metrics,
  markers,
  nowMs,
  windowSeconds = 60,
  readsAndWritesApart,
}: TrafficChartProps) {
  const headingId = useId()
  const [isApartChosen, chooseApart] = useViewPreference('traffic-reads-writes-apart')
  const isApart = readsAndWritesApart ?? isApartChosen
  const ids = versions.map((version) => version.id)
  const series = bucketMetrics(metrics, ids, nowMs, windowSeconds, TABLE_SECONDS)
  // reads and writes each on a scale of their own (writes are fewer: on the reads' scale their
  // bars would be slivers), and one p95 scale for both
  const apart = isApart
    ? (['reads', 'writes'] as const).map((access) =>
        bucketMetrics(metrics, ids, nowMs, windowSeconds, TABLE_SECONDS, access),
      )
    : []
  const p95TopMs = isApart ? Math.max(...apart.map((lanes) => lanes.p95TopMs)) : series.p95TopMs
  const lanesOf = (version: string): Lane[] =>
    isApart
      ? apart.flatMap((lanes) =>
          lanes.versions
            .filter((traffic) => traffic.version === version)
            .map((traffic) => ({ traffic, maxRequests: lanes.maxRequests })),
        )
      : series.versions
          .filter((traffic) => traffic.version === version)
          .map((traffic) => ({ traffic, maxRequests: series.maxRequests }))
  const { timeWindow } = series
  const visibleMarkers = markers.filter(
    (marker) => marker.atMs >= timeWindow.startMs && marker.atMs <= timeWindow.endMs,
  )
  const labelOf = new Map(versions.map((version) => [version.id, version.label]))

  return (
    <section
      className={isApart ? 'wb-panel wb-traffic wb-traffic-apart' : 'wb-panel wb-traffic'}
      aria-labelledby={headingId}
    >
      <div className="wb-panel-head">
        <h3 id={headingId}>Traffic</h3>
        {readsAndWritesApart === undefined && (
          <label className="wb-switch">
            <input
              type="checkbox"
              role="switch"
              checked={isApart}
              onChange={(event) => chooseApart(event.target.checked)}
            />
            Reads and writes apart
          </label>
        )}
      </div>
      <ul className="wb-legend" aria-label="Legend">
        <li>
          <span className="wb-swatch wb-fill-ok" aria-hidden="true" /> ok
        </li>
        <li>
          <span className="wb-swatch wb-fill-degraded" aria-hidden="true" /> fallback
        </li>
        <li>
          <span className="wb-swatch wb-fill-error" aria-hidden="true" /> errors
        </li>
        <li>
          <span className="wb-swatch wb-fill-timeout" aria-hidden="true" /> timeouts
        </li>
        <li>
          <span className="wb-swatch-line" aria-hidden="true" /> p95 latency (log scale)
        </li>
        <li>
          <span className="wb-swatch-marker" aria-hidden="true" /> step began
        </li>
      </ul>

      <StepMarkRuler markers={visibleMarkers} timeWindow={timeWindow} />

      {series.versions.map((traffic) => (
        <VersionChart
          key={traffic.version}
          label={labelOf.get(traffic.version) ?? traffic.version}
          traffic={traffic}
          lanes={lanesOf(traffic.version)}
          timeWindow={timeWindow}
          p95TopMs={p95TopMs}
          markers={visibleMarkers}
        />
      ))}

      <div className="wb-axis" aria-hidden="true">
        <span>{formatClock(timeWindow.startMs)}</span>
        <span>virtual time</span>
        <span>{formatClock(timeWindow.endMs)}</span>
      </div>

      <details className="wb-table-details">
        <summary>Show as a table</summary>
        <TrafficTable
          lanes={series.versions.flatMap((traffic) => lanesOf(traffic.version).map((lane) => lane.traffic))}
          labelOf={labelOf}
          isApart={isApart}
        />
        {visibleMarkers.length > 0 && (
          <ul className="wb-marker-list">
            {visibleMarkers.map((marker) => (
              <li key={`${marker.index}-${marker.atMs}`}>
                {formatClock(marker.atMs)} step {marker.index + 1} began: {marker.title} (
                {describeStepHow(marker.how)})
              </li>
            ))}
          </ul>
        )}
      </details>
    </section>
  )
})

/** One lane of a version's chart: what it counts, and its bars' scale. */
interface Lane {
  traffic: VersionTraffic
  maxRequests: number
}

interface VersionChartProps {
  label: string
  /** The version's requests, all of them: its head and its attributes. */
  traffic: VersionTraffic
  /** What its chart draws: its requests in one lane, or its reads and its writes apart. */
  lanes: Lane[]
  timeWindow: ChartWindow
  p95TopMs: number
  markers: StepMarker[]
}

function VersionChart({ label, traffic, lanes, timeWindow, p95TopMs, markers }: VersionChartProps) {
  const last = traffic.last
  const isApart = lanes.some((lane) => lane.traffic.access)
  // apart, a version that answered nothing in the window keeps its head and gives up its lanes
  const isIdle = isApart && traffic.seconds.length === 0
  const answered = last && last.total > 0 ? `${last.total} answered last second` : 'no traffic last second'
  return (
    <div className="wb-version-chart" data-version={traffic.version} {...lastSecondAttributes(last)}>
      <div className="wb-chart-head" aria-hidden={!isIdle}>
        <span className="wb-chart-version">{label}</span>
        <span className="wb-chart-scale">
          {isIdle
            ? `no traffic in the last ${Math.round((timeWindow.endMs - timeWindow.startMs) / 1000)} s`
            : isApart
              ? `${answered} · p95 to ${formatDuration(p95TopMs)}`
              : `${answered} · bars to ${lanes[0].maxRequests}/s · p95 to ${formatDuration(p95TopMs)}`}
        </span>
      </div>
      {!isIdle &&
        lanes.map(({ traffic: lane, maxRequests }) => {
          // one chart per lane; a lane of reads or writes alone is named, with its own scale
          const chart = (
            <LaneChart
              key="all"
              label={lane.access ? `${label} ${lane.access}` : label}
              traffic={lane}
              timeWindow={timeWindow}
              maxRequests={maxRequests}
              p95TopMs={p95TopMs}
              markers={markers}
            />
          )
          if (!lane.access) return chart
          return (
            <div
              key={lane.access}
              className="wb-lane"
              data-access={lane.access}
              {...lastSecondAttributes(lane.last)}
            >
              <span className="wb-lane-name" aria-hidden="true">
                {lane.access}
                <span className="wb-lane-scale">to {maxRequests}/s</span>
              </span>
              {chart}
            </div>
          )
        })}
    </div>
  )
}

// what the last second did, as attributes the tests (and anyone scripting the page) read
function lastSecondAttributes(last: TrafficSecond | undefined): Record<`data-${string}`, number | undefined> {
  return {
    'data-last-second': last?.second,
    'data-last-ok': last?.ok ?? 0,
    'data-last-failed': (last?.errors ?? 0) + (last?.timeouts ?? 0),
    'data-last-errors': last?.errors ?? 0,
    'data-last-timeouts': last?.timeouts ?? 0,
    'data-last-degraded': last?.degraded ?? 0,
  }
}

function LaneChart({
  label,
  traffic,
  timeWindow,
  maxRequests,
  p95TopMs,
  markers,
}: Omit<VersionChartProps, 'lanes'> & { maxRequests: number }) {
  const paths = drawBars(traffic.seconds, timeWindow, maxRequests)
  return (
    <svg
      className={traffic.access ? 'wb-chart wb-chart-lane' : 'wb-chart'}
      viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={summarize(label, traffic.last)}
    >
      <line className="wb-chart-baseline" x1={0} x2={VIEW_WIDTH} y1={VIEW_HEIGHT} y2={VIEW_HEIGHT} />
      <path className="wb-fill-ok" d={paths.ok} />
      <path className="wb-fill-degraded" d={paths.degraded} />
      <path className="wb-fill-error" d={paths.errors} />
      <path className="wb-fill-timeout" d={paths.timeouts} />
      <path
        className="wb-p95-line"
        d={drawP95Line(traffic.seconds, timeWindow, p95TopMs)}
        vectorEffect="non-scaling-stroke"
      />
      <StepMarkLines markers={markers} timeWindow={timeWindow} width={VIEW_WIDTH} height={VIEW_HEIGHT} />
    </svg>
  )
}

function TrafficTable({
  lanes,
  labelOf,
  isApart,
}: {
  lanes: VersionTraffic[]
  labelOf: Map<string, string>
  isApart: boolean
}) {
  const seconds = lanes[0]?.recent.map((entry) => entry.second) ?? []
  if (seconds.length === 0) return <p className="wb-empty">No second has completed yet.</p>
  const what = isApart ? 'reads and writes' : 'requests'
  return (
    <div className="wb-scroll" role="region" aria-label="Traffic, last 10 seconds" tabIndex={0}>
      <table className="wb-table">
        <caption>
          Each version’s {what} in the last {seconds.length} virtual seconds, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Second</th>
            <th scope="col">Version</th>
            {isApart && <th scope="col">Requests</th>}
            <th scope="col">ok</th>
            <th scope="col">fallback</th>
            <th scope="col">errors</th>
            <th scope="col">timeouts</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          {seconds.flatMap((second, row) =>
            lanes.map((traffic) => {
              const entry = traffic.recent[row]
              return (
                <tr key={`${second}-${traffic.version}-${traffic.access ?? 'all'}`}>
                  <td>{formatClock(second * 1000)}</td>
                  <td>{labelOf.get(traffic.version) ?? traffic.version}</td>
                  {traffic.access && <td>{traffic.access}</td>}
                  <td>{entry.ok}</td>
                  <td>{entry.degraded}</td>
                  <td>{describeErrors(entry)}</td>
                  <td>{entry.timeouts}</td>
                  <td>{entry.total > 0 ? formatDuration(entry.p95Ms) : '—'}</td>
                </tr>
              )
            }),
          )}
        </tbody>
      </table>
    </div>
  )
}

function summarize(label: string, last: TrafficSecond | undefined): string {
  if (!last) return `${label}: no second has completed yet`
  if (last.total === 0) return `${label}: no requests last second`
  const fallback = last.degraded > 0 ? `, ${last.degraded} fallback` : ''
  return `${label}: last second ${last.ok} ok${fallback}, ${last.errors} errors, ${last.timeouts} timeouts, p95 ${formatDuration(last.p95Ms)}`
}

function describeErrors(entry: TrafficSecond): string {
  const codes = Object.entries(entry.errorsByCode)
  if (codes.length === 0) return String(entry.errors)
  return `${entry.errors} (${codes.map(([code, count]) => `${count} × ${code}`).join(', ')})`
}

// One path per outcome, a rectangle per second: four elements however long the window.
function drawBars(seconds: TrafficSecond[], timeWindow: ChartWindow, maxRequests: number) {
  const parts = {
    ok: [] as string[],
    degraded: [] as string[],
    errors: [] as string[],
    timeouts: [] as string[],
  }
  const spanMs = timeWindow.endMs - timeWindow.startMs
  const slotWidth = (1000 / spanMs) * VIEW_WIDTH
  const barWidth = round(slotWidth * 0.8)
  for (const second of seconds) {
    const x = round(((second.second * 1000 - timeWindow.startMs) / spanMs) * VIEW_WIDTH + slotWidth * 0.1)
    let bottom = VIEW_HEIGHT
    for (const key of ['ok', 'degraded', 'errors', 'timeouts'] as const) {
      if (second[key] === 0) continue
      const height = (second[key] / maxRequests) * PLOT_HEIGHT
      // a bar past the scale (a backlog answered at once) stops at the top of the plot
      const top = Math.max(VIEW_HEIGHT - PLOT_HEIGHT, bottom - height)
      if (top >= bottom) continue
      parts[key].push(`M${x} ${round(top)}h${barWidth}V${round(bottom)}h${-barWidth}z`)
      bottom = top
    }
  }
  return {
    ok: parts.ok.join(''),
    degraded: parts.degraded.join(''),
    errors: parts.errors.join(''),
    timeouts: parts.timeouts.join(''),
  }
}

// A step line, level across each second; a second with no answered request has no p95, so
// the line breaks there instead of dropping to zero.
function drawP95Line(seconds: TrafficSecond[], timeWindow: ChartWindow, topMs: number): string {
  const spanMs = timeWindow.endMs - timeWindow.startMs
  const xOf = (ms: number) => round(((ms - timeWindow.startMs) / spanMs) * VIEW_WIDTH)
  let path = ''
  let previous: number | undefined
  for (const second of seconds) {
    const y = round(VIEW_HEIGHT - p95Height(second.p95Ms, topMs) * PLOT_HEIGHT)
    const move = previous === second.second - 1 ? 'L' : 'M'
    path += `${move}${xOf(second.second * 1000)} ${y}H${xOf(second.second * 1000 + 1000)}`
    previous = second.second
  }
  return path
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
