import type pg from 'pg'
import { isTransactionBlockOnly, probeLocks, withoutSleeps } from '../engine'
import {
  parseOperatorScript,
  type DatabaseState,
  type OperatorResult,
  type ScriptPart,
  type StepAction,
} from '../sim'
import { connectionFailure, endQuietly, pidOf, query, type OperatorError } from './pg-calls'
import { probeSessionOf } from './probe-session'

/** What a migration needs from the replay around it: its clock, its state, its connections. */
export interface MigrationHost {
  /** Virtual µs since the replay started. */
  nowUs(): number
  /** Wall ms for a span of virtual ms. */
  wallMs(virtualMs: number): number
  /** Waits a span of virtual ms, in wall time. */
  sleep(virtualMs: number): Promise<void>
  databaseState(): DatabaseState
  connect(label: string): Promise<pg.Client>
  /** The connections the replay ends when it closes; a migration's is one of them while it runs. */
  operatorClients: Set<pg.Client>
  /** The modelled µs each migration statement runs once granted, by its SQL (`ReplayOptions`). */
  modelledMicros: ReadonlyMap<string, number>
  /** How long the server showed a backend waiting on a lock between two instants. */
  waitedDuring(pid: number | undefined, fromUs: number, untilUs: number): number
  /** The longest lock wait of each step's operator statements, in virtual µs, by step. */
  operatorLockWaitUs: number[]
}

type PartOutcome = { ok: true } | { ok: false; error: OperatorError; sql?: string }

/**
 * Runs a migration statement by statement on a connection of its own, with its real (scaled)
 * `lock_timeout`, retrying a part that timed out on a lock as its `retry` says, and holding
 * each statement's locks for its modelled time.
 */
export async function runMigration(
  host: MigrationHost,
  sql: string,
  retry: Extract<StepAction, { kind: 'migrate' }>['retry'],
  step: number,
): Promise<OperatorResult> {
  const parsed = parseOperatorScript(sql)
  if (!parsed.ok) return { ok: false, error: { code: '42601', message: parsed.problem.message } }
  // a hanging database takes the connect, and answers it once it goes on
  if (host.databaseState() === 'down') return { ok: false, error: connectionFailure() }
  const client = await host.connect('migration')
  host.operatorClients.add(client)
  try {
    let partIndex = 0
    let attempt = 1
    while (partIndex < parsed.parts.length) {
      const part = parsed.parts[partIndex]
      const outcome = await runPart(host, client, part, step)
      if (outcome.ok) {
        partIndex += 1
        attempt = 1
        continue
      }
      if (outcome.error.code === '55P03' && retry && attempt < retry.attempts) {
        await host.sleep(retry.backoffMs * retry.factor ** (attempt - 1))
        attempt += 1
        continue
      }
      return { ok: false, error: outcome.error, ...(outcome.sql && { statement: outcome.sql }) }
    }
    return { ok: true }
  } finally {
    host.operatorClients.delete(client)
    await endQuietly(client)
  }
}

// a timeout the script set, in wall time: `'125ms'` for 1 s at ×8; off stays off
function scaledTimeout(host: MigrationHost, virtualMs: number | undefined): string {
  return virtualMs === undefined ? 'default' : `'${Math.max(1, Math.round(host.wallMs(virtualMs)))}ms'`
}

async function runPart(
  host: MigrationHost,
  client: pg.Client,
  part: ScriptPart,
  step: number,
): Promise<PartOutcome> {
  if (part.kind === 'setting') {
    await client.query(`set ${part.name} = ${scaledTimeout(host, part.ms)}`)
    return { ok: true }
  }
  if (part.runsOutsideTransaction) return runOutsideTransaction(host, client, part.statements[0], step)
  // an autocommit statement with no modelled time to hold runs as written: some behave apart
  // from a block (LOCK TABLE outside one is refused with 25P01)
  const [only] = part.statements
  const holdMs = host.wallMs((host.modelledMicros.get(only) ?? 0) / 1000)
  if (!part.isBlock && (holdMs < 1 || isTransactionBlockOnly(only))) {
    const outcome = await runMigrationStatement(host, client, only, step)
    return outcome.ok ? { ok: true } : { ok: false, error: outcome.error, sql: only }
  }
  // otherwise it is its own transaction, with room for its modelled time
  await client.query('begin')
  for (const setting of part.localSettings ?? []) {
    await client.query(`set local ${setting.name} = ${scaledTimeout(host, setting.ms)}`)
  }
  for (const sql of part.statements) {
    const outcome = await runMigrationStatement(host, client, sql, step)
    if (!outcome.ok) {
      await client.query('rollback').catch(() => undefined)
      return { ok: false, error: outcome.error, sql }
    }
    const holdMs = host.wallMs((host.modelledMicros.get(sql) ?? 0) / 1000)
    if (holdMs >= 1) {
      const held = await query(client, `select pg_sleep(${(holdMs / 1000).toFixed(4)})`)
      if (!held.ok) {
        await client.query('rollback').catch(() => undefined)
        return { ok: false, error: held.error, sql }
      }
    }
  }
  const committed = await query(client, part.rolledBack ? 'rollback' : 'commit')
  return committed.ok ? { ok: true } : { ok: false, error: committed.error, sql: 'commit' }
}

// A statement that cannot run in a transaction runs for real, with its real phases and waits;
// then its modelled work is held as the lock it holds throughout, the one the engine reports it
// takes first (SHARE UPDATE EXCLUSIVE for CONCURRENTLY, ACCESS EXCLUSIVE for VACUUM FULL).
async function runOutsideTransaction(
  host: MigrationHost,
  client: pg.Client,
  sql: string,
  step: number,
): Promise<PartOutcome> {
  const holdMs = host.wallMs((host.modelledMicros.get(sql) ?? 0) / 1000)
  const known = holdMs >= 1 ? await probeLocks(probeSessionOf(client), sql) : undefined
  const outcome = await runMigrationStatement(host, client, sql, step)
  if (!outcome.ok) return { ok: false, error: outcome.error, sql }
  if (!known?.ok || known.locks.length === 0) return { ok: true }
  await client.query('begin')
  for (const lock of known.locks) {
    const locked = await runMigrationStatement(
      host,
      client,
      `lock table ${lock.relation} in ${lockModeWords(lock.mode)} mode`,
      step,
    )
    if (!locked.ok) {
      await client.query('rollback')
      return { ok: true }
    }
  }
  await query(client, `select pg_sleep(${(holdMs / 1000).toFixed(4)})`)
  await client.query('commit')
  return { ok: true }
}

// `ShareUpdateExclusiveLock` → `share update exclusive`, as LOCK TABLE spells it
function lockModeWords(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
}

// A statement's lock wait is how long it ran if the server showed it waiting on a lock.
async function runMigrationStatement(
  host: MigrationHost,
  client: pg.Client,
  sql: string,
  step: number,
): Promise<{ ok: true } | { ok: false; error: OperatorError }> {
  const startedUs = host.nowUs()
  // a pg_sleep is part of the modelled time the replay holds after it, scaled like every duration
  const outcome = await query(client, withoutSleeps(sql))
  const waitedUs = host.waitedDuring(pidOf(client), startedUs, host.nowUs())
  host.operatorLockWaitUs[step] = Math.max(host.operatorLockWaitUs[step] ?? 0, waitedUs)
  return outcome
}
