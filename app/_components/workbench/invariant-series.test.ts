import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InvariantPoint } from '@/lib/workbench'
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
            { atMs: 1_000, violations: 0, byCause: [] },
            { atMs: 3_000, violations: 4, byCause: [] },
          ],
          max: 4,
          causes: [],
        },
        {
          name: 'emails are unique',
          latest: 0,
          points: [{ atMs: 2_000, violations: 0, byCause: [] }],
          max: 1,
          causes: [],
        },
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
          { atMs: 10_000, violations: 2, byCause: [] },
          { atMs: 30_000, violations: 0, byCause: [] },
        ],
        max: 2,
        causes: [],
      },
    ])
  })

  it('has no latest count for an invariant not checked yet, and ignores names not asked for', () => {
    assert.deepEqual(
      invariantSeries([{ name: 'other', atMs: 1, violations: 3 }], ['n'], { startMs: 0, endMs: 60_000 }),
      [{ name: 'n', latest: undefined, points: [], max: 1, causes: [] }],
    )
  })

  it('splits each check by the causes the window saw, with what no cause explains last, and each cause’s latest count', () => {
    const points: InvariantPoint[] = [
      { name: 'n', atMs: 1_000, violations: 3, causes: { 'name missing': 3 } },
      { name: 'n', atMs: 2_000, violations: 6, causes: { 'name missing': 4, disagree: 1 } },
      { name: 'n', atMs: 3_000, violations: 2, causes: { disagree: 2 } },
    ]
    assert.deepEqual(invariantSeries(points, ['n'], { startMs: 0, endMs: 60_000 }), [
      {
        name: 'n',
        latest: 2,
        points: [
          { atMs: 1_000, violations: 3, byCause: [3, 0, 0] },
          { atMs: 2_000, violations: 6, byCause: [4, 1, 1] },
          { atMs: 3_000, violations: 2, byCause: [0, 2, 0] },
        ],
        max: 6,
        causes: [
          { cause: 'name missing', colour: 0, latest: 0, peak: 4 },
          { cause: 'disagree', colour: 1, latest: 2, peak: 2 },
          { cause: 'no cause given', colour: undefined, latest: 0, peak: 1 },
        ],
      },
    ])
  })

  it('keeps a cause’s colour once the window has scrolled past it, and leaves it out of the legend', () => {
    const points: InvariantPoint[] = [
      { name: 'n', atMs: 1_000, violations: 3, causes: { early: 3 } },
      { name: 'n', atMs: 30_000, violations: 0 },
      { name: 'n', atMs: 90_000, violations: 1, causes: { late: 1 } },
      { name: 'n', atMs: 95_000, violations: 1, causes: { late: 1 } },
    ]
    const [series] = invariantSeries(points, ['n'], { startMs: 40_000, endMs: 100_000 })
    assert.deepEqual(series.causes, [{ cause: 'late', colour: 1, latest: 1, peak: 1 }])
  })
})
