import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { classifyStatement, costModel } from './cost-model'

const catalogOnly = { command: 'ALTER', rewrites: [], scans: [] }

describe('the cost model’s operation classes', () => {
  it('counts a UNIQUE or PRIMARY KEY constraint as the index build it is, unless it adopts an index', () => {
    const classes = [
      'alter table product add constraint product_slug_key unique (slug)',
      'ALTER TABLE product ADD UNIQUE (slug)',
      'alter table product add primary key (id)',
      'alter table product add constraint product_slug_key unique using index product_slug_idx',
      'alter table product add column slug text',
    ].map((sql) => classifyStatement(sql, catalogOnly))
    assert.deepEqual(classes, ['index build', 'index build', 'index build', 'metadata only', 'metadata only'])
  })

  it('trusts what Postgres revealed first: a rewrite is a rewrite, a scan a scan', () => {
    assert.equal(
      classifyStatement('alter table t add column c float default random()', {
        ...catalogOnly,
        rewrites: ['t'],
      }),
      'rewrite',
    )
    assert.equal(
      classifyStatement('alter table t alter column c set not null', { ...catalogOnly, scans: ['t'] }),
      'scan',
    )
  })
})

describe('the cost model’s calibration', () => {
  it('uses the per-row figures fitted to the real server’s timings, as recorded', () => {
    // the record's schema lives with the content (lib/scenario), a layer above this one
    const calibration = JSON.parse(readFileSync('content/reference/cost-calibration.json', 'utf8')) as {
      fits: { constant: string; microsPerRow: number }[]
    }
    assert.ok(calibration.fits.length >= 4)
    const model: Record<string, number> = costModel
    assert.deepEqual(
      calibration.fits.map((fit) => [fit.constant, model[fit.constant]]),
      calibration.fits.map((fit) => [fit.constant, fit.microsPerRow]),
    )
  })

  it('times a REINDEX as the index builds it did, at their table’s size', () => {
    assert.equal(
      classifyStatement('reindex table users', {
        ...catalogOnly,
        rebuilds: [{ index: 'a', table: 'users' }],
      }),
      'index build',
    )
  })
})
