// Writes a brotli (.br) and a gzip (.gz) copy beside every compressible file of the built site,
// for `npm start`'s server to send as they are (Content-Encoding) instead of compressing on
// every request. Chromium asks for brotli only over https or localhost: a class on the local
// network gets gzip. A lesson's 23 MB snapshot is mostly empty pages: 1.2 MB as brotli, 3.5 MB
// as gzip. A static host serves the plain files; the copies are simply not used there.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

const compressible = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.txt',
  '.svg',
  '.map',
  '.wasm',
  '.data',
  '.tar',
])
// smaller files gain little and cost a request's worth of bytes at most
const smallestBytes = 1024

const brotli = promisify(brotliCompress)
const gzipped = promisify(gzip)

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return filesUnder(path)
      return Promise.resolve(compressible.has(extname(entry.name)) ? [path] : [])
    }),
  )
  return nested.flat()
}

async function compressOne(
  path: string,
): Promise<{ bytes: number; brotli: number; gzip: number } | undefined> {
  const info = await stat(path)
  if (info.size < smallestBytes) return undefined
  const bytes = await readFile(path)
  const [asBrotli, asGzip] = await Promise.all([
    brotli(bytes, {
      params: {
        // 9 rather than 11: a twentieth larger, ten times faster on the 9 MB wasm; a snapshot
        // gains nothing from 9 over 7
        [constants.BROTLI_PARAM_QUALITY]: extname(path) === '.tar' ? 7 : 9,
        // a 16 MB window: the snapshot's repeated empty pages lie megabytes apart
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    // 6, the default: level 9 takes six times as long for a hundredth less
    gzipped(bytes, { level: 6 }),
  ])
  // a copy no smaller than the file is of no use
  if (asBrotli.length < bytes.length) await writeFile(`${path}.br`, asBrotli)
  if (asGzip.length < bytes.length) await writeFile(`${path}.gz`, asGzip)
  return { bytes: bytes.length, brotli: asBrotli.length, gzip: asGzip.length }
}

/** Compresses every file under `dir`, a few at a time (zlib works on libuv's threads). */
export async function precompress(
  dir: string,
): Promise<{ files: number; bytes: number; brotli: number; gzip: number }> {
  const files = await filesUnder(dir)
  const totals = { files: 0, bytes: 0, brotli: 0, gzip: 0 }
  let next = 0
  const work = async () => {
    while (next < files.length) {
      const done = await compressOne(files[next++]!)
      if (!done) continue
      totals.files++
      totals.bytes += done.bytes
      totals.brotli += done.brotli
      totals.gzip += done.gzip
    }
  }
  await Promise.all(Array.from({ length: 4 }, work))
  return totals
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now()
  const totals = await precompress(join(process.cwd(), 'out'))
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
  console.log(
    `precompressed ${totals.files} files in ${((performance.now() - started) / 1000).toFixed(1)} s: ${mb(totals.bytes)} → ${mb(totals.brotli)} brotli, ${mb(totals.gzip)} gzip`,
  )
}
