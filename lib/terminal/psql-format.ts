import type { Field, PgError, Row } from '../engine'

/** A result table as psql's printTable takes it: headers, cells, alignment, title and footers. */
export interface PrintableTable {
  headers: string[]
  rows: Row[]
  /** `r` right-aligns a column (psql does it for numbers), `l` left-aligns it. */
  aligns: ('l' | 'r')[]
  title?: string
  /** Lines printed under the table, e.g. `Indexes:` and the index lines. */
  footers?: string[]
  /** psql's `(N rows)` line; off for `\d NAME`, which has footers instead. */
  showRowCount?: boolean
}

// psql right-aligns the numeric types (print.c, column_type_alignment)
const numericTypeIds = new Set([20, 21, 23, 26, 28, 29, 700, 701, 790, 1700, 5069])

/** The table a query's result is, aligned as psql aligns it. */
export function tableOfResult(fields: readonly Field[], rows: readonly Row[]): PrintableTable {
  return {
    headers: fields.map((field) => field.name),
    rows: [...rows],
    aligns: fields.map((field) => (numericTypeIds.has(field.typeId) ? 'r' : 'l')),
    showRowCount: true,
  }
}

/**
 * Prints a table as psql's default aligned format (border 1, ASCII lines): centered
 * headers, `+` where a value goes on to a new line, and `(N rows)`. Its output ends with
 * the blank line psql leaves after a table.
 */
export function formatAligned(table: PrintableTable): string {
  const columns = table.headers.length
  const cells = table.rows.map((row) => row.map((value) => (value ?? '').split('\n')))
  const widths = table.headers.map((header, column) =>
    Math.max(displayWidth(header), ...cells.map((row) => Math.max(...row[column].map(displayWidth)))),
  )
  const out: string[] = []
  const totalWidth = widths.reduce((sum, width) => sum + width, 0) + 3 * columns - 1
  if (table.title !== undefined) {
    const padding = Math.max(0, Math.floor((totalWidth - displayWidth(table.title)) / 2))
    out.push(' '.repeat(padding) + table.title)
  }
  out.push(
    table.headers
      .map((header, column) => {
        const spare = widths[column] - displayWidth(header)
        const cell = ' '.repeat(Math.floor(spare / 2)) + header + ' '.repeat(Math.ceil(spare / 2))
        return ` ${cell} `
      })
      .join('|'),
  )
  out.push(widths.map((width) => '-'.repeat(width + 2)).join('+'))
  for (const row of cells) {
    const lineCount = Math.max(1, ...row.map((lines) => lines.length))
    for (let line = 0; line < lineCount; line++) {
      let text = ''
      for (let column = 0; column < columns; column++) {
        const lines = row[column]
        const isLast = column === columns - 1
        const content = lines[line]
        const continues = line + 1 < lines.length
        const spare = content === undefined ? 0 : widths[column] - displayWidth(content)
        // the left mark: psql's ASCII style draws a space, also where a value goes on
        text += ' '
        if (content === undefined) {
          if (!isLast) text += ' '.repeat(widths[column])
        } else if (table.aligns[column] === 'r') {
          text += ' '.repeat(spare) + content
        } else {
          text += content
          if (!isLast || continues) text += ' '.repeat(spare)
        }
        if (continues) text += '+'
        else if (!isLast) text += ' '
        if (!isLast) text += '|'
      }
      out.push(text)
    }
  }
  for (const footer of table.footers ?? []) out.push(footer)
  if (table.showRowCount) out.push(rowCountLine(table.rows.length))
  return out.join('\n') + '\n\n'
}

/**
 * Prints a table as psql's expanded display (`\x`): one `-[ RECORD N ]` block per row,
 * each column on its own line.
 */
/** psql's `\x`: tables aligned, expanded (a record per row), or expanded when aligned is wider than the screen. */
export type ExpandedMode = 'off' | 'on' | 'auto'

/** A table as psql prints it under `mode`, on a screen `columns` wide (unknown: never too wide). */
export function formatTable(table: PrintableTable, mode: ExpandedMode, columns?: number): string {
  if (mode === 'on') return formatExpanded(table)
  const aligned = formatAligned(table)
  if (mode === 'off' || columns === undefined) return aligned
  const widest = Math.max(0, ...aligned.split('\n').map(displayWidth))
  return widest > columns ? formatExpanded(table) : aligned
}

export function formatExpanded(table: PrintableTable): string {
  if (table.rows.length === 0) return table.showRowCount ? `${rowCountLine(0)}\n\n` : '\n'
  const nameWidth = Math.max(...table.headers.map(displayWidth))
  const valueWidth = Math.max(
    0,
    ...table.rows.flatMap((row) => row.flatMap((value) => (value ?? '').split('\n').map(displayWidth))),
  )
  const out: string[] = []
  if (table.title !== undefined) out.push(table.title)
  table.rows.forEach((row, index) => {
    out.push(recordLine(index + 1, nameWidth, valueWidth))
    row.forEach((value, column) => {
      const lines = (value ?? '').split('\n')
      lines.forEach((line, lineIndex) => {
        const name = lineIndex === 0 ? table.headers[column] : ''
        const continues = lineIndex + 1 < lines.length
        const shown = continues ? line + ' '.repeat(valueWidth - displayWidth(line)) + '+' : line
        out.push(`${name}${' '.repeat(nameWidth - displayWidth(name))} | ${shown}`)
      })
    })
  })
  for (const footer of table.footers ?? []) out.push(footer)
  return out.join('\n') + '\n\n'
}

// print.c, print_aligned_vertical_line: the record label eats into the dashes that follow it
function recordLine(record: number, nameWidth: number, valueWidth: number): string {
  const label = `[ RECORD ${record} ]`
  let line = '-' + label
  let used = label.length + 1
  if (used < nameWidth) line += '-'.repeat(nameWidth - used)
  used -= nameWidth
  for (const mark of ['-', '+', '-']) if (used-- <= 0) line += mark
  return line + '-'.repeat(Math.max(0, valueWidth - Math.max(0, used)))
}

function rowCountLine(count: number): string {
  return `(${count} ${count === 1 ? 'row' : 'rows'})`
}

// The object words of CREATE / ALTER / DROP tags, longest first (Postgres's CreateCommandTag).
const objectTypes = [
  'MATERIALIZED VIEW',
  'FOREIGN TABLE',
  'EVENT TRIGGER',
  'TEXT SEARCH CONFIGURATION',
  'ACCESS METHOD',
  'TABLE',
  'INDEX',
  'VIEW',
  'SEQUENCE',
  'FUNCTION',
  'PROCEDURE',
  'TRIGGER',
  'TYPE',
  'SCHEMA',
  'EXTENSION',
  'DOMAIN',
  'ROLE',
  'USER',
  'DATABASE',
  'POLICY',
  'RULE',
  'AGGREGATE',
  'COLLATION',
  'PUBLICATION',
  'SUBSCRIPTION',
  'STATISTICS',
  'OPERATOR',
  'CAST',
  'TABLESPACE',
  'SERVER',
]
const modifiers = /^(?:OR REPLACE |UNIQUE |TEMP |TEMPORARY |UNLOGGED |GLOBAL |LOCAL |RECURSIVE |CONSTRAINT )*/

/**
 * What psql prints for a statement that returned no rows to show: its command tag. PGlite
 * reports only the tag's first word, so CREATE/ALTER/DROP take their object from the statement.
 */
export function commandTag(command: string, rowCount: number, statement = ''): string {
  const words = statement
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .toUpperCase()
  if (command === 'INSERT') return `INSERT 0 ${rowCount}`
  if (['UPDATE', 'DELETE', 'MERGE', 'SELECT', 'COPY', 'MOVE', 'FETCH'].includes(command))
    return `${command} ${rowCount}`
  if (['CREATE', 'ALTER', 'DROP'].includes(command) && words.startsWith(command)) {
    const rest = words.slice(command.length + 1).replace(modifiers, '')
    const object = objectTypes.find((type) => rest === type || rest.startsWith(`${type} `))
    if (object) return `${command} ${object}`
  }
  if (command === 'LOCK') return 'LOCK TABLE'
  if (command === 'TRUNCATE') return 'TRUNCATE TABLE'
  if (command === 'START') return 'START TRANSACTION'
  if (command === 'REFRESH') return 'REFRESH MATERIALIZED VIEW'
  return command
}

/** Where psql is reading from, for the `psql:FILE:LINE:` prefix of its messages in `-f` mode. */
export interface InputLocation {
  file: string
  line: number
}

// libpq's reportErrorPosition (fe-protocol3.c): the statement line is cut to about 60
// display columns around the error, with `...` where it was cut
const displaySize = 60
const minRightCut = 10

/**
 * Prints an error as psql does: `ERROR:  message`, the statement's line with a caret under
 * the error's position (`LINE n:`), then `DETAIL:` and `HINT:`.
 */
export function formatError(error: PgError, statement: string | undefined, at?: InputLocation): string {
  const prefix = at ? `psql:${at.file}:${at.line}: ` : ''
  const severity = error.severity ?? 'ERROR'
  const lines = [`${prefix}${severity}:  ${error.message}`]
  if (error.position !== undefined && statement !== undefined)
    lines.push(...caretLines(statement, error.position))
  if (error.detail) lines.push(`DETAIL:  ${error.detail}`)
  if (error.hint) lines.push(`HINT:  ${error.hint}`)
  if (error.where) lines.push(`CONTEXT:  ${error.where}`)
  return lines.join('\n') + '\n'
}

function caretLines(statement: string, position: number): string[] {
  const characters = Array.from(statement)
  const errorIndex = Math.min(position - 1, characters.length)
  let lineStart = 0
  let lineNumber = 1
  for (let index = 0; index < errorIndex; index++) {
    if (characters[index] === '\n') {
      lineStart = index + 1
      lineNumber++
    }
  }
  let lineEnd = characters.indexOf('\n', lineStart)
  if (lineEnd === -1) lineEnd = characters.length
  // tabs become spaces, as libpq shows them
  let line = characters.slice(lineStart, lineEnd).map((ch) => (ch === '\t' ? ' ' : ch))
  let caretColumn = characters.slice(lineStart, errorIndex).reduce((sum, ch) => sum + charWidth(ch), 0)
  const lineWidth = line.reduce((sum, ch) => sum + charWidth(ch), 0)
  let cutLeft = false
  let cutRight = false
  if (lineWidth > displaySize) {
    // cut the right first, keeping at least minRightCut columns after the error
    if (caretColumn + minRightCut < displaySize) {
      line = takeColumns(line, displaySize)
      cutRight = true
    } else {
      if (lineWidth - caretColumn > minRightCut) {
        line = takeColumns(line, caretColumn + minRightCut)
        cutRight = true
      }
      const width = line.reduce((sum, ch) => sum + charWidth(ch), 0)
      if (width > displaySize) {
        let dropped = 0
        let index = 0
        while (width - dropped > displaySize) dropped += charWidth(line[index++])
        line = line.slice(index)
        caretColumn -= dropped
        cutLeft = true
      }
    }
  }
  const label = `LINE ${lineNumber}: `
  const shown = `${cutLeft ? '...' : ''}${line.join('')}${cutRight ? '...' : ''}`
  const caretIndent = label.length + (cutLeft ? 3 : 0) + caretColumn
  return [`${label}${shown}`, `${' '.repeat(caretIndent)}^`]
}

function takeColumns(characters: string[], columns: number): string[] {
  let width = 0
  let index = 0
  while (index < characters.length && width + charWidth(characters[index]) <= columns) {
    width += charWidth(characters[index])
    index++
  }
  return characters.slice(0, index)
}

/** Columns a string takes on a terminal: East Asian wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) width += charWidth(ch)
  return width
}

function charWidth(ch: string): number {
  const code = ch.codePointAt(0) ?? 0
  if (code === 0) return 0
  if (code < 0x1100) return 1
  // the wide ranges of Unicode's East Asian Width, as wcwidth counts them
  const isWide =
    code <= 0x115f ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe6f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  return isWide ? 2 : 1
}
