import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SecondMetrics } from '@/lib/sim'
import { bucketMetrics, chartWindow, p95Height, roundUpToNiceMs, type TrafficSecond } from './traffic-series'

function second(version: string, at: number, fields: Partial<SecondMetrics> = {}): SecondMetrics {
  return {
    second: at,
    version,
    ok: 0,
    errors: {},
    timeouts: 0,
    degraded: 0,
    p50Ms: 0,
    p95Ms: 0,
    lockWaitMs: 0,
    reads: { ok: 0, errors: {}, timeouts: 0, degraded: 0, p95Ms: 0 },
    writes: { ok: 0, errors: {}, timeouts: 0, degraded: 0, p95Ms: 0 },
    ...fields,
  }
}

function quiet(at: number): TrafficSecond {
  return { second: at, ok: 0, degraded: 0, errors: 0, errorsByCode: {}, timeouts: 0, total: 0, p95Ms: 0 }
}

describe('chartWindow', () => {
  it('shows the first minute while the run is younger, then scrolls with the clock', () => {
    assert.deepEqual(
      [chartWindow(12_000, 60), chartWindow(90_500, 60)],
      [
        { startMs: 0, endMs: 60_000 },
        { startMs: 30_500, endMs: 90_500 },
      ],
    )
  })
})

describe('bucketMetrics', () => {
  it('sorts each version’s seconds, sums errors over codes and takes the last completed second', () => {
    const history = [
      second('v2', 1, { ok: 4, p95Ms: 8 }),
      second('v1', 1, { ok: 2, errors: { '42703': 3, '23502': 1 }, timeouts: 1, p95Ms: 5000 }),
      second('v1', 0, { ok: 9, degraded: 1, p95Ms: 3 }),
    ]
    assert.deepEqual(bucketMetrics(history, ['v1', 'v2'], 2_300, 60, 3), {
      timeWindow: { startMs: 0, endMs: 60_000 },
      lastSecond: 1,
      maxRequests: 10,
      p95TopMs: 5000,
      versions: [
        {
          version: 'v1',
          seconds: [
            { second: 0, ok: 9, degraded: 1, errors: 0, errorsByCode: {}, timeouts: 0, total: 10, p95Ms: 3 },
            {
              second: 1,
              ok: 2,
              degraded: 0,
              errors: 4,
              errorsByCode: { '42703': 3, '23502': 1 },
              timeouts: 1,
              total: 7,
              p95Ms: 5000,
            },
          ],
          last: {
            second: 1,
            ok: 2,
            degraded: 0,
            errors: 4,
            errorsByCode: { '42703': 3, '23502': 1 },
            timeouts: 1,
            total: 7,
            p95Ms: 5000,
          },
          recent: [
            {
              second: 1,
              ok: 2,
              degraded: 0,
              errors: 4,
              errorsByCode: { '42703': 3, '23502': 1 },
              timeouts: 1,
              total: 7,
              p95Ms: 5000,
            },
            { second: 0, ok: 9, degraded: 1, errors: 0, errorsByCode: {}, timeouts: 0, total: 10, p95Ms: 3 },
          ],
        },
        {
          version: 'v2',
          seconds: [
            { second: 1, ok: 4, degraded: 0, errors: 0, errorsByCode: {}, timeouts: 0, total: 4, p95Ms: 8 },
          ],
          last: {
            second: 1,
            ok: 4,
            degraded: 0,
            errors: 0,
            errorsByCode: {},
            timeouts: 0,
            total: 4,
            p95Ms: 8,
          },
          recent: [
            { second: 1, ok: 4, degraded: 0, errors: 0, errorsByCode: {}, timeouts: 0, total: 4, p95Ms: 8 },
            quiet(0),
          ],
        },
      ],
    })
  })

  it('counts a version’s reads or its writes alone when asked, each on a scale of its own: writes time out, reads go on', () => {
    const access = (fields: Partial<SecondMetrics['reads']>) => ({
      ok: 0,
      errors: {},
      timeouts: 0,
      degraded: 0,
      p95Ms: 0,
      ...fields,
    })
    const history = [
      second('v1', 0, {
        ok: 30,
        timeouts: 10,
        p95Ms: 5000,
        reads: access({ ok: 30, p95Ms: 4 }),
        writes: access({ timeouts: 10, p95Ms: 5000 }),
      }),
    ]
    const [reads, writes] = (['reads', 'writes'] as const).map((kind) =>
      bucketMetrics(history, ['v1'], 1_500, 60, 1, kind),
    )
    assert.deepEqual(
      [reads, writes].map(({ maxRequests, p95TopMs, versions: [{ version, access, last }] }) => ({
        maxRequests,
        p95TopMs,
        version,
        access,
        last,
      })),
      [
        {
          maxRequests: 30,
          p95TopMs: 100,
          version: 'v1',
          access: 'reads',
          last: {
            second: 0,
            ok: 30,
            degraded: 0,
            errors: 0,
            errorsByCode: {},
            timeouts: 0,
            total: 30,
            p95Ms: 4,
          },
        },
        {
          maxRequests: 10,
          p95TopMs: 5000,
          version: 'v1',
          access: 'writes',
          last: {
            second: 0,
            ok: 0,
            degraded: 0,
            errors: 0,
            errorsByCode: {},
            timeouts: 10,
            total: 10,
            p95Ms: 5000,
          },
        },
      ],
    )
  })

  it('has no last second before the clock passes the first one', () => {
    const series = bucketMetrics([], ['v1'], 900, 60)
    assert.deepEqual(series.lastSecond, undefined)
    assert.deepEqual(series.versions, [{ version: 'v1', seconds: [], last: undefined, recent: [] }])
  })

  it('reports a version that answered nothing last second as zeros, not as its older numbers', () => {
    const series = bucketMetrics([second('v1', 3, { ok: 50 })], ['v1'], 5_100, 60, 2)
    assert.deepEqual(series.versions[0].last, quiet(4))
    assert.deepEqual(series.versions[0].recent, [
      quiet(4),
      { second: 3, ok: 50, degraded: 0, errors: 0, errorsByCode: {}, timeouts: 0, total: 50, p95Ms: 0 },
    ])
  })

  it('leaves out seconds that scrolled off, seconds not completed yet and versions not asked for', () => {
    const history = [
      second('v1', 9, { ok: 1 }),
      second('v1', 10, { ok: 2 }),
      second('v1', 69, { ok: 3 }),
      second('v1', 70, { ok: 4 }),
      second('v9', 50, { ok: 99 }),
    ]
    const series = bucketMetrics(history, ['v1'], 70_000, 60, 1)
    assert.deepEqual(
      series.versions.map((version) => version.seconds.map((entry) => [entry.second, entry.ok])),
      [
        [
          [10, 2],
          [69, 3],
        ],
      ],
    )
    assert.equal(series.maxRequests, 3)
  })

  it('scales the bars to the busy seconds’ usual, so one backlog flush does not flatten the rest', () => {
    const history = [
      ...Array.from({ length: 20 }, (_, at) => second('v1', at, { ok: 50 })),
      second('v1', 20, { ok: 900 }),
    ]
    assert.equal(bucketMetrics(history, ['v1'], 30_000, 60, 1).maxRequests, 75)
  })

  it('sums a (second, version) sent twice and keeps the larger p95', () => {
    const history = [
      second('v1', 0, { ok: 2, errors: { '57014': 1 }, p95Ms: 40 }),
      second('v1', 0, { ok: 1, errors: { '57014': 2 }, p95Ms: 900 }),
    ]
    assert.deepEqual(bucketMetrics(history, ['v1'], 1_000, 60).versions[0].last, {
      second: 0,
      ok: 3,
      degraded: 0,
      errors: 3,
      errorsByCode: { '57014': 3 },
      timeouts: 0,
      total: 6,
      p95Ms: 900,
    })
  })
})

describe('the p95 scale', () => {
  it('tops out at 1, 2 or 5 × 10ⁿ ms, never under 100 ms', () => {
    assert.deepEqual(
      [0, 3, 100, 101, 250, 999, 1001, 4_999, 5_000, 12_000].map(roundUpToNiceMs),
      [100, 100, 100, 200, 500, 1000, 2000, 5000, 5000, 20_000],
    )
  })

  it('puts zero at the bottom, the top at 1 and a few ms well above the floor', () => {
    assert.deepEqual(
      [p95Height(0, 5000), p95Height(5000, 5000), p95Height(9000, 5000), p95Height(3, 5000) > 0.15],
      [0, 1, 1, true],
    )
  })
})
