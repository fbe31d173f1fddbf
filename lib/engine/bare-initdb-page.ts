// The benchmark's baseline: a page that only creates PGlite the stock way — fetching its
// own wasm and data, initdb included — as a page without Cutover's snapshots would.
import { PGlite } from '@electric-sql/pglite'

await PGlite.create()
performance.mark('bare:database-ready')
