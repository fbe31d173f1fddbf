import { z } from 'zod'
import { displayWidth } from './psql-format'

/** What a keystroke asks of the terminal, besides redrawing the line. */
export type EditorEffect =
  | { kind: 'write'; text: string }
  | { kind: 'submit'; line: string }
  | { kind: 'complete'; line: string }
  | { kind: 'interrupt'; lineWasEmpty: boolean }
  | { kind: 'end of input' }
  | { kind: 'clear screen' }

/** How many lines the history keeps (psql's HISTSIZE default is 500). */
export const historyLimit = 500

/** The stored history: a list of lines, oldest first; anything else counts as none. */
export const historySchema = z.array(z.string().max(100_000)).max(historyLimit)

/** Reads a stored history, dropping what is malformed instead of half-using it. */
export function parseHistory(stored: string | null): string[] {
  if (stored === null) return []
  try {
    const parsed = historySchema.safeParse(JSON.parse(stored))
    return parsed.success ? parsed.data : []
  } catch {
    return []
  }
}

/**
 * A readline for a terminal that only shows characters: the line, the cursor, history
 * (up/down, kept without consecutive duplicates), and the emacs keys a shell user expects
 * (Ctrl+A/E/U/K/W/L, Ctrl+C, Ctrl+D). It turns input bytes into effects; the terminal
 * component writes them.
 */
export class LineEditor {
  private line = ''
  private cursor = 0
  private historyIndex: number
  private draft = ''

  constructor(
    private prompt: string,
    readonly history: string[] = [],
  ) {
    this.historyIndex = history.length
  }

  get text(): string {
    return this.line
  }

  /** Shows a fresh prompt for a new line. */
  begin(prompt: string): EditorEffect[] {
    this.prompt = prompt
    this.line = ''
    this.cursor = 0
    this.historyIndex = this.history.length
    return [{ kind: 'write', text: prompt }]
  }

  /** Replaces the word before the cursor with a completion, and redraws. */
  insert(text: string, replaceFrom?: number): EditorEffect[] {
    const start = replaceFrom ?? this.cursor
    this.line = this.line.slice(0, start) + text + this.line.slice(this.cursor)
    this.cursor = start + text.length
    return this.redraw()
  }

  /** Handles input as xterm delivers it: typed keys, escape sequences, or a paste. */
  handle(data: string): EditorEffect[] {
    const effects: EditorEffect[] = []
    let i = 0
    while (i < data.length) {
      const sequence = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i))?.[0]
      if (sequence) {
        effects.push(...this.escape(sequence))
        i += sequence.length
        continue
      }
      const ch = data[i]
      i++
      if (ch === '\r' || ch === '\n') {
        if (ch === '\n' && data[i - 2] === '\r') continue
        effects.push(...this.submit())
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.cursor > 0) {
          const before = Array.from(this.line.slice(0, this.cursor))
          before.pop()
          this.line = before.join('') + this.line.slice(this.cursor)
          this.cursor = before.join('').length
          effects.push(...this.redraw())
        }
      } else if (ch === '\x01') effects.push(...this.moveTo(0))
      else if (ch === '\x05') effects.push(...this.moveTo(this.line.length))
      else if (ch === '\x02') effects.push(...this.moveBy(-1))
      else if (ch === '\x06') effects.push(...this.moveBy(1))
      else if (ch === '\x15') {
        this.line = this.line.slice(this.cursor)
        this.cursor = 0
        effects.push(...this.redraw())
      } else if (ch === '\x0b') {
        this.line = this.line.slice(0, this.cursor)
        effects.push(...this.redraw())
      } else if (ch === '\x17') {
        const before = this.line.slice(0, this.cursor).replace(/\S+\s*$/, '')
        this.line = before + this.line.slice(this.cursor)
        this.cursor = before.length
        effects.push(...this.redraw())
      } else if (ch === '\x0c') effects.push({ kind: 'clear screen' })
      else if (ch === '\x03') {
        effects.push({ kind: 'write', text: '^C\r\n' }, { kind: 'interrupt', lineWasEmpty: this.line === '' })
        this.line = ''
        this.cursor = 0
      } else if (ch === '\x04') {
        if (this.line === '') effects.push({ kind: 'end of input' })
        else if (this.cursor < this.line.length) effects.push(...this.deleteForward())
      } else if (ch === '\t') effects.push({ kind: 'complete', line: this.line.slice(0, this.cursor) })
      else if (ch >= ' ') {
        // printable: everything up to the next control character goes in at once (a paste)
        const end = data.slice(i - 1).search(/[\x00-\x1f\x7f]/)
        const text = end === -1 ? data.slice(i - 1) : data.slice(i - 1, i - 1 + end)
        i += text.length - 1
        this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor)
        this.cursor += text.length
        effects.push(
          ...(this.cursor === this.line.length ? [{ kind: 'write' as const, text }] : this.redraw()),
        )
      }
    }
    return effects
  }

  private escape(sequence: string): EditorEffect[] {
    switch (sequence) {
      case '\x1b[A':
      case '\x1bOA':
        return this.recall(-1)
      case '\x1b[B':
      case '\x1bOB':
        return this.recall(1)
      case '\x1b[C':
      case '\x1bOC':
        return this.moveBy(1)
      case '\x1b[D':
      case '\x1bOD':
        return this.moveBy(-1)
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        return this.moveTo(0)
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        return this.moveTo(this.line.length)
      case '\x1b[3~':
        return this.deleteForward()
      default:
        return []
    }
  }

  private submit(): EditorEffect[] {
    const line = this.line
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line)
      if (this.history.length > historyLimit) this.history.splice(0, this.history.length - historyLimit)
    }
    this.historyIndex = this.history.length
    this.line = ''
    this.cursor = 0
    return [
      { kind: 'write', text: '\r\n' },
      { kind: 'submit', line },
    ]
  }

  private recall(direction: -1 | 1): EditorEffect[] {
    const index = this.historyIndex + direction
    if (index < 0 || index > this.history.length) return []
    if (this.historyIndex === this.history.length) this.draft = this.line
    this.historyIndex = index
    this.line = index === this.history.length ? this.draft : this.history[index]
    this.cursor = this.line.length
    return this.redraw()
  }

  private deleteForward(): EditorEffect[] {
    const after = Array.from(this.line.slice(this.cursor))
    after.shift()
    this.line = this.line.slice(0, this.cursor) + after.join('')
    return this.redraw()
  }

  private moveBy(characters: -1 | 1): EditorEffect[] {
    const chars = Array.from(this.line)
    const index = Array.from(this.line.slice(0, this.cursor)).length + characters
    if (index < 0 || index > chars.length) return []
    return this.moveTo(chars.slice(0, index).join('').length)
  }

  private moveTo(cursor: number): EditorEffect[] {
    this.cursor = cursor
    return this.redraw()
  }

  // Draws the prompt and line again and puts the cursor back where it belongs
  private redraw(): EditorEffect[] {
    const behind = displayWidth(this.line.slice(this.cursor))
    return [
      {
        kind: 'write',
        text: `\r\x1b[K${this.prompt}${this.line}${behind > 0 ? `\x1b[${behind}D` : ''}`,
      },
    ]
  }
}
