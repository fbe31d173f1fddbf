import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { invariantSeries } from './invariant-series'

describe('invariantSeries', () => {
  it('orders each invariant’s checks and reports the latest count', () => {
    const points = [
      { name: 'orders have a total', atMs: 3_000, violations: 4 },
      { name: 'orders have a total', atMs: 1_000, violations: 0 },
      { name: 'emails are unique', atMs: 2_000, violations: 0 },
    ]
    assert.deepEqual(
      invariantSeries(points, ['orders have a total', 'emails are unique'], { startMs: 0, endMs: 60_000 }),
      [
        {
          name: 'orders have a total',
          latest: 4,
          points: [
            { atMs: 1_000, violations: 0 },
            { atMs: 3_000, violations: 4 },
          ],
          max: 4,
        },
        { name: 'emails are unique', latest: 0, points: [{ atMs: 2_000, violations: 0 }], max: 1 },
      ],
    )
  })

  it('carries the last check before the window to its left edge', () => {
    const points = [
      { name: 'n', atMs: 5_000, violations: 7 },
      { name: 'n', atMs: 9_000, violations: 2 },
      { name: 'n', atMs: 30_000, violations: 0 },
    ]
    assert.deepEqual(invariantSeries(points, ['n'], { startMs: 10_000, endMs: 70_000 }), [
      {
        name: 'n',
        latest: 0,
        points: [
          { atMs: 10_000, violations: 2 },
          { atMs: 30_000, violations: 0 },
        ],
        max: 2,
      },
    ])
  })

  it('has no latest count for an invariant not checked yet, and ignores names not asked for', () => {
    assert.deepEqual(
      invariantSeries([{ name: 'other', atMs: 1, violations: 3 }], ['n'], { startMs: 0, endMs: 60_000 }),
      [{ name: 'n', latest: undefined, points: [], max: 1 }],
    )
  })
})
