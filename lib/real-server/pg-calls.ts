import pg from 'pg'
import type { RealServer } from './server'

/** Opens a connection to one database of the server, named for pg_stat_activity, with its pid known. */
export async function connectClient(
  server: RealServer,
  database: string,
  label: string,
  deadlockTimeoutMs: number,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: 'postgres',
    database,
    application_name: label,
    // Postgres looks for deadlocks after deadlock_timeout (1 s) of waiting: scaled like every duration
    options: `-c deadlock_timeout=${Math.max(1, Math.round(deadlockTimeoutMs))}ms`,
  })
  // a terminated or shut-down backend surfaces here as well as on the query in flight
  client.on('error', () => undefined)
  await client.connect()
  const { rows } = await client.query('select pg_backend_pid() as pid')
  backendPids.set(client, Number(rows[0].pid))
  return client
}

// node-postgres keeps the backend's pid privately; we ask the server once per connection
const backendPids = new WeakMap<pg.Client, number>()

/** The backend pid of a connection we opened. */
export function pidOf(client: pg.Client | undefined): number | undefined {
  return client ? backendPids.get(client) : undefined
}

/** A failure as the replay keeps it: Postgres's SQLSTATE, or 08006 for a connection that failed. */
export type OperatorError = { code: string; message: string }

export type QueryOutcome =
  { ok: true; command: string; rows: unknown[] } | { ok: false; error: OperatorError }

/** Runs one statement; an error, from the server or the connection, comes back as a value. */
export async function query(client: pg.Client, sql: string, params?: unknown[]): Promise<QueryOutcome> {
  try {
    const result = await client.query({ text: sql, values: params })
    const last = Array.isArray(result) ? result.at(-1) : result
    return { ok: true, command: last?.command ?? '', rows: last?.rows ?? [] }
  } catch (error) {
    return { ok: false, error: asPgError(error) }
  }
}

/** Any thrown error as a SQLSTATE and a message. */
export function asPgError(error: unknown): OperatorError {
  const candidate = error as { code?: unknown; message?: unknown }
  const code =
    typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) ? candidate.code : '08006'
  return { code, message: String(candidate.message ?? error) }
}

// The connection itself failed: refused, reset, or ended by a server shutting down (57P01).
export function isConnectionError(error: OperatorError): boolean {
  return (
    error.code.startsWith('08') || error.code === '57P01' || error.code === '57P02' || error.code === '57P03'
  )
}

/** What a request gets while the database is stopped. */
export function connectionFailure(): OperatorError {
  return { code: '08006', message: 'connection to server failed: the database is stopped' }
}

/** Closes a connection that may already be gone. */
export async function endQuietly(client: pg.Client): Promise<void> {
  try {
    await client.end()
  } catch {
    // already gone: a terminated backend or a stopped server
  }
}
