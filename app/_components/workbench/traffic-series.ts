import type { AccessMetrics, SecondMetrics } from '@/lib/sim'

/** The span of virtual time a chart shows, in virtual ms. */
export interface ChartWindow {
  startMs: number
  endMs: number
}

/**
 * The last `windowSeconds` ending at `nowMs`; while the run is younger than that, the first
 * `windowSeconds` of it, so the chart fills from the left instead of stretching.
 */
export function chartWindow(nowMs: number, windowSeconds: number): ChartWindow {
  const spanMs = windowSeconds * 1000
  const startMs = Math.max(0, nowMs - spanMs)
  return { startMs, endMs: startMs + spanMs }
}

/** One version's requests in one virtual second, folded for drawing. */
export interface TrafficSecond {
  second: number
  ok: number
  degraded: number
  /** Errors summed over their SQLSTATEs. */
  errors: number
  errorsByCode: Record<string, number>
  timeouts: number
  total: number
  /** 0 when the second answered no request. */
  p95Ms: number
}

/** Which of a version's requests a lane counts when reads and writes are apart. */
export type LaneAccess = 'reads' | 'writes'

/** One version's seconds, or its reads' or its writes' alone, ready for its small chart and its table. */
export interface VersionTraffic {
  version: string
  /** Undefined when it counts all the version's requests. */
  access?: LaneAccess
  /** The completed seconds in the window that answered at least one request, oldest first. */
  seconds: TrafficSecond[]
  /** The last completed second, all zeros if it answered nothing; undefined before the first second ends. */
  last: TrafficSecond | undefined
  /** The last `recentSeconds` completed seconds, newest first, quiet ones as zeros. */
  recent: TrafficSecond[]
}

/** Every version's traffic in one window, with the scales its charts share. */
export interface TrafficSeries {
  timeWindow: ChartWindow
  /** The last second the clock has passed; undefined during the first second. */
  lastSecond: number | undefined
  /**
   * The bars' scale: the most requests one version answered in one second of the window (at
   * least 1), but no more than half again the busy seconds' usual (their 90th percentile), so a
   * backlog answered all at once after a freeze reaches past the top instead of flattening the
   * rest. A clipped bar's count is in the table view.
   */
  maxRequests: number
  /** The top of the p95 scale: the window's highest p95 rounded up to 1, 2 or 5 × 10ⁿ ms, at least 100 ms. */
  p95TopMs: number
  versions: VersionTraffic[]
}

/**
 * Folds a metrics history (any order, any versions) into per-version seconds for the window
 * ending at `nowMs`, counting every request or, given `access`, only the reads or the writes
 * (whose bars then get a scale of their own). A second counts once the clock has passed it, as
 * the simulator hands seconds out; versions not listed are left out, and a (second, version)
 * sent twice is summed.
 */
export function bucketMetrics(
  metrics: readonly SecondMetrics[],
  versions: readonly string[],
  nowMs: number,
  windowSeconds: number,
  recentSeconds = 10,
  access?: LaneAccess,
): TrafficSeries {
  const timeWindow = chartWindow(nowMs, windowSeconds)
  const currentSecond = Math.floor(nowMs / 1000)
  const lastSecond = currentSecond > 0 ? currentSecond - 1 : undefined
  const oldestNeeded = Math.min(Math.floor(timeWindow.startMs / 1000), currentSecond - recentSeconds)

  const byVersion = new Map(versions.map((version) => [version, new Map<number, TrafficSecond>()]))
  for (const entry of metrics) {
    const seconds = byVersion.get(entry.version)
    if (!seconds || entry.second >= currentSecond || entry.second < oldestNeeded) continue
    const counted = toTrafficSecond(entry.second, access ? entry[access] : entry)
    seconds.set(entry.second, addSecond(seconds.get(entry.second), counted))
  }

  let maxRequests = 1
  let maxP95Ms = 0
  const totals: number[] = []
  const series = versions.map((version): VersionTraffic => {
    const seconds = byVersion.get(version) ?? new Map<number, TrafficSecond>()
    const visible = [...seconds.values()]
      .filter((second) => isInWindow(second.second, timeWindow) && second.total > 0)
      .sort((a, b) => a.second - b.second)
    for (const second of visible) {
      maxRequests = Math.max(maxRequests, second.total)
      totals.push(second.total)
      maxP95Ms = Math.max(maxP95Ms, second.p95Ms)
    }
    const recent: TrafficSecond[] = []
    if (lastSecond !== undefined) {
      for (let second = lastSecond; second > lastSecond - recentSeconds && second >= 0; second -= 1)
        recent.push(seconds.get(second) ?? quietSecond(second))
    }
    return { version, ...(access && { access }), seconds: visible, last: recent[0], recent }
  })

  totals.sort((a, b) => a - b)
  const usual = totals[Math.floor(0.9 * (totals.length - 1))] ?? 1
  const scale = Math.max(1, Math.min(maxRequests, Math.ceil(usual * 1.5)))
  return { timeWindow, lastSecond, maxRequests: scale, p95TopMs: roundUpToNiceMs(maxP95Ms), versions: series }
}

/** Rounds up to 1, 2 or 5 × 10ⁿ ms, and to no less than 100 ms, so the p95 scale's top is a round label. */
export function roundUpToNiceMs(ms: number): number {
  if (!Number.isFinite(ms)) return 100
  for (let magnitude = 100; ; magnitude *= 10) {
    for (const factor of [1, 2, 5]) if (factor * magnitude >= ms) return factor * magnitude
  }
}

/**
 * Where a p95 sits on its scale, 0 (bottom) to 1 (top). Logarithmic, because a healthy 3 ms and
 * a lock-blocked 5 s both matter and a linear scale would flatten the first to nothing.
 */
export function p95Height(ms: number, topMs: number): number {
  if (ms <= 0) return 0
  return Math.min(1, Math.log1p(ms) / Math.log1p(topMs))
}

function isInWindow(second: number, timeWindow: ChartWindow): boolean {
  return (second + 1) * 1000 > timeWindow.startMs && second * 1000 < timeWindow.endMs
}

function toTrafficSecond(second: number, metrics: AccessMetrics): TrafficSecond {
  const errors = Object.values(metrics.errors).reduce((sum, count) => sum + count, 0)
  return {
    second,
    ok: metrics.ok,
    degraded: metrics.degraded,
    errors,
    errorsByCode: { ...metrics.errors },
    timeouts: metrics.timeouts,
    total: metrics.ok + metrics.degraded + errors + metrics.timeouts,
    p95Ms: metrics.p95Ms,
  }
}

function addSecond(into: TrafficSecond | undefined, next: TrafficSecond): TrafficSecond {
  if (!into) return next
  const errorsByCode = { ...into.errorsByCode }
  for (const [code, count] of Object.entries(next.errorsByCode))
    errorsByCode[code] = (errorsByCode[code] ?? 0) + count
  return {
    second: into.second,
    ok: into.ok + next.ok,
    degraded: into.degraded + next.degraded,
    errors: into.errors + next.errors,
    errorsByCode,
    timeouts: into.timeouts + next.timeouts,
    total: into.total + next.total,
    // two halves of one second: the larger p95 is the honest bound without the latencies
    p95Ms: Math.max(into.p95Ms, next.p95Ms),
  }
}

function quietSecond(second: number): TrafficSecond {
  return { second, ok: 0, degraded: 0, errors: 0, errorsByCode: {}, timeouts: 0, total: 0, p95Ms: 0 }
}

/** Where `ms` falls across the window, in % from its left edge: the x of a step's marker. */
export function windowPercent(ms: number, timeWindow: ChartWindow): number {
  return ((ms - timeWindow.startMs) / (timeWindow.endMs - timeWindow.startMs)) * 100
}
