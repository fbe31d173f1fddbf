'use client'

import { snippetInputOf } from '@/lib/terminal'
import { sendToTerminal } from './terminal-commands'

/**
 * A terminal command in a lesson's prose or speaker notes: a click runs it in the workbench's
 * terminal, or, when it has a placeholder (`terminate PID`), types it up to there for the
 * reader to finish.
 */
export function TerminalSnippet({ children }: { children: string }) {
  const command = String(children).trim()
  const input = snippetInputOf(command)
  const verb = input.submits ? 'Run' : 'Type'
  return (
    <span className="terminal-snippet">
      <code>{command}</code>
      <button
        type="button"
        onClick={() => sendToTerminal(input)}
        aria-label={`${verb} in the terminal: ${command}`}
      >
        {verb} ▸
      </button>
    </span>
  )
}
