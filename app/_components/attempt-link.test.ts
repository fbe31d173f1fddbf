import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeAttempt, encodeAttempt, maxAttemptFragmentChars, type SharedAttempt } from './attempt-link'

const here = { lesson: 'two-versions', step: 'add-column' }
const attempt: SharedAttempt = {
  v: 1,
  ...here,
  sql: "alter table orders add column note text;\n-- a comment with 'quotes' and ünïcode\n",
}

async function fragmentOf(data: unknown): Promise<string> {
  const stream = new CompressionStream('deflate-raw')
  const writer = stream.writable.getWriter()
  void writer.write(new TextEncoder().encode(JSON.stringify(data)))
  void writer.close()
  const bytes = new Uint8Array(await new Response(stream.readable).arrayBuffer())
  return `#attempt=${Buffer.from(bytes).toString('base64url')}`
}

describe('share links', () => {
  it('carry a step’s SQL there and back unchanged', async () => {
    const encoded = await encodeAttempt(attempt)
    assert.equal(encoded.ok, true)
    assert.ok(encoded.ok && /^attempt=[A-Za-z0-9_-]+$/.test(encoded.fragment))
    const decoded = await decodeAttempt(`#${encoded.ok && encoded.fragment}`, here)
    assert.deepEqual(decoded, { ok: true, attempt })
  })

  it('are not made for SQL that would not fit in a link', async () => {
    // pseudo-random text barely compresses
    let seed = 42
    const noise = Array.from({ length: 7900 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return String.fromCharCode(33 + (seed % 90))
    }).join('')
    const encoded = await encodeAttempt({ ...attempt, sql: noise })
    assert.equal(encoded.ok, false)
    assert.match(!encoded.ok ? encoded.problem : '', /too long to share as a link/)
  })

  it('say nothing of a fragment that is not a share link', async () => {
    assert.equal(await decodeAttempt('#workbench-heading', here), undefined)
    assert.equal(await decodeAttempt('', here), undefined)
  })

  it('refuse an oversized link before decompressing it', async () => {
    const decoded = await decodeAttempt(`#attempt=${'A'.repeat(maxAttemptFragmentChars + 1)}`, here)
    assert.deepEqual(decoded, {
      ok: false,
      problem: `the link is too large: ${maxAttemptFragmentChars + 1} characters, over the limit of ${maxAttemptFragmentChars}`,
    })
  })

  it('refuse a small link that inflates past the limit', async () => {
    const bomb = await fragmentOf({ v: 1, ...here, sql: ' '.repeat(200_000) })
    assert.ok(bomb.length < maxAttemptFragmentChars)
    const decoded = await decodeAttempt(bomb, here)
    assert.equal(decoded?.ok, false)
    assert.match(decoded?.ok === false ? decoded.problem : '', /expands past/)
  })

  it('refuse markup in place of the encoded attempt', async () => {
    const decoded = await decodeAttempt('#attempt=<script>alert(1)</script>', here)
    assert.equal(decoded?.ok, false)
    assert.match(decoded?.ok === false ? decoded.problem : '', /not a Cutover share link/)
  })

  it('refuse an attempt with fields of its own, such as one asking to run', async () => {
    const decoded = await decodeAttempt(await fragmentOf({ ...attempt, autorun: true }), here)
    assert.deepEqual(decoded, {
      ok: false,
      problem: 'the link is not a valid attempt: Unrecognized key: "autorun"',
    })
  })

  it('refuse damaged data, control characters, and an attempt at another step', async () => {
    const damaged = await decodeAttempt('#attempt=AAAA', here)
    assert.match(damaged?.ok === false ? damaged.problem : '', /damaged/)
    const control = await decodeAttempt(await fragmentOf({ ...attempt, sql: 'select 1;\u0000' }), here)
    assert.match(control?.ok === false ? control.problem : '', /control or invisible characters/)
    const bidi = await decodeAttempt(await fragmentOf({ ...attempt, sql: "select '\u202e1 ;'" }), here)
    assert.match(bidi?.ok === false ? bidi.problem : '', /control or invisible characters/)
    const elsewhere = await decodeAttempt(await fragmentOf({ ...attempt, step: 'contract' }), here)
    assert.match(elsewhere?.ok === false ? elsewhere.problem : '', /at another step or lesson/)
  })
})
