// The course offline: a service worker that keeps what a visit loaded in Cache Storage, so a
// lesson opened once opens and goes Live again without the server. Our origin only; nothing is
// sent anywhere. The build stamps the version (a hash of the built site) into the copy it
// serves (scripts/stamp-offline.ts); a new version replaces this one on the next visit and drops
// the older cache. Registered by app/_components/OfflineSupport.tsx in production builds only.
const version = '__CUTOVER_OFFLINE_VERSION__'
const cacheName = `cutover-${version}`
// content-hashed or versioned names: what is cached is never stale
const immutablePrefixes = ['/_next/static/', '/engine/', '/snapshots/']
// class mode's relay answers live, from the server that holds the class
const livePrefixes = ['/class']

self.addEventListener('install', () => {
  self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith('cutover-') && name !== cacheName) await caches.delete(name)
      await self.clients.claim()
    })(),
  )
})

// A page asks for what it loaded before this worker controlled it: its own address and its
// resources, which mostly come from the HTTP cache (our server marks hashed files immutable).
self.addEventListener('message', (event) => {
  const message = event.data
  if (!message || message.type !== 'keep' || !Array.isArray(message.urls)) return
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName)
      let kept = 0
      for (const url of message.urls) {
        if (typeof url !== 'string' || !isOurs(url)) continue
        if (await cache.match(url, { ignoreVary: true })) {
          kept += 1
          continue
        }
        const response = await fetch(url, { cache: 'force-cache' }).catch(() => undefined)
        if (isKeepable(response)) {
          await cache.put(url, response)
          kept += 1
        }
      }
      event.source?.postMessage({ type: 'kept', kept, version })
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET' || !isOurs(request.url)) return
  const path = new URL(request.url).pathname
  if (livePrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return
  if (immutablePrefixes.some((prefix) => path.startsWith(prefix))) event.respondWith(cacheFirst(request))
  else event.respondWith(networkFirst(request))
})

function isOurs(url) {
  return new URL(url, self.location.href).origin === self.location.origin
}

function isKeepable(response) {
  return response !== undefined && response.status === 200 && response.type === 'basic'
}

async function cacheFirst(request) {
  const cache = await caches.open(cacheName)
  const cached = await cache.match(request, { ignoreVary: true })
  if (cached) return cached
  const response = await fetch(request)
  if (isKeepable(response)) await cache.put(request, response.clone())
  return response
}

// Pages and their data come from the server while it answers, so a new version is seen at once;
// offline, from the last copy kept (any query string: a class code, a theme).
async function networkFirst(request) {
  const cache = await caches.open(cacheName)
  try {
    const response = await fetch(request)
    if (isKeepable(response)) await cache.put(request, response.clone())
    return response
  } catch (error) {
    const cached =
      (await cache.match(request, { ignoreVary: true })) ??
      (await cache.match(request, { ignoreVary: true, ignoreSearch: true }))
    if (cached) return cached
    if (request.mode !== 'navigate') throw error
    return new Response(offlinePage, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } })
  }
}

const offlinePage = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Offline · Cutover</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}@media(prefers-color-scheme:dark){body{background:#16181d;color:#e8e6e1}a{color:#9cc3ff}}</style>
<h1>This page is not saved for offline use</h1>
<p>The server does not answer, and this page was not opened here before. Lessons opened once work offline: go back, or open <a href="/">the lessons</a> if it was saved.</p>`
