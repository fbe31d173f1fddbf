import { z } from 'zod'

/** The longest SQL a shared attempt carries, in characters. */
export const maxSharedSqlChars = 8000

/** The longest `#attempt=` fragment read: chat tools and docs cut longer links anyway. */
export const maxAttemptFragmentChars = 6000

// what a fragment may inflate to before it is given up on: a little JSON around the SQL, so a
// few kilobytes of deflate cannot become megabytes in the page
const maxInflatedBytes = 4 * maxSharedSqlChars + 1024

const fragmentKey = 'attempt'

// control characters other than tab and line ends have no place in SQL typed in an editor, nor
// have the invisible ones that make text read otherwise than it runs (bidi overrides, zero-width)
const controlCharacter =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/

/** What a share link carries: one step's SQL, for one lesson, and nothing else. */
export const sharedAttemptSchema = z.strictObject({
  v: z.literal(1),
  lesson: z.string().min(1).max(100),
  step: z.string().min(1).max(100),
  sql: z
    .string()
    .max(maxSharedSqlChars, `the SQL is longer than ${maxSharedSqlChars} characters`)
    .refine((sql) => !controlCharacter.test(sql), 'the SQL holds control or invisible characters'),
})

export type SharedAttempt = z.infer<typeof sharedAttemptSchema>

/** A link's fragment, `attempt=…`, carrying the attempt deflated and base64url-encoded. */
export async function encodeAttempt(
  attempt: SharedAttempt,
): Promise<{ ok: true; fragment: string } | { ok: false; problem: string }> {
  const checked = sharedAttemptSchema.safeParse(attempt)
  if (!checked.success) return { ok: false, problem: checked.error.issues[0].message }
  const deflated = await transform(
    new TextEncoder().encode(JSON.stringify(checked.data)),
    new CompressionStream('deflate-raw'),
    Infinity,
  )
  const encoded = toBase64Url(deflated!)
  if (encoded.length > maxAttemptFragmentChars)
    return {
      ok: false,
      problem: `too long to share as a link: ${encoded.length} characters once compressed, over the limit of ${maxAttemptFragmentChars}`,
    }
  return { ok: true, fragment: `${fragmentKey}=${encoded}` }
}

/**
 * The attempt a link's fragment carries, for this lesson and step, or why it was refused.
 * `undefined` when the fragment is not a share link at all (no `attempt=`).
 */
export async function decodeAttempt(
  hash: string,
  expected: { lesson: string; step: string },
): Promise<{ ok: true; attempt: SharedAttempt } | { ok: false; problem: string } | undefined> {
  const fragment = hash.replace(/^#/, '')
  if (!fragment.startsWith(`${fragmentKey}=`)) return undefined
  const encoded = fragment.slice(fragmentKey.length + 1)
  if (encoded.length > maxAttemptFragmentChars)
    return {
      ok: false,
      problem: `the link is too large: ${encoded.length} characters, over the limit of ${maxAttemptFragmentChars}`,
    }
  if (!/^[A-Za-z0-9_-]+$/.test(encoded))
    return {
      ok: false,
      problem: 'the link is not a Cutover share link: it holds characters share links never do',
    }
  let deflated: Uint8Array
  try {
    deflated = fromBase64Url(encoded)
  } catch {
    return { ok: false, problem: 'the link is damaged: it is cut short' }
  }
  const inflated = await transform(deflated, new DecompressionStream('deflate-raw'), maxInflatedBytes).catch(
    () => null,
  )
  if (inflated === null) return { ok: false, problem: 'the link is damaged: its data does not decompress' }
  if (inflated === undefined)
    return { ok: false, problem: `the link is too large: it expands past ${maxInflatedBytes} bytes` }
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated))
  } catch {
    return { ok: false, problem: 'the link is damaged: its data is not an attempt' }
  }
  const parsed = sharedAttemptSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.join('.')
    return {
      ok: false,
      problem: `the link is not a valid attempt: ${field ? `${field}: ` : ''}${issue.message}`,
    }
  }
  if (parsed.data.lesson !== expected.lesson || parsed.data.step !== expected.step)
    // the link's own words are not repeated: a refusal must not become a message of its choosing
    return { ok: false, problem: 'the link carries an attempt at another step or lesson, not at this one' }
  return { ok: true, attempt: parsed.data }
}

// undefined when the output would pass `limit` bytes: reading stops there
async function transform(
  input: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array | undefined> {
  const writer = stream.writable.getWriter()
  void writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined)
  void writer.close().catch(() => undefined)
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  const output = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    output.set(chunk, offset)
    offset += chunk.length
  }
  return output
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (character) => character.charCodeAt(0))
}
