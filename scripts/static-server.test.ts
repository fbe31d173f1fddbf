import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { createStaticServer } from './static-server.mjs'

const text = 'select 1;\n'.repeat(500)
let root: string
let origin: string
let server: ReturnType<typeof createStaticServer>

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cutover-static-'))
  await writeFile(join(root, 'index.html'), '<!doctype html><title>home</title>')
  await writeFile(join(root, 'page.js'), text)
  await writeFile(join(root, 'page.js.br'), brotliCompressSync(text))
  await writeFile(join(root, 'page.js.gz'), gzipSync(text))
  await writeFile(join(root, 'plain.js'), text)
  server = createStaticServer({ root })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(root, { recursive: true, force: true })
})

// node's fetch decodes what it is sent: the raw bytes and headers are read with `raw`
async function raw(path: string, acceptEncoding: string) {
  const { request } = await import('node:http')
  return new Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }>(
    (resolve, reject) => {
      request(`${origin}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            encoding: response.headers['content-encoding'],
            vary: response.headers.vary,
            body: Buffer.concat(chunks),
          }),
        )
      })
        .on('error', reject)
        .end()
    },
  )
}

describe('the static server', () => {
  it('sends the build’s brotli copy to a browser that takes brotli, else its gzip copy, else the file', async () => {
    const brotli = await raw('/page.js', 'gzip, deflate, br, zstd')
    assert.equal(brotli.encoding, 'br')
    assert.equal(brotli.vary, 'accept-encoding')
    assert.deepEqual(brotli.body, brotliCompressSync(text))
    // Chromium over plain http on the local network asks for gzip only
    const gzip = await raw('/page.js', 'gzip, deflate')
    assert.equal(gzip.encoding, 'gzip')
    assert.deepEqual(gzip.body, gzipSync(text))
    const refused = await raw('/page.js', 'br;q=0, gzip')
    assert.equal(refused.encoding, 'gzip')
    const none = await raw('/page.js', 'identity')
    assert.equal(none.encoding, undefined)
    assert.equal(none.body.toString(), text)
  })

  it('sends a file without copies as it is, whatever the browser takes', async () => {
    const plain = await raw('/plain.js', 'gzip, br')
    assert.equal(plain.encoding, undefined)
    assert.equal(plain.body.toString(), text)
  })
})
