import type pg from 'pg'
import type { ProbeSession } from '../engine'

/**
 * The engine's lock probe on a real connection: rows as arrays of text, as PGlite gives them,
 * and the notices a statement raised (`rewriting table …` at debug1) passed to the probe.
 */
export function probeSessionOf(client: pg.Client): ProbeSession {
  return {
    async query(text, params, onNotice) {
      const listener = (notice: { severity?: string; message?: string }) =>
        onNotice?.({ severity: notice.severity ?? 'NOTICE', message: notice.message ?? '' })
      client.on('notice', listener)
      try {
        const result = await client.query({ text, values: params as unknown[] | undefined, rowMode: 'array' })
        return {
          rows: result.rows.map((row: unknown[]) =>
            row.map((value) => (value === null ? null : String(value))),
          ),
          fields: result.fields.map((field) => ({ name: field.name, typeId: field.dataTypeID })),
          command: result.command,
          rowCount: result.rowCount ?? 0,
        }
      } finally {
        client.off('notice', listener)
      }
    },
  }
}
