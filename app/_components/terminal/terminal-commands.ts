import type { SnippetInput } from '@/lib/terminal'

// Lesson snippets hand their command to the terminal on the page: one listener, no DOM coupling.
const listeners = new Set<(input: SnippetInput) => void>()

/**
 * Hands a snippet's command to the page's terminal: run as if the learner had typed it and
 * pressed Enter, or typed only, for them to finish. Returns whether a terminal took it.
 */
export function sendToTerminal(input: SnippetInput): boolean {
  for (const listener of listeners) listener(input)
  return listeners.size > 0
}

/** The terminal listens for snippets while it is on the page. */
export function onTerminalCommand(listener: (input: SnippetInput) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
