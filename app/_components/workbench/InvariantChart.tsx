import { memo, useId } from 'react'
import type { InvariantPoint, StepMarker } from '@/lib/workbench'
import { formatClock } from './format'
import { StepMarkLines, StepMarkRuler } from './StepMarks'
import { invariantSeries, type CauseSeries, type InvariantSeries } from './invariant-series'
import { chartWindow, type ChartWindow } from './traffic-series'

/** What the invariants panel shows. */
export interface InvariantChartProps {
  /** Every check of every invariant so far, in any order. */
  points: InvariantPoint[]
  /** The lesson's invariants, in the order to list them. */
  names: string[]
  /** Virtual ms now: the sparklines' right edge once the run is older than the window. */
  nowMs: number
  /** How many virtual seconds the sparklines span; 60 unless told, as the traffic chart. */
  windowSeconds?: number
  /** When each step began, drawn as the traffic chart draws them: what a step did to the data shows. */
  markers?: StepMarker[]
}

const VIEW_WIDTH = 300
const VIEW_HEIGHT = 40
const PLOT_HEIGHT = 36

/**
 * Each invariant's violating rows: the count at the latest check, green at zero and red above,
 * and a sparkline of it over the same virtual-time window as the traffic chart.
 */
export const InvariantChart = memo(function InvariantChart({
  points,
  names,
  nowMs,
  windowSeconds = 60,
  markers = [],
}: InvariantChartProps) {
  const headingId = useId()
  const timeWindow = chartWindow(nowMs, windowSeconds)
  const series = invariantSeries(points, names, timeWindow)
  const visibleMarkers = markers.filter(
    (marker) => marker.atMs >= timeWindow.startMs && marker.atMs <= timeWindow.endMs,
  )

  return (
    <section className="wb-panel wb-invariants" aria-labelledby={headingId}>
      <h3 id={headingId}>Invariants</h3>
      {names.length === 0 ? (
        <p className="wb-empty">This lesson declares no invariants.</p>
      ) : (
        <>
          <StepMarkRuler markers={visibleMarkers} timeWindow={timeWindow} />
          <ul className="wb-invariant-list">
            {series.map((invariant) => (
              <InvariantRow
                key={invariant.name}
                invariant={invariant}
                timeWindow={timeWindow}
                nowMs={nowMs}
                markers={visibleMarkers}
              />
            ))}
          </ul>
          <div className="wb-axis" aria-hidden="true">
            <span>{formatClock(timeWindow.startMs)}</span>
            <span>virtual time; numbers: steps</span>
            <span>{formatClock(timeWindow.endMs)}</span>
          </div>
        </>
      )}
    </section>
  )
})

function InvariantRow({
  invariant,
  timeWindow,
  nowMs,
  markers,
}: {
  invariant: InvariantSeries
  timeWindow: ChartWindow
  nowMs: number
  markers: StepMarker[]
}) {
  const { latest, causes } = invariant
  const state = latest === undefined ? 'unchecked' : latest === 0 ? 'holds' : 'violated'
  const wasViolated = invariant.points.some((point) => point.violations > 0)
  const endMs = Math.min(nowMs, timeWindow.endMs)
  return (
    <li
      className={`wb-invariant wb-invariant-${state}`}
      data-invariant={invariant.name}
      data-violations={latest}
    >
      <span className="wb-invariant-name">{invariant.name}</span>
      <span className="wb-invariant-count">
        {latest === undefined ? (
          'not checked yet'
        ) : (
          <>
            <span className="wb-big-number">{latest}</span>{' '}
            {latest === 0 ? (
              <>
                violating rows <span aria-hidden="true">✓</span>
              </>
            ) : (
              <>
                violating {latest === 1 ? 'row' : 'rows'} <span aria-hidden="true">✗</span>
              </>
            )}
          </>
        )}
      </span>
      {invariant.points.length > 0 && (
        <span className="wb-invariant-scale" aria-hidden="true">
          {wasViolated
            ? `the line’s top: ${invariant.max} ${invariant.max === 1 ? 'row' : 'rows'}`
            : 'the line at 0 rows'}
          {causes.length > 0 && wasViolated && ', in bands by cause'}
        </span>
      )}
      <svg
        className={[
          'wb-sparkline',
          wasViolated && 'wb-sparkline-violated',
          causes.length > 0 && 'wb-sparkline-causes',
        ]
          .filter(Boolean)
          .join(' ')}
        viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={describeHistory(invariant, timeWindow)}
      >
        <line className="wb-chart-baseline" x1={0} x2={VIEW_WIDTH} y1={VIEW_HEIGHT} y2={VIEW_HEIGHT} />
        {drawCauseBands(invariant, timeWindow, endMs).map((band, index) => (
          <path key={causes[index].cause} className={causeClass(causes[index])} d={band} />
        ))}
        <path
          className="wb-sparkline-line"
          d={drawSteps(invariant, timeWindow, endMs)}
          vectorEffect="non-scaling-stroke"
        />
        <StepMarkLines markers={markers} timeWindow={timeWindow} width={VIEW_WIDTH} height={VIEW_HEIGHT} />
      </svg>
      {causes.length > 0 && (
        <ul
          className="wb-cause-legend"
          aria-label={`${invariant.name}: violating rows by cause, at the latest check`}
        >
          {causes.map((cause) => (
            <li
              key={cause.cause}
              data-cause={cause.cause}
              data-rows={cause.latest}
              className={cause.latest === 0 ? 'wb-cause-cleared' : undefined}
            >
              <span className={`wb-swatch ${causeClass(cause)}`} aria-hidden="true" />
              <span className="wb-cause-count">{cause.latest}</span>{' '}
              <span className="wb-cause-name">{cause.cause}</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

// the palette has six colours; a seventh cause shares the first's, and the legend tells them apart
const causeColours = 6

function causeClass(cause: CauseSeries): string {
  return cause.colour === undefined ? 'wb-cause-none' : `wb-cause-${cause.colour % causeColours}`
}

function describeHistory(invariant: InvariantSeries, timeWindow: ChartWindow): string {
  const span = `the last ${Math.round((timeWindow.endMs - timeWindow.startMs) / 1000)} virtual seconds`
  if (invariant.points.length === 0) return `${invariant.name}: not checked in ${span}`
  const peak = Math.max(...invariant.points.map((point) => point.violations))
  if (peak === 0) return `${invariant.name}: no violating rows in ${span}`
  const byCause = invariant.causes
    .filter((cause) => cause.peak > 0)
    .map((cause) => `${cause.cause} up to ${cause.peak}`)
  return `${invariant.name}: up to ${peak} violating rows in ${span}${byCause.length > 0 ? `; by cause, ${byCause.join(', ')}` : ''}`
}

function scaleOf(invariant: InvariantSeries, timeWindow: ChartWindow) {
  const spanMs = timeWindow.endMs - timeWindow.startMs
  return {
    xOf: (ms: number) => Math.round(((ms - timeWindow.startMs) / spanMs) * VIEW_WIDTH * 100) / 100,
    yOf: (rows: number) => Math.round((VIEW_HEIGHT - (rows / invariant.max) * PLOT_HEIGHT) * 100) / 100,
  }
}

// a count holds until the next check: a step line, extended to now
function drawSteps(invariant: InvariantSeries, timeWindow: ChartWindow, endMs: number): string {
  const { xOf, yOf } = scaleOf(invariant, timeWindow)
  let path = ''
  for (const [index, point] of invariant.points.entries()) {
    path +=
      index === 0
        ? `M${xOf(point.atMs)} ${yOf(point.violations)}`
        : `H${xOf(point.atMs)}V${yOf(point.violations)}`
  }
  if (path) path += `H${xOf(endMs)}`
  return path
}

// Each cause a band stacked on the ones before it, stepped as the total line is: the band's
// top runs left to right, its bottom back, so the bands add up to the line drawn over them.
function drawCauseBands(invariant: InvariantSeries, timeWindow: ChartWindow, endMs: number): string[] {
  const { xOf, yOf } = scaleOf(invariant, timeWindow)
  const { points } = invariant
  const edges = points.map((point, index) => [xOf(point.atMs), xOf(points[index + 1]?.atMs ?? endMs)])
  return invariant.causes.map((_, band) => {
    const below = points.map((point) => point.byCause.slice(0, band).reduce((sum, rows) => sum + rows, 0))
    if (points.every((point) => point.byCause[band] === 0)) return ''
    let path = ''
    for (const [index, [from, to]] of edges.entries()) {
      const top = yOf(below[index] + points[index].byCause[band])
      path += index === 0 ? `M${from} ${top}H${to}` : `V${top}H${to}`
    }
    for (let index = points.length - 1; index >= 0; index -= 1)
      path += `V${yOf(below[index])}H${edges[index][0]}`
    return `${path}Z`
  })
}
