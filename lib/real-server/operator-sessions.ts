import type pg from 'pg'
import { parseOperatorScript, type DatabaseState, type OperatorResult } from '../sim'
import { connectionFailure, endQuietly, pidOf, query, type QueryOutcome } from './pg-calls'

/** What the operator's sessions need from the replay around them. */
export interface SessionsHost {
  databaseState(): DatabaseState
  connect(label: string): Promise<pg.Client>
  /** One statement on the replay's admin connection, in turn with the others. */
  adminQuery(sql: string, params?: unknown[]): Promise<QueryOutcome>
  /** The connections the replay ends when it closes; a session's is one of them while it is open. */
  operatorClients: Set<pg.Client>
  /** Backends terminated behind the apps' backs: their next request finds the connection gone. */
  noteTerminated(pids: ReadonlySet<number>): void
}

interface OperatorSession {
  client: pg.Client
  pid: number
}

/**
 * The scenario's named sessions: real connections left in an open transaction, ended by
 * `commit` or `pg_terminate_backend`, or all at once as pgAdmin's "clear lock" does.
 */
export class OperatorSessions {
  private readonly sessions = new Map<string, OperatorSession>()

  constructor(private readonly host: SessionsHost) {}

  /** Opens a session named `name`: `begin`, then its statements, left in the open transaction. */
  async open(name: string, sql: string): Promise<OperatorResult> {
    if (this.host.databaseState() === 'down') return { ok: false, error: connectionFailure() }
    const client = await this.host.connect(`session ${name}`)
    this.host.operatorClients.add(client)
    this.sessions.set(name, { client, pid: pidOf(client) ?? 0 })
    await client.query('begin')
    const parsed = parseOperatorScript(sql)
    if (!parsed.ok) return { ok: false, error: { code: '42601', message: parsed.problem.message } }
    for (const part of parsed.parts) {
      const statements = part.kind === 'setting' ? [part.sql] : part.statements
      for (const statement of statements) {
        const outcome = await query(client, statement)
        if (!outcome.ok) return { ok: false, error: outcome.error }
      }
    }
    return { ok: true }
  }

  /** Ends the session named `name` by committing its transaction or terminating its backend. */
  async end(name: string, how: 'commit' | 'terminate'): Promise<OperatorResult> {
    const session = this.sessions.get(name)
    if (!session) return { ok: false, error: { code: '08003', message: `no open session named ${name}` } }
    this.sessions.delete(name)
    this.host.operatorClients.delete(session.client)
    if (how === 'terminate') {
      await this.host.adminQuery('select pg_terminate_backend($1)', [session.pid])
      await endQuietly(session.client)
      return { ok: true }
    }
    const committed = await query(session.client, 'commit')
    await endQuietly(session.client)
    return committed.ok ? { ok: true } : { ok: false, error: committed.error }
  }

  /** pgAdmin's "clear lock": every session idle in a transaction of this database ends, the apps' too. */
  async terminateIdle(): Promise<void> {
    const terminated = await this.host.adminQuery(
      `select pid, pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and state in ('idle in transaction', 'idle in transaction (aborted)')`,
    )
    const pids = new Set(
      (terminated.ok ? terminated.rows : []).map((row) => Number((row as { pid: number }).pid)),
    )
    this.host.noteTerminated(pids)
    this.sessions.clear()
  }

  /** The server stopped: the sessions' connections are gone, with nothing left to end. */
  forgetAll(): void {
    for (const session of this.sessions.values()) this.host.operatorClients.delete(session.client)
    this.sessions.clear()
  }
}
