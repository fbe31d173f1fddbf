import type { PgError } from './types'

interface PgliteErrorFields {
  code?: unknown
  message?: unknown
  detail?: unknown
  hint?: unknown
  position?: unknown
  where?: unknown
  severity?: unknown
  table?: unknown
  column?: unknown
  constraint?: unknown
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/**
 * Copies the fields of PGlite's DatabaseError into plain data that survives postMessage.
 * Anything that is not a Postgres error (a crashed wasm, a bug of ours) becomes XX000,
 * Postgres's own code for an internal error, with the original message kept.
 */
export function toPgError(thrown: unknown): PgError {
  const fields: PgliteErrorFields = typeof thrown === 'object' && thrown !== null ? thrown : {}
  const code = text(fields.code)
  const message = text(fields.message) ?? String(thrown)
  if (!code) return { code: 'XX000', message }
  const position = Number(fields.position)
  const error: PgError = { code, message }
  const optional = {
    detail: text(fields.detail),
    hint: text(fields.hint),
    position: Number.isInteger(position) && position > 0 ? position : undefined,
    where: text(fields.where),
    severity: text(fields.severity),
    table: text(fields.table),
    column: text(fields.column),
    constraint: text(fields.constraint),
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(error, { [key]: value })
  }
  return error
}

/** The error a cancelled statement reports: Postgres's query_canceled. */
export function cancelledError(): PgError {
  return {
    code: '57014',
    message: 'canceling statement due to user request',
    detail: 'The database was restored to its last snapshot.',
  }
}
