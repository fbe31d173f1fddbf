import { commonPrefix } from './completion'
import type { ConsoleBackend } from './console-backend'
import { ConsoleSession } from './console-session'
import { LineEditor, type EditorEffect } from './line-editor'

/** What a character terminal (xterm in the browser) does for a session. */
export interface TerminalScreen {
  /** Draws text as a terminal takes it: `\r\n` line ends and escape sequences. */
  write(text: string): void
  /** Empties the screen (Ctrl+L); the session then draws the prompt again. */
  clear(): void
  /** How many columns the screen shows now: help is wrapped at words to fit them. */
  readonly columns?: number
}

/** Where a terminal session keeps its history between visits. */
export interface TerminalHistory {
  /** The lines typed before, oldest first. */
  lines: string[]
  /** Keeps the history after each line; it may fail quietly (storage off). */
  save(history: readonly string[]): void
}

// a phone's terminal, some 45 columns: psql's tables of four or five columns do not fit it, and
// it gets `\x auto` (a laptop's, 65 and up, keeps psql's default, aligned)
const narrowColumns = 60

/**
 * The session loop of a terminal that sends keystrokes: a line editor in front of a
 * console session. Keys typed while a statement runs wait for it, Ctrl+C then cancels it;
 * Tab completes (a second Tab lists the choices, as readline does); `\q` closes the session
 * and Enter starts a new one. The screen only draws.
 */
export class TerminalSession {
  private readonly session: ConsoleSession
  private readonly editor: LineEditor
  private isClosed = false
  private lastTabLine: string | undefined
  private readonly pending: string[] = []

  constructor(
    backend: ConsoleBackend,
    private readonly screen: TerminalScreen,
    private readonly history: TerminalHistory,
  ) {
    this.session = new ConsoleSession(backend, (text, _stream, form) =>
      this.print(form === 'prose' && screen.columns ? wrapAtWords(text, screen.columns) : text),
    )
    this.editor = new LineEditor(this.session.prompt, history.lines)
  }

  /**
   * Prints the greeting, a piece at a time, and the first prompt. A screen narrower than a phone's
   * (under 60 columns) starts in `\x auto`, and the greeting says so.
   */
  start(greeting: readonly string[]): Promise<void> {
    const columns = this.screen.columns
    const isNarrow = columns !== undefined && columns < narrowColumns
    this.session.fitTo(columns, isNarrow)
    // at words: a greeting cut mid-word is the first thing a projector shows
    for (const text of greeting) this.print(columns ? wrapAtWords(text, columns) : text)
    if (isNarrow)
      this.print(
        wrapAtWords(
          `A narrow screen: tables wider than its ${columns} columns print a record a row (\\x auto; \\x off to change).\n\n`,
          columns,
        ),
      )
    return this.apply(this.editor.begin(this.session.prompt))
  }

  /** Handles input as the terminal delivers it: typed keys, escape sequences, or a paste. */
  type(data: string): Promise<void> {
    if (data !== '\t') this.lastTabLine = undefined
    if (this.session.isRunning) {
      if (data.includes('\x03')) this.session.cancel()
      else this.pending.push(data)
      return Promise.resolve()
    }
    return this.apply(this.editor.handle(data))
  }

  /** Types a whole command and Enter, as a lesson snippet does; it waits for a running statement. */
  runCommand(command: string): Promise<void> {
    if (this.session.isRunning) {
      this.pending.push(`${command}\r`)
      return Promise.resolve()
    }
    return this.apply(this.editor.handle(`${command}\r`))
  }

  /**
   * Types a command's beginning in place of the line, without Enter, for the reader to finish
   * (a snippet with a placeholder); it waits for a running statement.
   */
  typeCommand(text: string): Promise<void> {
    // Ctrl+E then Ctrl+U: whatever the line held goes, as the snippet's text takes its place
    const input = `\x05\x15${text}`
    if (this.session.isRunning) {
      this.pending.push(input)
      return Promise.resolve()
    }
    return this.apply(this.editor.handle(input))
  }

  private print(text: string): void {
    this.screen.write(text.replace(/\r?\n/g, '\r\n'))
  }

  private async apply(effects: EditorEffect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.kind === 'write') this.screen.write(effect.text)
      else if (effect.kind === 'clear screen') {
        this.screen.clear()
        this.screen.write(`\r\x1b[K${this.session.prompt}${this.editor.text}`)
      } else if (effect.kind === 'interrupt') {
        // at an empty prompt while a step runs, Ctrl+C stops the step, as it stops a statement
        if (effect.lineWasEmpty && !this.session.hasPendingInput && this.session.isStepRunning) {
          this.print('Cancel request sent\n')
          await this.submit('cancel')
          return
        }
        this.session.interrupt()
        await this.apply(this.editor.begin(this.session.prompt))
      } else if (effect.kind === 'end of input') {
        await this.submit('\\q')
      } else if (effect.kind === 'complete') {
        await this.complete(effect.line)
      } else if (effect.kind === 'submit') {
        await this.submit(effect.line)
      }
    }
  }

  private async submit(line: string): Promise<void> {
    if (this.isClosed) {
      this.isClosed = false
      this.session.restart()
      this.print('New session.\n')
      await this.apply(this.editor.begin(this.session.prompt))
      return
    }
    this.session.fitTo(this.screen.columns)
    const outcome = await this.session.submitLine(line)
    this.history.save(this.editor.history)
    if (outcome === 'clear') this.screen.clear()
    if (outcome === 'quit') {
      this.isClosed = true
      this.print('Session closed. Press Enter to start a new one.\n')
      return
    }
    await this.apply(this.editor.begin(this.session.prompt))
    while (this.pending.length > 0 && !this.session.isRunning) {
      await this.apply(this.editor.handle(this.pending.shift()!))
    }
  }

  // the names are read when Tab asks for them, so no statement pays for completion
  private async complete(line: string): Promise<void> {
    await this.session.refreshNames().catch(() => undefined)
    const { from, candidates } = this.session.completeLine(line)
    if (candidates.length === 1) {
      await this.apply(this.editor.insert(`${candidates[0]} `, from))
      return
    }
    const shared = commonPrefix(candidates)
    if (shared.length > line.length - from) {
      await this.apply(this.editor.insert(shared, from))
      return
    }
    // a second Tab lists the choices, as readline does
    if (candidates.length > 1 && this.lastTabLine === line) {
      this.print(`\n${candidates.join('  ')}\n`)
      this.screen.write(`${this.session.prompt}${this.editor.text}`)
    }
    this.lastTabLine = line
  }
}

/**
 * Text wrapped at words to `columns`, each long line's rest hanging under where its words begin:
 * under the description of a `  usage   description` line, else under its indent. A word longer
 * than the line is cut, as the screen would cut it anyway.
 */
export function wrapAtWords(text: string, columns: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= columns) return [line]
      const indent = /^ */.exec(line)![0].length
      const described = /^( *\S+(?: \S+)*? {2,})\S/.exec(line)
      let hang = described ? described[1].length : indent
      if (hang > columns / 2) hang = indent + 4
      const lines: string[] = []
      let rest = line
      let lead = ''
      while (lead.length + rest.length > columns) {
        const room = columns - lead.length
        const space = rest.lastIndexOf(' ', room)
        const cut = space > rest.length - rest.trimStart().length ? space : room
        lines.push(lead + rest.slice(0, cut).trimEnd())
        rest = rest.slice(cut).trimStart()
        lead = ' '.repeat(hang)
      }
      return [...lines, lead + rest]
    })
    .join('\n')
}
