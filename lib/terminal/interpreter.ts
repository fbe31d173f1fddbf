import type { TransactionState } from '../engine'
import type { ConsoleBackend } from './console-backend'
import { describeRelations, listFunctions, listRelations, type DescribeOutput } from './describe'
import { operatorCommandNames, runOperatorCommand } from './operator-commands'
import {
  commandTag,
  formatError,
  formatTable,
  tableOfResult,
  type ExpandedMode,
  type InputLocation,
  type PrintableTable,
} from './psql-format'
import { scanInput } from './sql-input'

/**
 * Where output goes: psql writes results to stdout and errors to stderr. Text marked `prose`
 * (help) may be wrapped at words to the screen's width; the rest keeps its lines, as psql's do.
 */
export type ConsoleWrite = (text: string, stream: 'out' | 'err', form?: 'prose') => void

/** After a line: go on reading, `\q` was given, or `clear` asks for an empty screen. */
export type LineOutcome = 'continue' | 'quit' | 'clear'

const metaHelp = `General
  \\q                     quit psql
  \\? [commands]          show help on backslash commands
  help                   operator commands: deploy, canary, sessions, locks, ...

Query Buffer
  \\g                     execute the query buffer (same as a semicolon)
  \\p                     show the contents of the query buffer
  \\r                     reset (clear) the query buffer

Informational
  \\d      [PATTERN]      list tables, views, and sequences
  \\d      NAME           describe table, view, sequence, or index
  \\df     [PATTERN]      list functions
  \\di     [PATTERN]      list indexes
  \\ds     [PATTERN]      list sequences
  \\dt     [PATTERN]      list tables
  \\dv     [PATTERN]      list views

Formatting
  \\x [on|off|auto]       toggle expanded output (auto: when wider than the screen)

Connection
  \\conninfo              display information about current connection

Operating System
  \\timing [on|off]       toggle timing of commands
`

/** The meta-commands the console knows, for completion. */
export const metaCommandNames = [
  '\\?',
  '\\conninfo',
  '\\d',
  '\\df',
  '\\di',
  '\\ds',
  '\\dt',
  '\\dv',
  '\\g',
  '\\p',
  '\\q',
  '\\r',
  '\\timing',
  '\\x',
]

/**
 * A psql-like console over one session: reads lines, sends complete statements, prints
 * results, errors and meta-command output exactly as psql would, and hands operator
 * commands to the simulation. No DOM: the browser terminal and the Node console share it.
 */
export class PsqlInterpreter {
  private buffer = ''
  private expanded: ExpandedMode = 'off'
  /** The screen's width in columns, when known: `\x auto` expands a table wider than it. */
  columns: number | undefined
  private isTiming = false
  private transaction: TransactionState = 'idle'
  private isDisconnected = false

  constructor(
    private readonly backend: ConsoleBackend,
    private readonly databaseName = 'postgres',
  ) {}

  /** psql's prompt: `postgres=>`, `postgres-*>` in a transaction, `postgres=!>` after an error in one. */
  // an arrow, so `\d` can take it as its printer
  private readonly printTable = (table: PrintableTable) => formatTable(table, this.expanded, this.columns)

  /** Starts psql's `\x auto`, as a narrow screen's session does: tables wider than the screen expand. */
  expandWhenTooWide(): void {
    this.expanded = 'auto'
  }

  get prompt(): string {
    const state = this.isDisconnected ? '!' : scanInput(this.buffer).state
    const transaction = this.transaction === 'open' ? '*' : this.transaction === 'failed' ? '!' : ''
    return `${this.databaseName}${state}${transaction}> `
  }

  /** Whether a statement waits for more lines. */
  get hasPendingInput(): boolean {
    return this.buffer !== ''
  }

  /** Ctrl+C at the prompt: psql drops the query buffer. */
  resetBuffer(): void {
    this.buffer = ''
  }

  /** Reads one line of input: a meta-command, an operator command, or (part of) SQL. */
  async submitLine(line: string, write: ConsoleWrite, at?: InputLocation): Promise<LineOutcome> {
    const trimmed = line.trim()
    if (trimmed.startsWith('\\')) return this.runMeta(trimmed, write, at)
    // a shell's habit, as Ctrl+L: psql would start a statement with it and wait for its end
    if (this.buffer === '' && /^clear$/i.test(trimmed)) return 'clear'
    if (this.buffer === '' && this.isOperatorLine(trimmed)) {
      const outcome = await runOperatorCommand(trimmed, this.backend.operator)
      // the operator's words are ours, not psql's: they wrap at words (a table's columns keep theirs)
      if ('text' in outcome)
        write(outcome.text, 'out', /^(help|canary|deploy|rollback|db)\b/i.test(trimmed) ? 'prose' : undefined)
      else write(outcome.error, 'err', 'prose')
      return 'continue'
    }
    if (this.buffer === '' && trimmed === '') return 'continue'
    const scanned = scanInput(this.buffer === '' ? line : `${this.buffer}\n${line}`)
    this.buffer = scanned.rest
    for (const statement of scanned.statements) await this.runStatement(statement, write, at)
    return 'continue'
  }

  // `rollback` is also SQL: inside a transaction it is the statement, outside the operator's
  private isOperatorLine(line: string): boolean {
    const word = /^[a-z]+/i.exec(line)?.[0]?.toLowerCase()
    if (!word || !operatorCommandNames.includes(word)) return false
    if (line.includes(';')) return false
    return word !== 'rollback' || this.transaction === 'idle'
  }

  private async runStatement(statement: string, write: ConsoleWrite, at?: InputLocation): Promise<void> {
    const operator = this.backend.operator
    if (this.isDisconnected && operator?.view().databaseState === 'down') {
      write('You are currently not connected to a database.\n', 'err')
      return
    }
    this.isDisconnected = false
    const { result, transaction, elapsedMs, notModelled } = await this.backend.execute(statement)
    this.transaction = transaction
    // never a false green: what the simulator could not represent is said before the result
    if (notModelled !== undefined) write(`NOTE:  not modelled by the simulator: ${notModelled}\n`, 'err')
    if (!result.ok) {
      const { code } = result.error
      if (code === '57P01' || code === '08006') {
        this.transaction = 'idle'
        write(formatError({ ...result.error, position: undefined }, statement, at), 'err')
        write(connectionLost(code === '57P01'), 'err')
        this.isDisconnected = code === '08006'
        return
      }
      write(formatError(result.error, statement, at), 'err')
      return
    }
    // psql prints what the server said on the way (a WARNING, a NOTICE) before the result
    for (const notice of result.notices ?? []) write(`${notice.severity}:  ${notice.message}\n`, 'err')
    if (result.fields.length > 0) {
      const table = tableOfResult(result.fields, result.rows)
      write(this.printTable(table), 'out')
    } else {
      write(`${commandTag(result.command, result.rowCount, statement)}\n`, 'out')
    }
    if (this.isTiming) write(`${timingLine(elapsedMs)}\n`, 'out')
  }

  private async runMeta(line: string, write: ConsoleWrite, at?: InputLocation): Promise<LineOutcome> {
    const [command, ...args] = line.split(/\s+/)
    const argument = args.join(' ') || undefined
    const show = (output: DescribeOutput) =>
      'text' in output ? write(output.text, 'out') : write(prefixed(output.error, at), 'err')
    switch (command) {
      case '\\q':
        return 'quit'
      case '\\?':
        write(metaHelp, 'out', 'prose')
        return 'continue'
      case '\\x': {
        if (argument?.toLowerCase() === 'auto') {
          this.expanded = 'auto'
          write('Expanded display is used automatically.\n', 'out')
          return 'continue'
        }
        const value = toggle(argument, this.expanded === 'on')
        if (value === undefined) {
          write(
            prefixed(`\\x: unrecognized value "${argument}" for "expanded": Boolean expected\n`, at),
            'err',
          )
          return 'continue'
        }
        this.expanded = value ? 'on' : 'off'
        write(`Expanded display is ${value ? 'on' : 'off'}.\n`, 'out')
        return 'continue'
      }
      case '\\timing': {
        const value = toggle(argument, this.isTiming)
        if (value === undefined) {
          write(prefixed(`unrecognized value "${argument}" for "\\timing": Boolean expected\n`, at), 'err')
          return 'continue'
        }
        this.isTiming = value
        write(`Timing is ${value ? 'on' : 'off'}.\n`, 'out')
        return 'continue'
      }
      case '\\r':
        this.buffer = ''
        write('Query buffer reset (cleared).\n', 'out')
        return 'continue'
      case '\\p':
        write(this.buffer === '' ? 'Query buffer is empty.\n' : `${this.buffer}\n`, 'out')
        return 'continue'
      case '\\g': {
        const statement = this.buffer.trim()
        this.buffer = ''
        if (statement !== '') await this.runStatement(statement, write, at)
        return 'continue'
      }
      case '\\conninfo':
        write(
          `You are connected to database "${this.databaseName}" as user "postgres" in PGlite (PostgreSQL 18 in WebAssembly).\n`,
          'out',
        )
        return 'continue'
      case '\\d':
        show(
          argument === undefined
            ? await listRelations(this.backend.catalog, [], undefined, this.printTable)
            : await describeRelations(this.backend.catalog, argument, this.printTable),
        )
        return 'continue'
      case '\\df':
        show(await listFunctions(this.backend.catalog, argument, this.printTable))
        return 'continue'
      default: {
        const kinds = /^\\d([tivs]+)$/.exec(command)?.[1]
        if (kinds) {
          const unique = [...new Set(kinds)] as ('t' | 'i' | 'v' | 's')[]
          show(await listRelations(this.backend.catalog, unique, argument, this.printTable))
          return 'continue'
        }
        write(prefixed(`invalid command ${command}\nTry \\? for help.\n`, at), 'err')
        return 'continue'
      }
    }
  }
}

function toggle(argument: string | undefined, current: boolean): boolean | undefined {
  if (argument === undefined) return !current
  const value = argument.toLowerCase()
  if (['on', 'true', 'yes', '1'].includes(value)) return true
  if (['off', 'false', 'no', '0'].includes(value)) return false
  return undefined
}

function prefixed(message: string, at: InputLocation | undefined): string {
  return at ? `psql:${at.file}:${at.line}: ${message}` : message
}

// what psql prints when the server closes its connection (and it reconnects, or cannot)
function connectionLost(canReconnect: boolean): string {
  return (
    'server closed the connection unexpectedly\n' +
    '\tThis probably means the server terminated abnormally\n' +
    '\tbefore or while processing the request.\n' +
    `The connection to the server was lost. Attempting reset: ${canReconnect ? 'Succeeded.' : 'Failed.'}\n`
  )
}

/** psql's `\timing` line: milliseconds, and minutes and seconds once it took a second or more. */
export function timingLine(elapsedMs: number): string {
  const line = `Time: ${elapsedMs.toFixed(3)} ms`
  if (elapsedMs < 1000) return line
  const seconds = elapsedMs / 1000
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = (seconds % 60).toFixed(3).padStart(6, '0')
  if (hours === 0) return `${line} (${String(minutes).padStart(2, '0')}:${rest})`
  return `${line} (${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${rest})`
}
