/** One line of a diff: in both texts, only in the first (`removed`), or only in the second (`added`). */
export interface DiffLine {
  kind: 'same' | 'removed' | 'added'
  text: string
}

// past this many table cells (two 2,000-line texts) the quadratic table costs more than a
// readable diff is worth: the changed middle is shown as removed, then added, whole
const maxTableCells = 4_000_000

/**
 * Compares two texts line by line along their longest common subsequence. Within a changed
 * block the removed lines come before the added ones. A final line break ends the last line
 * rather than starting an empty one, and `\r\n` counts as `\n`.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  return diffSequences(splitLines(before), splitLines(after), (line) => line).map(({ kind, item }) => ({
    kind,
    text: item,
  }))
}

/**
 * Compares a learner's SQL with a solution statement by statement, as they run: a statement
 * wrapped over other lines, or spaced otherwise, is the same statement. Each statement keeps
 * its own lines (the solution's where both have it). Comment lines in `ignored` (the lesson's
 * locked lines, which the learner could not change) are left out of the learner's side.
 */
export function diffStatements(yours: string, solution: string, ignored: readonly string[] = []): DiffLine[] {
  const skip = new Set(ignored.map((line) => line.trim()))
  const units = diffSequences(
    statementsOf(yours).filter((unit) => !(unit.length === 1 && skip.has(unit[0].trim()))),
    statementsOf(solution),
    statementKey,
  )
  return units.flatMap(({ kind, item, other }) =>
    (kind === 'same' ? (other ?? item) : item).map((text) => ({ kind, text })),
  )
}

// Statements as lines: a comment line is one on its own, a statement runs to the line that ends
// it with a semicolon (a dollar-quoted body is cut at its inner semicolons, the same on both
// sides). Blank lines separate nothing.
function statementsOf(text: string): string[][] {
  const units: string[][] = []
  let open: string[] = []
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue
    if (open.length === 0 && isCommentLine(line)) {
      units.push([line])
      continue
    }
    open.push(line)
    if (/;\s*(--.*)?$/.test(line)) {
      units.push(open)
      open = []
    }
  }
  if (open.length > 0) units.push(open)
  return units
}

/** A line that is only a comment: SQL's `--`, or `#` in a system test's YAML. */
export function isCommentLine(line: string): boolean {
  return /^\s*(--|#)/.test(line)
}

function statementKey(lines: string[]): string {
  return lines
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),;])\s*/g, '$1')
    .trim()
}

/** One item of a compared sequence; for `same`, `other` is the second sequence's item. */
interface DiffItem<T> {
  kind: DiffLine['kind']
  item: T
  other?: T
}

function diffSequences<T>(a: T[], b: T[], keyOf: (item: T) => string): DiffItem<T>[] {
  const keysA = a.map(keyOf)
  const keysB = b.map(keyOf)
  // the common head and tail never need the table, and usually they are most of the text
  let head = 0
  while (head < a.length && head < b.length && keysA[head] === keysB[head]) head++
  let tailA = a.length
  let tailB = b.length
  while (tailA > head && tailB > head && keysA[tailA - 1] === keysB[tailB - 1]) {
    tailA--
    tailB--
  }
  const same = (offsetB: number) => (item: T, index: number) => ({
    kind: 'same' as const,
    item,
    other: b[offsetB + index],
  })
  const middle = diffMiddle(keysA.slice(head, tailA), keysB.slice(head, tailB)).map((step) => ({
    kind: step.kind,
    item: step.kind === 'added' ? b[head + step.j] : a[head + step.i],
    ...(step.kind === 'same' && { other: b[head + step.j] }),
  }))
  return [...a.slice(0, head).map(same(0)), ...middle, ...a.slice(tailA).map(same(tailB))]
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r\n|\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

// One step of a diff by keys: `i` indexes the first sequence, `j` the second.
interface KeyStep {
  kind: DiffLine['kind']
  i: number
  j: number
}

function diffMiddle(a: string[], b: string[]): KeyStep[] {
  const removedFrom =
    (from: number) =>
    (_: string, offset: number): KeyStep => ({
      kind: 'removed',
      i: from + offset,
      j: -1,
    })
  const addedFrom =
    (from: number) =>
    (_: string, offset: number): KeyStep => ({
      kind: 'added',
      i: -1,
      j: from + offset,
    })
  if ((a.length + 1) * (b.length + 1) > maxTableCells)
    return [...a.map(removedFrom(0)), ...b.map(addedFrom(0))]

  // common[i * width + j]: length of the longest common subsequence of a[i…] and b[j…]
  const width = b.length + 1
  const common = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i * width + j] =
        a[i] === b[j]
          ? common[(i + 1) * width + j + 1] + 1
          : Math.max(common[(i + 1) * width + j], common[i * width + j + 1])
    }
  }

  const steps: KeyStep[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      steps.push({ kind: 'same', i: i++, j: j++ })
    } else if (common[(i + 1) * width + j] >= common[i * width + j + 1]) {
      // on a tie, removing first puts a block's removed lines above its added ones
      steps.push({ kind: 'removed', i: i++, j: -1 })
    } else {
      steps.push({ kind: 'added', i: -1, j: j++ })
    }
  }
  return [...steps, ...a.slice(i).map(removedFrom(i)), ...b.slice(j).map(addedFrom(j))]
}
