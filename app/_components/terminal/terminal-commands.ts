// Lesson snippets hand their command to the terminal on the page: one listener, no DOM coupling.
const listeners = new Set<(command: string) => void>()

/** Types a command into the page's terminal and runs it, as if the learner had. */
export function runInTerminal(command: string): boolean {
  for (const listener of listeners) listener(command)
  return listeners.size > 0
}

/** The terminal listens for snippets while it is on the page. */
export function onTerminalCommand(listener: (command: string) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
