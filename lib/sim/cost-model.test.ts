import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { classifyStatement } from './cost-model'

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
