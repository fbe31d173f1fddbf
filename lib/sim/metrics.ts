import type { RequestRecord } from './simulation'

/** What one app version's requests did in one virtual second (by the second they were answered). */
export interface SecondMetrics {
  second: number
  version: string
  ok: number
  /** Errors by SQLSTATE. */
  errors: Record<string, number>
  timeouts: number
  degraded: number
  p50Ms: number
  p95Ms: number
  /** Milliseconds this second's requests spent waiting for locks, summed. */
  lockWaitMs: number
}

/**
 * Folds answered requests into per-version, per-second metrics. Requests are answered in
 * time order, so a second is complete once the clock has passed it: `takeCompleted` hands
 * those out, which is how live mode sends a batch instead of a message per request.
 */
export class MetricsCollector {
  private readonly open = new Map<
    string,
    { second: number; version: string; latencies: number[]; metrics: SecondMetrics }
  >()

  add(record: RequestRecord): void {
    const second = Math.floor(record.endedUs / 1_000_000)
    const key = `${second}/${record.version}`
    let bucket = this.open.get(key)
    if (!bucket) {
      bucket = {
        second,
        version: record.version,
        latencies: [],
        metrics: {
          second,
          version: record.version,
          ok: 0,
          errors: {},
          timeouts: 0,
          degraded: 0,
          p50Ms: 0,
          p95Ms: 0,
          lockWaitMs: 0,
        },
      }
      this.open.set(key, bucket)
    }
    const metrics = bucket.metrics
    if (record.outcome === 'ok') metrics.ok += 1
    else if (record.outcome === 'timeout') metrics.timeouts += 1
    else if (record.outcome === 'degraded') metrics.degraded += 1
    else if (record.code) metrics.errors[record.code] = (metrics.errors[record.code] ?? 0) + 1
    metrics.lockWaitMs += record.lockWaitUs / 1000
    bucket.latencies.push((record.endedUs - record.arrivedUs) / 1000)
  }

  /** The seconds that ended before `nowUs`, oldest first; each is handed out once. */
  takeCompleted(nowUs: number): SecondMetrics[] {
    const current = Math.floor(nowUs / 1_000_000)
    const done = [...this.open.entries()].filter(([, bucket]) => bucket.second < current)
    for (const [key] of done) this.open.delete(key)
    return done.map(([, bucket]) => finish(bucket.metrics, bucket.latencies)).sort(bySecondThenVersion)
  }

  /** Every second still held, complete or not. */
  takeAll(): SecondMetrics[] {
    return this.takeCompleted(Infinity)
  }
}

/** Per-version, per-second metrics of a whole run. */
export function metricsBySecond(records: readonly RequestRecord[]): SecondMetrics[] {
  const collector = new MetricsCollector()
  for (const record of records) collector.add(record)
  return collector.takeAll()
}

function finish(metrics: SecondMetrics, latencies: number[]): SecondMetrics {
  latencies.sort((a, b) => a - b)
  const at = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0
  return {
    ...metrics,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    lockWaitMs: Math.round(metrics.lockWaitMs * 1000) / 1000,
  }
}

function bySecondThenVersion(a: SecondMetrics, b: SecondMetrics): number {
  return a.second - b.second || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0)
}
