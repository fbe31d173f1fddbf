// A snapshot is a tar of Postgres's data directory (PGlite's dumpDataDir). A later state of the
// same database differs in a few files: a layer holding only those, laid over the first, makes
// the later snapshot at a tenth of its size. PGlite extracts a tar entry by entry and writes
// each file whole, so an entry that comes again later replaces the earlier one.
//
// A file the later state no longer has (a dropped table's, a removed WAL segment) stays in the
// layered snapshot; Postgres leaves such orphans alone: it never reads a relation file no
// catalog row names, it picks new relation file numbers that do not exist on disk, and it
// recycles WAL segments older than the checkpoint it starts from.

const blockSize = 512

interface TarEntry {
  name: string
  /** Offset of its header. */
  start: number
  /** Offset just past its data, padded to a block. */
  end: number
}

const text = new TextDecoder()

function field(header: Uint8Array, offset: number, length: number): string {
  return text.decode(header.subarray(offset, offset + length)).replace(/\0[\s\S]*$/, '')
}

function isZeroBlock(block: Uint8Array): boolean {
  return block.every((byte) => byte === 0)
}

/** The entries of a ustar archive, in order, up to its end-of-archive marker. */
export function tarEntries(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = []
  let offset = 0
  while (offset + blockSize <= tar.length) {
    const header = tar.subarray(offset, offset + blockSize)
    if (isZeroBlock(header)) break
    const prefix = field(header, 345, 155)
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100)
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8)
    if (!Number.isFinite(size) || size < 0) throw new Error(`malformed tar entry ${name} at ${offset}`)
    const end = offset + blockSize + Math.ceil(size / blockSize) * blockSize
    if (end > tar.length) throw new Error(`tar entry ${name} runs past the end of the archive`)
    entries.push({ name, start: offset, end })
    offset = end
  }
  return entries
}

/** Where the archive's entries end: a layer laid over it starts here, replacing its end marker. */
export function tarEnd(tar: Uint8Array): number {
  return tarEntries(tar).at(-1)?.end ?? 0
}

function sameData(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  // the header differs in its modification time alone when the file did not change
  for (let index = blockSize; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * The entries of `later` that `base` does not hold as they are (new, or their bytes changed),
 * as a tar of their own: `base` up to `tarEnd(base)` followed by it extracts to `later`'s files
 * (plus any `later` removed).
 */
export function tarLayer(base: Uint8Array, later: Uint8Array): Uint8Array<ArrayBuffer> {
  const baseEntries = new Map(
    tarEntries(base).map((entry) => [entry.name, base.subarray(entry.start, entry.end)]),
  )
  const parts: Uint8Array[] = []
  for (const entry of tarEntries(later)) {
    const bytes = later.subarray(entry.start, entry.end)
    const before = baseEntries.get(entry.name)
    if (!before || !sameData(before, bytes)) parts.push(bytes)
  }
  const layer = new Uint8Array(parts.reduce((total, part) => total + part.length, 0) + 2 * blockSize)
  let offset = 0
  for (const part of parts) {
    layer.set(part, offset)
    offset += part.length
  }
  return layer
}

/** The archive without the entries `drops` names, ending as an archive does. */
export function tarWithout(tar: Uint8Array, drops: (name: string) => boolean): Uint8Array<ArrayBuffer> {
  const kept = tarEntries(tar).filter((entry) => !drops(entry.name))
  const result = new Uint8Array(
    kept.reduce((total, entry) => total + entry.end - entry.start, 0) + 2 * blockSize,
  )
  let offset = 0
  for (const entry of kept) {
    result.set(tar.subarray(entry.start, entry.end), offset)
    offset += entry.end - entry.start
  }
  return result
}

/** `base` with `layer` laid over it, as one snapshot; no bytes are copied until it is read. */
export function layeredSnapshot(base: Blob, baseEnd: number, layer: Blob): Blob {
  return new Blob([base.slice(0, baseEnd), layer])
}
