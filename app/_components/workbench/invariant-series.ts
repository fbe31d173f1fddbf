import type { InvariantPoint } from '@/lib/workbench'
import type { ChartWindow } from './traffic-series'

/** One invariant's checks, ready for its number and its sparkline. */
export interface InvariantSeries {
  name: string
  /** The violating rows at the latest check; undefined before the first check. */
  latest: number | undefined
  /**
   * The checks in the window, oldest first; the last check before the window opens is moved to
   * its left edge, since its count held until the next check.
   */
  points: { atMs: number; violations: number }[]
  /** The most violating rows in the window, at least 1: the sparkline's scale. */
  max: number
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
    const inside = checks
      .filter((point) => point.atMs >= timeWindow.startMs)
      .map((point) => ({ atMs: point.atMs, violations: point.violations }))
    const shown = before ? [{ atMs: timeWindow.startMs, violations: before.violations }, ...inside] : inside
    return {
      name,
      latest: checks.at(-1)?.violations,
      points: shown,
      max: Math.max(1, ...shown.map((point) => point.violations)),
    }
  })
}
