import { completeLine, readCompletionNames, type Completion, type CompletionNames } from './completion'
import type { ConsoleBackend } from './console-backend'
import { PsqlInterpreter, type ConsoleWrite, type LineOutcome } from './interpreter'
import type { InputLocation } from './psql-format'

/**
 * One psql session at a console, whatever reads its lines: the interpreter, whether a
 * statement is running, Ctrl+C, and the names Tab completes. The browser terminal drives it
 * through a line editor (`TerminalSession`), the Node console through readline.
 */
export class ConsoleSession {
  private interpreter: PsqlInterpreter
  private running = false
  private readonly names: CompletionNames = { relations: [], columns: [], versions: [], sessions: [] }

  constructor(
    private readonly backend: ConsoleBackend,
    /** Where the interpreter's output and the session's messages go. */
    private readonly write: ConsoleWrite,
  ) {
    this.interpreter = new PsqlInterpreter(backend)
  }

  /** The prompt for the next line, as psql shows it (`postgres=> `, `postgres-> `, ...). */
  get prompt(): string {
    return this.interpreter.prompt
  }

  /** Whether a statement is running; a key typed now waits for it, Ctrl+C cancels it. */
  get isRunning(): boolean {
    return this.running
  }

  /** Whether a lesson step runs in the simulation now: Ctrl+C at an empty prompt stops it. */
  get isStepRunning(): boolean {
    return this.backend.operator?.view().runningStep !== undefined
  }

  /** Whether a statement has begun on earlier lines and waits for its end. */
  get hasPendingInput(): boolean {
    return this.interpreter.hasPendingInput
  }

  /** Hands one line to the interpreter and waits for what it ran; `'quit'` after `\q`. */
  async submitLine(line: string, at?: InputLocation): Promise<LineOutcome> {
    this.running = true
    const outcome = await this.interpreter.submitLine(line, this.write, at)
    this.running = false
    return outcome
  }

  /** Ctrl+C while a statement runs: says so, as psql does, and asks the backend to stop it. */
  cancel(): void {
    this.write('Cancel request sent\n', 'out')
    void this.backend.cancel()
  }

  /** Ctrl+C at the prompt: forgets the statement typed so far. */
  interrupt(): void {
    this.interpreter.resetBuffer()
  }

  /** Starts a new session after `\q`: a fresh interpreter over the same backend, on the same screen. */
  restart(): void {
    this.interpreter = new PsqlInterpreter(this.backend)
    this.interpreter.columns = this.screenColumns
    if (this.isNarrow) this.interpreter.expandWhenTooWide()
  }

  private screenColumns: number | undefined
  private isNarrow = false

  /**
   * The screen's width in columns, as it is now (a window resized changes it): `\x auto` expands
   * a table wider than it. `narrow` starts the session in `\x auto`, as a phone's screen needs.
   */
  fitTo(columns: number | undefined, narrow = false): void {
    this.screenColumns = columns
    this.interpreter.columns = columns
    if (narrow && !this.isNarrow) this.interpreter.expandWhenTooWide()
    this.isNarrow ||= narrow
  }

  /** Reads again the names completion offers: relations, columns, app versions, sessions. */
  async refreshNames(): Promise<void> {
    Object.assign(this.names, await readCompletionNames(this.backend.catalog))
    const view = this.backend.operator?.view()
    this.names.versions = view?.versions.map((version) => version.id) ?? []
    this.names.sessions = view?.sessions.map((session) => session.owner) ?? []
  }

  /** What Tab offers at the end of `line`, from the names last read. */
  completeLine(line: string): Completion {
    return completeLine(line, !this.interpreter.hasPendingInput, this.names)
  }
}
