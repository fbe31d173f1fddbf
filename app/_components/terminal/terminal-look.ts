import type { ITerminalOptions } from '@xterm/xterm'

/** The look of every terminal on the course: dark in either page theme, as a psql window usually is. */
export function terminalLook(fontSize: number): ITerminalOptions {
  return {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize,
    scrollback: 5000,
    theme: {
      background: '#111318',
      foreground: '#e6e6e6',
      cursor: '#e6e6e6',
      selectionBackground: '#3a4a6b',
    },
  }
}

/** What the terminal drew, for a window that mirrors it (the audience view). */
export type TerminalOutput =
  { kind: 'write'; text: string } | { kind: 'clear' } | { kind: 'size'; cols: number; rows: number }
