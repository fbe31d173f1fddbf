import { LOCK_MODES } from '../../engine'
import { listSessions, type SessionSnapshot } from '../sessions'
import type { SimulationState } from '../simulation-state'

/** One backend as `pg_stat_activity` lists it; ages are modelled seconds before now. */
export interface ActivityRow {
  pid: number
  application_name: string
  client_addr: string | null
  client_port: number | null
  backend_age_s: number
  xact_age_s: number | null
  query_age_s: number | null
  state_age_s: number
  wait_event_type: string | null
  wait_event: string | null
  state: 'active' | 'idle' | 'idle in transaction' | 'idle in transaction (aborted)'
  backend_xid: string | null
  query: string
}

/** One lock as `pg_locks` lists it; `relation` by name, which the view turns into its oid. */
export interface LockRow {
  locktype: 'relation' | 'virtualxid' | 'transactionid'
  relation: string | null
  virtualxid: string | null
  transactionid: string | null
  virtualtransaction: string
  pid: number
  mode: string
  granted: boolean
  wait_age_s: number | null
}

/** The simulated world as the catalog's views read it, at one moment. */
export interface CatalogRows {
  activity: ActivityRow[]
  locks: LockRow[]
  /** `pg_blocking_pids(pid)` for every pid that waits. */
  blocking: Record<string, number[]>
}

const applicationNames: Record<SessionSnapshot['kind'], (label: string) => string> = {
  app: (label) => label.split(' · ')[0],
  migration: () => 'migration',
  session: (label) => label,
  console: (label) => (label === 'console' ? 'psql' : label),
}

// a transaction gets an xid once it writes (docs: "Transactions and Identifiers"); a number
// per pid keeps pg_locks's transactionid rows joinable, as the wiki's query joins them
const xidOf = (pid: number) => String(100_000 + pid)
const writesAt = LOCK_MODES.indexOf('RowExclusiveLock')

/**
 * Every backend of the simulation, as Postgres's catalog would show it: the apps' pooled
 * connections (idle ones too), the migration and held sessions, and the consoles; their
 * relation locks granted and awaited, a virtualxid lock for each open transaction and a
 * transactionid lock for each that writes; and whom each waiter waits behind. The session
 * asking (`ownPid`) is active, running the query that reads them.
 */
export function catalogRowsOf(sim: SimulationState, ownPid?: number): CatalogRows {
  const ageOf = (sinceUs: number) => Math.max(0, sim.nowUs - sinceUs) / 1e6
  const backendAge = sim.nowUs / 1e6
  const activity: ActivityRow[] = []
  const locks: LockRow[] = []
  const blocking: Record<string, number[]> = {}
  const busy = new Set<number>()
  for (const session of listSessions(sim)) {
    busy.add(session.owner)
    const isOwn = session.owner === ownPid
    const isWaiting = !isOwn && session.state === 'waiting'
    const writes = session.locks.some((lock) => lock.granted && LOCK_MODES.indexOf(lock.mode) >= writesAt)
    const virtualtransaction = `${session.owner}/1`
    const age = ageOf(session.sinceUs)
    activity.push({
      pid: session.owner,
      application_name: applicationNames[session.kind](session.label),
      client_addr: session.kind === 'app' ? '10.0.0.2' : null,
      client_port: session.kind === 'app' ? 40_000 + session.owner : null,
      backend_age_s: backendAge,
      xact_age_s: age,
      query_age_s: age,
      state_age_s: age,
      wait_event_type: isWaiting ? 'Lock' : null,
      wait_event: isWaiting ? 'relation' : null,
      state: isOwn || session.state === 'waiting' ? 'active' : session.state,
      backend_xid: writes ? xidOf(session.owner) : null,
      query: session.sql,
    })
    locks.push({
      locktype: 'virtualxid',
      relation: null,
      virtualxid: virtualtransaction,
      transactionid: null,
      virtualtransaction,
      pid: session.owner,
      mode: 'ExclusiveLock',
      granted: true,
      wait_age_s: null,
    })
    if (writes)
      locks.push({
        locktype: 'transactionid',
        relation: null,
        virtualxid: null,
        transactionid: xidOf(session.owner),
        virtualtransaction,
        pid: session.owner,
        mode: 'ExclusiveLock',
        granted: true,
        wait_age_s: null,
      })
    for (const lock of session.locks)
      locks.push({
        locktype: 'relation',
        relation: lock.relation,
        virtualxid: null,
        transactionid: null,
        virtualtransaction,
        pid: session.owner,
        mode: lock.mode,
        granted: lock.granted,
        wait_age_s: lock.granted ? null : age,
      })
    if (session.blockedBy.length > 0) blocking[session.owner] = [...session.blockedBy].sort((a, b) => a - b)
  }
  // a pooled connection between requests is a backend too, idle
  for (const state of sim.versions.values()) {
    if (!state.isRunning) continue
    for (const connection of state.connections) {
      if (busy.has(connection.owner)) continue
      activity.push({
        pid: connection.owner,
        application_name: state.version.label,
        client_addr: '10.0.0.2',
        client_port: 40_000 + connection.owner,
        backend_age_s: backendAge,
        xact_age_s: null,
        query_age_s: connection.lastSql ? ageOf(connection.idleSinceUs) : null,
        state_age_s: ageOf(connection.idleSinceUs),
        wait_event_type: 'Client',
        wait_event: 'ClientRead',
        state: 'idle',
        backend_xid: null,
        query: connection.lastSql,
      })
    }
  }
  if (ownPid !== undefined && !activity.some((row) => row.pid === ownPid))
    activity.push({
      pid: ownPid,
      application_name: 'psql',
      client_addr: null,
      client_port: null,
      backend_age_s: backendAge,
      xact_age_s: 0,
      query_age_s: 0,
      state_age_s: 0,
      wait_event_type: null,
      wait_event: null,
      state: 'active',
      backend_xid: null,
      query: '',
    })
  activity.sort((a, b) => a.pid - b.pid)
  return { activity, locks, blocking }
}
