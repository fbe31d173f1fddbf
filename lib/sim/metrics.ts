import type { RequestRecord } from './simulation'

/** How one kind of request (reads, or writes) ended in one second. */
export interface AccessMetrics {
  ok: number
  /** Errors by SQLSTATE. */
  errors: Record<string, number>
  timeouts: number
  degraded: number
  p95Ms: number
}

/** What one app version's requests did in one virtual second (by the second they were answered). */
export interface SecondMetrics extends AccessMetrics {
  second: number
  version: string
  p50Ms: number
  /** Milliseconds this second's requests spent waiting for locks, summed. */
  lockWaitMs: number
  /** The same second's reads alone: requests whose endpoint's SQL only reads rows. */
  reads: AccessMetrics
  /** The same second's writes alone: an INSERT is one even when it fails or times out. */
  writes: AccessMetrics
}

/**
 * Folds answered requests into per-version, per-second metrics. Requests are answered in
 * time order, so a second is complete once the clock has passed it: `takeCompleted` hands
 * those out, which is how live mode sends a batch instead of a message per request.
 */
export class MetricsCollector {
  private readonly open = new Map<string, Bucket>()

  add(record: RequestRecord): void {
    const second = Math.floor(record.endedUs / 1_000_000)
    const key = `${second}/${record.version}`
    let bucket = this.open.get(key)
    if (!bucket) {
      bucket = {
        second,
        version: record.version,
        latencies: { all: [], read: [], write: [] },
        metrics: {
          second,
          version: record.version,
          ...emptyAccess(),
          p50Ms: 0,
          lockWaitMs: 0,
          reads: emptyAccess(),
          writes: emptyAccess(),
        },
      }
      this.open.set(key, bucket)
    }
    const metrics = bucket.metrics
    countOutcome(metrics, record)
    countOutcome(record.access === 'write' ? metrics.writes : metrics.reads, record)
    metrics.lockWaitMs += record.lockWaitUs / 1000
    const latencyMs = (record.endedUs - record.arrivedUs) / 1000
    bucket.latencies.all.push(latencyMs)
    bucket.latencies[record.access].push(latencyMs)
  }

  /** The seconds that ended before `nowUs`, oldest first; each is handed out once. */
  takeCompleted(nowUs: number): SecondMetrics[] {
    const current = Math.floor(nowUs / 1_000_000)
    const done = [...this.open.entries()].filter(([, bucket]) => bucket.second < current)
    for (const [key] of done) this.open.delete(key)
    return done.map(([, bucket]) => finish(bucket)).sort(bySecondThenVersion)
  }

  /** Every second still held, complete or not. */
  takeAll(): SecondMetrics[] {
    return this.takeCompleted(Infinity)
  }
}

interface Bucket {
  second: number
  version: string
  latencies: { all: number[]; read: number[]; write: number[] }
  metrics: SecondMetrics
}

function emptyAccess(): AccessMetrics {
  return { ok: 0, errors: {}, timeouts: 0, degraded: 0, p95Ms: 0 }
}

function countOutcome(metrics: AccessMetrics, record: RequestRecord): void {
  if (record.outcome === 'ok') metrics.ok += 1
  else if (record.outcome === 'timeout') metrics.timeouts += 1
  else if (record.outcome === 'degraded') metrics.degraded += 1
  else if (record.code) metrics.errors[record.code] = (metrics.errors[record.code] ?? 0) + 1
}

/** Per-version, per-second metrics of a whole run. */
export function metricsBySecond(records: readonly RequestRecord[]): SecondMetrics[] {
  const collector = new MetricsCollector()
  for (const record of records) collector.add(record)
  return collector.takeAll()
}

function finish({ metrics, latencies }: Bucket): SecondMetrics {
  return {
    ...metrics,
    p50Ms: percentile(latencies.all, 0.5),
    p95Ms: percentile(latencies.all, 0.95),
    lockWaitMs: Math.round(metrics.lockWaitMs * 1000) / 1000,
    reads: { ...metrics.reads, p95Ms: percentile(latencies.read, 0.95) },
    writes: { ...metrics.writes, p95Ms: percentile(latencies.write, 0.95) },
  }
}

// 0 when the second answered none
function percentile(latencies: number[], fraction: number): number {
  latencies.sort((a, b) => a - b)
  return latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0
}

function bySecondThenVersion(a: SecondMetrics, b: SecondMetrics): number {
  return a.second - b.second || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0)
}
