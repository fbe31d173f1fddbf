import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deployV1, simulate, step } from './simulation-fixture'

describe('claims per endpoint', () => {
  it('tell a version’s reads going on from its writes waiting behind a CREATE INDEX', async () => {
    const run = await simulate(
      [
        deployV1,
        step(
          'index',
          { kind: 'migrate', sql: 'create index users_name on users (name)' },
          { expect: { endpoints: { 'v1 GET /user': 'ok', 'v1 POST /user': 'times out' } } },
        ),
      ],
      // a build of about 10 modelled seconds, twice the app's timeout
      { tableRows: { users: 20_000_000 } },
    )
    assert.deepEqual(
      run.steps[1].expectations.map((result) => [result.claim, result.held]),
      [
        ['v1 GET /user serves every request', true],
        ['v1 POST /user times out', true],
      ],
    )
  })
})

describe('old code on a new schema', () => {
  it('breaks the old version with 42703 once a column it reads is renamed', async () => {
    const run = await simulate([
      deployV1,
      step(
        'rename',
        { kind: 'migrate', sql: 'alter table users rename column name to full_name' },
        {
          expect: { versions: { v1: { fails: '42703' } }, result: 'succeeds' },
        },
      ),
    ])
    assert.deepEqual(
      run.steps[1].expectations.map((result) => result.held),
      [true, true],
    )
    const codes = new Set(
      run.simulation.records
        .filter((record) => record.step === 1)
        .map((record) => record.code ?? record.outcome),
    )
    assert.ok(codes.has('42703'))
  })

  it('breaks old INSERTs with 23502 once a NOT NULL column loses its default', async () => {
    const run = await simulate([
      deployV1,
      step(
        'add-slug',
        {
          kind: 'migrate',
          sql: "alter table users add column slug text not null default ''; alter table users alter column slug drop default",
        },
        { expect: { versions: { v1: { fails: '23502' } } } },
      ),
    ])
    assert.equal(run.steps[1].expectations[0].held, true)
    const failures = run.simulation.records.filter((record) => record.code === '23502')
    assert.ok(failures.every((record) => record.endpoint === 'POST /user'))
  })
})
