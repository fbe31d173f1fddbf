/**
 * What a terminal snippet in a lesson hands the terminal: a whole command, run as if typed and
 * Enter pressed; or, for a command with a placeholder, its beginning up to the placeholder,
 * typed and not run, for the reader to finish (`terminate PID` types `terminate `).
 */
export type SnippetInput = { text: string; submits: true } | { text: string; submits: false }

// a placeholder is a word in capitals, as the operator commands' usage writes them (`terminate
// PID`, `canary VERSION PERCENT`); SQL ends with `;` and is never read for one, since its
// keywords may be in capitals too
const placeholder = /(?<![\w-])[A-Z][A-Z_]+(?![\w-])/

/** Reads a snippet's text: run it, or type it up to its first placeholder. */
export function snippetInputOf(snippet: string): SnippetInput {
  const text = snippet.trim()
  const found = text.endsWith(';') ? null : placeholder.exec(text)
  if (!found) return { text, submits: true }
  return { text: text.slice(0, found.index), submits: false }
}
