import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RequestRecord } from './event-log'
import { metricsBySecond } from './metrics'

function record(fields: Partial<RequestRecord> & Pick<RequestRecord, 'access' | 'outcome'>): RequestRecord {
  return {
    id: 1,
    version: 'v1',
    endpoint: 'GET /user',
    arrivedUs: 0,
    endedUs: 4_000,
    lockWaitUs: 0,
    step: 0,
    ...fields,
  }
}

describe('metricsBySecond', () => {
  it('counts each second’s reads and writes apart as well as together, each with its own p95', () => {
    const [metrics] = metricsBySecond([
      record({ access: 'read', outcome: 'ok' }),
      record({ access: 'read', outcome: 'ok', endedUs: 6_000 }),
      record({ access: 'write', outcome: 'timeout', endedUs: 900_000 }),
      // an INSERT Postgres refused is still a write
      record({ access: 'write', outcome: 'error', code: '42703' }),
    ])
    assert.deepEqual(metrics, {
      second: 0,
      version: 'v1',
      ok: 2,
      errors: { '42703': 1 },
      timeouts: 1,
      degraded: 0,
      p50Ms: 6,
      p95Ms: 900,
      lockWaitMs: 0,
      reads: { ok: 2, errors: {}, timeouts: 0, degraded: 0, p95Ms: 6 },
      writes: { ok: 0, errors: { '42703': 1 }, timeouts: 1, degraded: 0, p95Ms: 900 },
    })
  })
})
