// Stamps the built site's version into out/sw.js (see public/sw.js): a hash of every page and
// piece of data by content, and of every content-hashed file by name. A build that changes
// anything a visitor gets changes the service worker's bytes, so browsers install the new one
// on their next visit and drop the older cache. Runs after `next build`, before precompress.
import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

const out = join(process.cwd(), 'out')
const placeholder = '__CUTOVER_OFFLINE_VERSION__'
// named by their content (or their version) already: their names say enough
const namedByContent = ['_next/static/', 'engine/', 'snapshots/']

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  )
  return nested.flat()
}

const hash = createHash('sha256')
const files = (await filesUnder(out))
  .map((file) => relative(out, file))
  .filter((file) => file !== 'sw.js' && !/\.(br|gz)$/.test(file))
  .sort()
for (const file of files) {
  hash.update(`${file}\n`)
  if (!namedByContent.some((prefix) => file.startsWith(prefix))) hash.update(await readFile(join(out, file)))
}
const version = hash.digest('hex').slice(0, 16)
const worker = join(out, 'sw.js')
const source = await readFile(worker, 'utf8')
if (!source.includes(placeholder)) throw new Error(`out/sw.js has no ${placeholder} to stamp`)
await writeFile(worker, source.replace(placeholder, version))
console.log(`stamped the offline version ${version} into out/sw.js (${files.length} files)`)
