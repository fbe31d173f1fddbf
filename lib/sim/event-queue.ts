/** A binary min-heap of timed callbacks; equal times fire in the order they were scheduled. */
export class EventQueue<T> {
  private readonly heap: { at: number; order: number; value: T }[] = []
  private scheduled = 0

  get size(): number {
    return this.heap.length
  }

  /** The time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0].at : Infinity
  }

  push(at: number, value: T): void {
    const heap = this.heap
    heap.push({ at, order: this.scheduled++, value })
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!isEarlier(heap[index], heap[parent])) break
      ;[heap[index], heap[parent]] = [heap[parent], heap[index]]
      index = parent
    }
  }

  pop(): { at: number; value: T } | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (top === undefined || last === undefined) return undefined
    if (heap.length > 0) {
      heap[0] = last
      let index = 0
      for (;;) {
        const left = 2 * index + 1
        const right = left + 1
        let smallest = index
        if (left < heap.length && isEarlier(heap[left], heap[smallest])) smallest = left
        if (right < heap.length && isEarlier(heap[right], heap[smallest])) smallest = right
        if (smallest === index) break
        ;[heap[index], heap[smallest]] = [heap[smallest], heap[index]]
        index = smallest
      }
    }
    return top
  }
}

function isEarlier(a: { at: number; order: number }, b: { at: number; order: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order)
}
