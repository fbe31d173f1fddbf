'use client'

import { runInTerminal } from './terminal-commands'

/** A terminal command in a lesson's prose: a click runs it in the workbench's terminal. */
export function TerminalSnippet({ children }: { children: string }) {
  const command = String(children).trim()
  return (
    <span className="terminal-snippet">
      <code>{command}</code>
      <button
        type="button"
        onClick={() => runInTerminal(command)}
        aria-label={`Run in the terminal: ${command}`}
      >
        Run ▸
      </button>
    </span>
  )
}
