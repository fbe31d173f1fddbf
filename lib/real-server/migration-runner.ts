import type pg from 'pg'
import { concurrentIndexBuildOf } from '../engine'
import { parseOperatorScript, type OperatorResult, type ScriptPart, type StepAction } from '../sim'
import { connectionFailure, endQuietly, pidOf, query, type OperatorError } from './pg-calls'

/** What a migration needs from the replay around it: its clock, its state, its connections. */
export interface MigrationHost {
  /** Virtual µs since the replay started. */
  nowUs(): number
  /** Wall ms for a span of virtual ms. */
  wallMs(virtualMs: number): number
  /** Waits a span of virtual ms, in wall time. */
  sleep(virtualMs: number): Promise<void>
  isDatabaseDown(): boolean
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
  if (host.isDatabaseDown()) return { ok: false, error: connectionFailure() }
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
  // an autocommit statement is its own transaction: the same, with room for its modelled time
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

// CONCURRENTLY cannot run in a transaction: the statement runs for real first, with its real
// waits for the transactions that write to the table, and then its modelled build time is
// held as the lock it holds throughout, SHARE UPDATE EXCLUSIVE on the table (docs: CREATE
// INDEX, "Building Indexes Concurrently").
async function runOutsideTransaction(
  host: MigrationHost,
  client: pg.Client,
  sql: string,
  step: number,
): Promise<PartOutcome> {
  const outcome = await runMigrationStatement(host, client, sql, step)
  if (!outcome.ok) return { ok: false, error: outcome.error, sql }
  const holdMs = host.wallMs((host.modelledMicros.get(sql) ?? 0) / 1000)
  const table = concurrentIndexBuildOf(sql)?.table
  if (holdMs >= 1 && table) {
    await client.query('begin')
    const locked = await runMigrationStatement(
      host,
      client,
      `lock table ${table} in share update exclusive mode`,
      step,
    )
    if (locked.ok) await query(client, `select pg_sleep(${(holdMs / 1000).toFixed(4)})`)
    await client.query(locked.ok ? 'commit' : 'rollback')
  }
  return { ok: true }
}

// A statement's lock wait is how long it ran if the server showed it waiting on a lock.
async function runMigrationStatement(
  host: MigrationHost,
  client: pg.Client,
  sql: string,
  step: number,
): Promise<{ ok: true } | { ok: false; error: OperatorError }> {
  const startedUs = host.nowUs()
  const outcome = await query(client, sql)
  const waitedUs = host.waitedDuring(pidOf(client), startedUs, host.nowUs())
  host.operatorLockWaitUs[step] = Math.max(host.operatorLockWaitUs[step] ?? 0, waitedUs)
  return outcome
}
