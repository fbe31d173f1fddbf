/**
 * A statement on one line for a sentence or a terminal line: whitespace folded, cut with an
 * ellipsis past `max` characters.
 */
export function statementOnOneLine(sql: string, max = 100): string {
  const line = sql.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
