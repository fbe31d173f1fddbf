import {
  isTransactionForbidden,
  isolationLevelOf,
  normalizeStatement,
  splitSql,
  transactionControlOf,
  type IsolationLevel,
} from '../engine'

/** Session settings the simulator itself enforces, since PGlite never waits on a lock. */
export type TimeoutSetting = 'lock_timeout' | 'statement_timeout'

/** One piece of an operator's script, in the order the session meets it. */
export type ScriptPart =
  /** `SET lock_timeout = '1s'`; `undefined` ms turns the timeout off (0, DEFAULT, RESET). */
  | { kind: 'setting'; name: TimeoutSetting; ms: number | undefined; sql: string }
  /**
   * Statements committed together: one autocommit statement, or a BEGIN … COMMIT block.
   * `rolledBack` when the block ends in ROLLBACK (it runs, then nothing of it is kept).
   */
  | {
      kind: 'transaction'
      statements: string[]
      isBlock: boolean
      rolledBack: boolean
      runsOutsideTransaction: boolean
      /**
       * `SET LOCAL lock_timeout …` inside the block: in force for this transaction only (from
       * its start, here), and gone at its COMMIT or ROLLBACK.
       */
      localSettings?: { name: TimeoutSetting; ms: number | undefined }[]
      /**
       * Asked for by BEGIN ISOLATION LEVEL, or by SET TRANSACTION ISOLATION LEVEL before the
       * block's first statement; READ COMMITTED when undefined.
       */
      isolation?: IsolationLevel
    }

/** A script that cannot be run as written; a message, as Postgres or psql would say it. */
export interface ScriptProblem {
  message: string
}

const timeoutSetting =
  /^(?:set (session |local )?(lock_timeout|statement_timeout) (?:to|=) (.+)|reset (lock_timeout|statement_timeout))$/

/**
 * Splits an operator's script (a migration, a learner's SQL) into what Postgres would commit
 * separately: each statement outside BEGIN … COMMIT is its own transaction, so traffic
 * interleaves between them as it would on a real server.
 */
export function parseOperatorScript(
  script: string,
): { ok: true; parts: ScriptPart[] } | { ok: false; problem: ScriptProblem } {
  const parts: ScriptPart[] = []
  let block: string[] | undefined
  let localSettings: { name: TimeoutSetting; ms: number | undefined }[] = []
  let isolation: IsolationLevel | undefined
  for (const { sql } of splitSql(script)) {
    const setting = timeoutSetting.exec(normalizeStatement(sql))
    const control = transactionControlOf(sql)
    if (setting) {
      const name = (setting[2] ?? setting[4]) as TimeoutSetting
      const ms = setting[3] === undefined ? undefined : parseDuration(setting[3])
      if (ms === null)
        return { ok: false, problem: { message: `invalid value for parameter "${name}": ${setting[3]}` } }
      // SET LOCAL lasts until the transaction ends; outside a block it does nothing (Postgres
      // warns "SET LOCAL can only be used in transaction blocks")
      if (setting[1] === 'local ') {
        if (block) localSettings.push({ name, ms })
        continue
      }
      parts.push({ kind: 'setting', name, ms, sql })
    } else if (control === 'begin') {
      if (block) return { ok: false, problem: { message: 'there is already a transaction in progress' } }
      block = []
      localSettings = []
      isolation = isolationLevelOf(sql)
    } else if (block && block.length === 0 && isolationLevelOf(sql)) {
      // it must come before the block's first query, which it does here; later, Postgres
      // refuses it, and the probe will say so
      isolation = isolationLevelOf(sql)
    } else if (control === 'commit' || control === 'rollback') {
      if (!block) return { ok: false, problem: { message: 'there is no transaction in progress' } }
      const statements = block
      parts.push({
        kind: 'transaction',
        statements,
        isBlock: true,
        rolledBack: control === 'rollback',
        runsOutsideTransaction: false,
        ...(localSettings.length > 0 && { localSettings }),
        ...(isolation && { isolation }),
      })
      block = undefined
    } else if (block) {
      block.push(sql)
    } else {
      parts.push({
        kind: 'transaction',
        statements: [sql],
        isBlock: false,
        rolledBack: false,
        runsOutsideTransaction: isTransactionForbidden(sql),
      })
    }
  }
  if (block)
    return { ok: false, problem: { message: 'the script opens a transaction with BEGIN and never ends it' } }
  return { ok: true, parts }
}

// Postgres's units for time settings; a bare number means milliseconds.
const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }

function parseDuration(value: string): number | undefined | null {
  const text = value.replace(/^'(.*)'$/, '$1').trim()
  if (text === 'default') return undefined
  const match = /^(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?$/.exec(text)
  if (!match) return null
  const ms = Number(match[1]) * units[match[2] ?? 'ms']
  return ms === 0 ? undefined : ms
}
