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
  const a = splitLines(before)
  const b = splitLines(after)
  // the common head and tail never need the table, and usually they are most of the text
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tailA = a.length
  let tailB = b.length
  while (tailA > head && tailB > head && a[tailA - 1] === b[tailB - 1]) {
    tailA--
    tailB--
  }
  return [
    ...a.slice(0, head).map(same),
    ...diffMiddle(a.slice(head, tailA), b.slice(head, tailB)),
    ...a.slice(tailA).map(same),
  ]
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r\n|\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

function same(text: string): DiffLine {
  return { kind: 'same', text }
}

function diffMiddle(a: string[], b: string[]): DiffLine[] {
  const removed = (text: string): DiffLine => ({ kind: 'removed', text })
  const added = (text: string): DiffLine => ({ kind: 'added', text })
  if ((a.length + 1) * (b.length + 1) > maxTableCells) return [...a.map(removed), ...b.map(added)]

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

  const lines: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push(same(a[i]))
      i++
      j++
    } else if (common[(i + 1) * width + j] >= common[i * width + j + 1]) {
      // on a tie, removing first puts a block's removed lines above its added ones
      lines.push(removed(a[i++]))
    } else {
      lines.push(added(b[j++]))
    }
  }
  return [...lines, ...a.slice(i).map(removed), ...b.slice(j).map(added)]
}
