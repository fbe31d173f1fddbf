import { EditorState, StateField, type Extension, type Text, type Transaction } from '@codemirror/state'
import { Decoration, EditorView } from '@codemirror/view'

/** A locked line's text, from its start to its end (without the line break). */
interface LockedRange {
  from: number
  to: number
}

const lockedLine = Decoration.line({
  class: 'cm-locked-line',
  attributes: { title: 'Part of the lesson: this line cannot be edited' },
})

/**
 * Makes the given lines (1-based, in the document as it is now) read-only: typing, deleting
 * or pasting inside them does nothing, nor does joining them to a neighbour, while whole lines
 * may still be added above or below them. Numbers past the end are ignored.
 */
export function lockLines(lineNumbers: readonly number[]): Extension {
  if (lineNumbers.length === 0) return []
  const locked = StateField.define<readonly LockedRange[]>({
    create(state) {
      const numbers = [...new Set(lineNumbers)].filter((n) => n >= 1 && n <= state.doc.lines)
      return numbers
        .sort((x, y) => x - y)
        .map((n) => state.doc.line(n))
        .map((line) => ({ from: line.from, to: line.to }))
    },
    update(ranges, tr) {
      return tr.docChanged ? ranges.map((range) => mapLockedRange(range, tr)) : ranges
    },
    provide: (field) => EditorView.decorations.compute([field], (state) => shadeLockedLines(state, field)),
  })
  return [locked, EditorState.changeFilter.of((tr) => protectLockedRanges(tr, tr.startState.field(locked)))]
}

function startsWithLineBreak(text: Text): boolean {
  return text.lines > 1 && text.line(1).length === 0
}

function endsWithLineBreak(text: Text): boolean {
  return text.lines > 1 && text.line(text.lines).length === 0
}

// an insertion exactly at a locked line's edge adds whole lines beside it only when it
// brings its own line break on that side; anything else would change the locked text
function isAllowedInsertion(range: LockedRange, at: number, text: Text): boolean {
  if (range.from === range.to && at === range.from)
    return startsWithLineBreak(text) || endsWithLineBreak(text)
  if (at === range.from) return endsWithLineBreak(text)
  if (at === range.to) return startsWithLineBreak(text)
  return !(at > range.from && at < range.to)
}

/**
 * A change filter's answer for the locked ranges: `true` when nothing touches them, else the
 * ranges whose changes to suppress. A suppressed range reaches one past each edge, so the line
 * breaks that keep a locked line apart from its neighbours are protected too, and so are
 * insertions at its edges. An insertion at the very start or end of the document cannot be
 * suppressed by range (a change filter keeps insertions at a range's edge), so the whole
 * transaction is stopped instead.
 */
function protectLockedRanges(tr: Transaction, ranges: readonly LockedRange[]): boolean | readonly number[] {
  const length = tr.startState.doc.length
  const suppressed: [number, number][] = []
  for (const range of ranges) {
    const low = Math.max(0, range.from - 1)
    const high = Math.min(length, range.to + 1)
    let isTouched = false
    let isUnsuppressible = false
    tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
      const touches = toA > fromA ? fromA < high && toA > low : !isAllowedInsertion(range, fromA, inserted)
      if (!touches) return
      isTouched = true
      if (toA === fromA && (fromA === low || fromA === high)) isUnsuppressible = true
    })
    if (isUnsuppressible) return false
    if (isTouched) suppressed.push([low, high])
  }
  if (suppressed.length === 0) return true
  // the filter wants ordered ranges that do not overlap; neighbouring locked lines do
  const merged: [number, number][] = []
  for (const [from, to] of suppressed) {
    const last = merged.at(-1)
    if (last && from <= last[1]) last[1] = Math.max(last[1], to)
    else merged.push([from, to])
  }
  return merged.flat()
}

function shadeLockedLines(state: EditorState, field: StateField<readonly LockedRange[]>) {
  const starts = new Set<number>()
  for (const { from, to } of state.field(field)) {
    // a locked range normally is one line; the parent's `value` may have put breaks inside it
    for (let line = state.doc.lineAt(from); ; line = state.doc.line(line.number + 1)) {
      starts.add(line.from)
      if (line.to >= to || line.number === state.doc.lines) break
    }
  }
  return Decoration.set(
    [...starts].map((start) => lockedLine.range(start)),
    true,
  )
}

function mapLockedRange(range: LockedRange, tr: Transaction): LockedRange {
  if (range.from !== range.to) {
    // an allowed insertion at the start added lines above (the line moves down with it); one
    // at the end added lines below (the line stays)
    const from = tr.changes.mapPos(range.from, 1)
    const to = tr.changes.mapPos(range.to, -1)
    // only the parent's `value`, which skips the filter, can replace a locked line whole
    return from <= to ? { from, to } : { from: to, to }
  }
  // an empty line has one edge: a line break first means lines went below it
  let side: 1 | -1 = 1
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (fromA === range.from && toA === fromA && startsWithLineBreak(inserted)) side = -1
  })
  const at = tr.changes.mapPos(range.from, side)
  return { from: at, to: at }
}
