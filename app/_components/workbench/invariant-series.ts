import type { InvariantPoint } from '@/lib/workbench'
import type { ChartWindow } from './traffic-series'

/** What the rows a query named no cause for are called, beside the causes it did name. */
export const noCauseGiven = 'no cause given'

/** One cause of an invariant's violating rows, as its legend and its band of the chart show it. */
export interface CauseSeries {
  /** In the query's words, or `noCauseGiven`. */
  cause: string
  /** Its rows at the latest check; 0 when that check did not name it. */
  latest: number
  /** Its most rows at one check in the window. */
  peak: number
  /**
   * Which colour it gets: the order causes first appeared in, over every check kept, so a
   * cause keeps its colour while others come and go. Undefined for `noCauseGiven`, drawn grey.
   */
  colour?: number
}

/** One check in a window: its total, and its rows by the series' `causes`, in their order. */
export interface InvariantSeriesPoint {
  atMs: number
  violations: number
  /** Rows per cause, aligned with `InvariantSeries.causes`; empty when no check named a cause. */
  byCause: number[]
}

/** One invariant's checks, ready for its number, its chart and its legend. */
export interface InvariantSeries {
  name: string
  /** The violating rows at the latest check; undefined before the first check. */
  latest: number | undefined
  /**
   * The checks in the window, oldest first; the last check before the window opens is moved to
   * its left edge, since its count held until the next check.
   */
  points: InvariantSeriesPoint[]
  /** The most violating rows in the window, at least 1: the chart's scale. */
  max: number
  /**
   * The causes the checks in the window named, in the order they first appeared, then
   * `noCauseGiven` when some of those checks' rows had none; empty when no check named one.
   */
  causes: CauseSeries[]
}

/** Folds a history of checks (any order, any invariants) into one series per name, in `names` order. */
export function invariantSeries(
  points: readonly InvariantPoint[],
  names: readonly string[],
  timeWindow: ChartWindow,
): InvariantSeries[] {
  const byName = new Map(names.map((name) => [name, [] as InvariantPoint[]]))
  for (const point of points) byName.get(point.name)?.push(point)
  return names.map((name) => {
    const checks = (byName.get(name) ?? []).filter((point) => point.atMs <= timeWindow.endMs)
    checks.sort((a, b) => a.atMs - b.atMs)
    const before = checks.filter((point) => point.atMs < timeWindow.startMs).at(-1)
    const inside = checks.filter((point) => point.atMs >= timeWindow.startMs)
    const shown = before ? [{ ...before, atMs: timeWindow.startMs }, ...inside] : inside
    const causes = causesOf(checks, shown)
    const latest = checks.at(-1)
    return {
      name,
      latest: latest?.violations,
      points: shown.map((point) => ({
        atMs: point.atMs,
        violations: point.violations,
        byCause: causes.map(({ cause }) => rowsOf(point, cause)),
      })),
      max: Math.max(1, ...shown.map((point) => point.violations)),
      causes: causes.map((cause) => ({
        ...cause,
        latest: latest ? rowsOf(latest, cause.cause) : 0,
        peak: Math.max(0, ...shown.map((point) => rowsOf(point, cause.cause))),
      })),
    }
  })
}

// the causes named in the window, coloured by when each first appeared in all the checks kept
function causesOf(
  checks: readonly InvariantPoint[],
  shown: readonly InvariantPoint[],
): Pick<CauseSeries, 'cause' | 'colour'>[] {
  const colours = new Map<string, number>()
  for (const check of checks)
    for (const cause of Object.keys(check.causes ?? {}))
      if (!colours.has(cause)) colours.set(cause, colours.size)
  const named = new Set(shown.flatMap((point) => Object.keys(point.causes ?? {})))
  named.delete(noCauseGiven)
  const causes = [...named]
    .sort((a, b) => colours.get(a)! - colours.get(b)!)
    .map((cause) => ({ cause, colour: colours.get(cause) }))
  if (causes.length > 0 && shown.some((point) => rowsOf(point, noCauseGiven) > 0))
    causes.push({ cause: noCauseGiven, colour: undefined })
  return causes
}

// a check's rows of one cause; `noCauseGiven` is what its other causes leave of the total
// (a query that names that very cause is counted with them)
function rowsOf(point: InvariantPoint, cause: string): number {
  const causes = Object.entries(point.causes ?? {})
  if (cause !== noCauseGiven) return causes.find(([named]) => named === cause)?.[1] ?? 0
  const named = causes.filter(([named]) => named !== noCauseGiven)
  return point.violations - named.reduce((sum, [, rows]) => sum + rows, 0)
}
