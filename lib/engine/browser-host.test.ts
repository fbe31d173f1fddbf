import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { fetchSnapshot } from './browser-host'

let requests = 0
let isDown = false
let origin: string
const server = createServer((request, response) => {
  requests++
  if (isDown) response.writeHead(503).end()
  else response.writeHead(200, { 'content-type': 'application/x-tar' }).end('a tar archive')
})

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('a lesson’s snapshot in the page', () => {
  it('is downloaded once for the database and the workbench alike, even when both ask at once', async () => {
    requests = 0
    const [first, second] = await Promise.all([
      fetchSnapshot(`${origin}/snapshots/one.tar`),
      fetchSnapshot(`${origin}/snapshots/one.tar`),
    ])
    assert.equal(first, second)
    assert.equal(await first.text(), 'a tar archive')
    await fetchSnapshot(`${origin}/snapshots/one.tar`)
    assert.equal(requests, 1)
  })

  it('is asked for again after a download that failed', async () => {
    requests = 0
    isDown = true
    await assert.rejects(fetchSnapshot(`${origin}/snapshots/two.tar`), /HTTP 503/)
    isDown = false
    assert.equal(await (await fetchSnapshot(`${origin}/snapshots/two.tar`)).text(), 'a tar archive')
    assert.equal(requests, 2)
  })
})
