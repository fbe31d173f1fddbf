// A small static file server for the exported site (out/): what `npm start`, the browser
// tests and the benchmark serve. It maps /learn/x to learn/x.html as static hosts do and
// answers unknown paths with the site's own 404 page and a real 404 status; a path with a
// trailing slash is redirected to the one without.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  // streaming wasm compilation requires exactly this type
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
  '.tar': 'application/x-tar',
}

// content-hashed or versioned file names never change meaning, so browsers may keep them
const immutablePrefixes = ['/_next/static/', '/engine/', '/snapshots/']

async function fileAt(root, urlPath) {
  const relative = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '')
  const full = join(root, relative)
  if (full !== root && !full.startsWith(root + sep)) return undefined
  for (const candidate of [full, `${full}.html`, join(full, 'index.html')]) {
    const info = await stat(candidate).catch(() => undefined)
    if (info?.isFile()) return { path: candidate, size: info.size }
  }
  return undefined
}

/**
 * The copy of a file that scripts/precompress.ts wrote for an encoding the request accepts:
 * brotli first, then gzip; none when the request takes neither or the build wrote none.
 */
async function precompressedCopy(path, acceptEncoding = '') {
  const accepted = acceptEncoding
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, quality]) => !/^q=0(\.0*)?$/.test(quality?.trim() ?? ''))
    .map(([name]) => name.toLowerCase())
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ]) {
    if (!accepted.includes(encoding)) continue
    const info = await stat(path + suffix).catch(() => undefined)
    if (info?.isFile()) return { encoding, path: path + suffix, size: info.size }
  }
  return undefined
}

/**
 * Creates the server. `mounts` maps a URL prefix to another folder (the benchmark serves its
 * bare comparison page that way, on the same origin). `handle`, if given, sees each request
 * first and returns true for one it answered itself (`npm start`'s class relay).
 *
 * @param {{
 *   root: string,
 *   mounts?: Record<string, string>,
 *   handle?: (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => boolean,
 * }} options
 */
export function createStaticServer({ root, mounts = {}, handle = undefined }) {
  return createServer(async (request, response) => {
    if (handle?.(request, response)) return
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    // docs tools often add a trailing slash to a link: the page is the one without it
    const isMounted = Object.keys(mounts).some((prefix) => url.pathname.startsWith(prefix))
    if (!isMounted && url.pathname.length > 1 && url.pathname.endsWith('/')) {
      const location = `${url.pathname.replace(/\/+$/, '') || '/'}${url.search}`
      response.writeHead(308, { location, 'cache-control': 'no-cache' }).end()
      return
    }
    let file
    try {
      const mount = Object.entries(mounts).find(([prefix]) => url.pathname.startsWith(prefix))
      file = mount
        ? await fileAt(mount[1], url.pathname.slice(mount[0].length))
        : await fileAt(root, url.pathname)
    } catch {
      file = undefined // a malformed escape in the path is a missing page, not a crash
    }
    let status = 200
    if (!file) {
      status = 404
      file = await fileAt(root, '/404.html')
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
        return
      }
    }
    const isImmutable = status === 200 && immutablePrefixes.some((prefix) => url.pathname.startsWith(prefix))
    // the build's brotli or gzip copy, sent as it is, when the browser takes it
    const encoded = await precompressedCopy(file.path, request.headers['accept-encoding'])
    response.writeHead(status, {
      'content-type': contentTypes[extname(file.path)] ?? 'application/octet-stream',
      'content-length': encoded?.size ?? file.size,
      ...(encoded && { 'content-encoding': encoded.encoding }),
      vary: 'accept-encoding',
      'cache-control': isImmutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    })
    if (request.method === 'HEAD') response.end()
    else createReadStream(encoded?.path ?? file.path).pipe(response)
  })
}
