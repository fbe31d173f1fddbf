import type { StepMarker } from '@/lib/workbench'
import { describeStepHow } from './format'
import { windowPercent, type ChartWindow } from './traffic-series'

/** The numbers of the steps that began in the window, above a chart's lanes, where each began. */
export function StepMarkRuler({ markers, timeWindow }: { markers: StepMarker[]; timeWindow: ChartWindow }) {
  return (
    <div className="wb-marker-ruler" aria-hidden="true">
      {markers.map((marker) => (
        <span
          key={`${marker.index}-${marker.atMs}`}
          className="wb-marker-label"
          style={{ left: `${windowPercent(marker.atMs, timeWindow)}%` }}
          title={`Step ${marker.index + 1}: ${marker.title} (${describeStepHow(marker.how)})`}
        >
          {marker.index + 1}
        </span>
      ))}
    </div>
  )
}

/** A dashed line where each step began, across an SVG lane `width` × `height` in its own units. */
export function StepMarkLines({
  markers,
  timeWindow,
  width,
  height,
}: {
  markers: StepMarker[]
  timeWindow: ChartWindow
  width: number
  height: number
}) {
  return markers.map((marker) => {
    const x = Math.round(windowPercent(marker.atMs, timeWindow) * width) / 100
    return (
      <line
        key={`${marker.index}-${marker.atMs}`}
        className="wb-marker-line"
        x1={x}
        x2={x}
        y1={0}
        y2={height}
        vectorEffect="non-scaling-stroke"
      />
    )
  })
}
