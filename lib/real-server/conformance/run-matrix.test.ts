import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useRealServer } from '../real-server-fixture'
import { buildReference } from './reference'
import { runConformanceMatrix } from './run-matrix'
import { conformanceStatements } from './statements'

const server = useRealServer()
const comment = conformanceStatements.filter((statement) => statement.id === 'comment')

describe('the conformance matrix', () => {
  it('replays a cell whose result contradicts the record once more, slower, and judges it by that replay', async () => {
    const options = { statements: comment, workloads: ['held open', 'idle reader'] as const }
    const first = await runConformanceMatrix(server(), options)
    assert.deepEqual(
      first.map((cell) => [cell.workload, cell.status, cell.replayedAt]),
      [
        ['held open', 'agree', undefined],
        ['idle reader', 'agree', undefined],
      ],
    )

    // a record that says the reader's cell disagreed: today's ×10 result contradicts it
    const recorded = buildReference(comment, first, new Map(), 'PostgreSQL 18', '2026-01-01')
    recorded.statements[0].cells['idle reader'] = 'disagree'
    const second = await runConformanceMatrix(server(), { ...options, recorded, confirmTimeScale: 3 })
    assert.deepEqual(
      second.map((cell) => [cell.workload, cell.status, cell.replayedAt]),
      [
        ['held open', 'agree', undefined],
        ['idle reader', 'agree', 3],
      ],
    )
  })
})
