import { isWriteStatement, splitSql, type RunResult, type TransactionState } from '../engine'
import { transactionControlOf } from '../engine'
import type { StepAction } from '../sim'
import type { AuditEntry } from './events'
import { describeAction } from './steps'

/**
 * What was done to the running system since the last batch, by whom: steps, operator
 * commands, and SQL that changed the database by hand. Reads are not in it.
 */
export class AuditLog {
  private entries: AuditEntry[] = []
  // changes typed in the console's open transaction, logged at its COMMIT
  private consoleChanges: string[] = []

  /** `nowMs` tells the virtual time of each entry. */
  constructor(private readonly nowMs: () => number) {}

  /** Adds one line, at the virtual time now. */
  note(actor: AuditEntry['actor'], what: string, outcome?: AuditEntry['outcome']): void {
    this.entries.push({ atMs: this.nowMs(), actor, what, ...(outcome && { outcome }) })
  }

  /** Notes an operator's action: a deployment (a rollback says so), the database stopped, started or hanging, or another. */
  noteOperator(action: StepAction, reason?: 'rollback'): void {
    this.note(
      'operator',
      action.kind === 'deploy'
        ? reason === 'rollback'
          ? `rolled back: ${describeDeployment(action.shares)}`
          : describeDeployment(action.shares)
        : action.kind === 'database'
          ? { stop: 'stopped the database', start: 'started the database', hang: 'made the database hang' }[
              action.state
            ]
          : describeAction(action),
    )
  }

  /** Notes a script run from a SQL console, if any of its statements writes, whatever its first word. */
  noteScript(sql: string, ok: boolean): void {
    const writes = splitSql(sql).filter((statement) => isWriteStatement(statement.sql))
    if (writes.length === 0) return
    const more = writes.length > 1 ? ` (and ${writes.length - 1} more)` : ''
    this.note('by hand', `${firstLineOf(writes[0].sql)}${more}`, ok ? 'ok' : 'failed')
  }

  /** Notes one console statement: inside a transaction a change is only logged once it commits; a rollback forgets it. */
  noteConsoleStatement(sql: string, result: RunResult, transaction: TransactionState): void {
    const ok = result.ok
    if (transaction === 'idle') {
      // COMMIT of a failed transaction answers ROLLBACK: nothing it held was kept
      if (transactionControlOf(sql) === 'commit' && result.ok && result.command !== 'ROLLBACK') {
        for (const change of this.consoleChanges) this.note('by hand', change, 'ok')
      } else if (isWriteStatement(sql)) {
        this.note('by hand', firstLineOf(sql), ok ? 'ok' : 'failed')
      }
      this.consoleChanges = []
      return
    }
    if (ok && isWriteStatement(sql)) this.consoleChanges.push(firstLineOf(sql))
  }

  /** The lines since the last call, oldest first. */
  take(): AuditEntry[] {
    const entries = this.entries
    this.entries = []
    return entries
  }
}

function firstLineOf(sql: string): string {
  const line = sql.trim().split('\n')[0]
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

function describeDeployment(shares: Record<string, number>): string {
  const deployed = Object.entries(shares).filter(([, share]) => share > 0)
  return deployed.length === 0
    ? 'stopped every app version'
    : `deployed ${deployed.map(([version, share]) => `${version} ${share}%`).join(', ')}`
}
