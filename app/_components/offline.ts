'use client'

// The course offline, as the page sees it: registers the service worker (public/sw.js) once the
// page has settled, asks it to keep what this visit loaded, and says when that is done. Only in
// a production build: in development every edit would have to get past a cache.

/** Whether this page's files are kept for offline use, as far as this page knows. */
export type OfflineState = 'unknown' | 'kept' | 'unavailable'

let state: OfflineState = 'unknown'
const listeners = new Set<() => void>()

function setState(next: OfflineState): void {
  state = next
  if (next === 'kept') document.documentElement.dataset.offline = 'kept'
  else delete document.documentElement.dataset.offline
  for (const listener of listeners) listener()
}

export function offlineState(): OfflineState {
  return state
}

export function onOfflineState(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

// Resolves once the page has set a performance mark named `name` (at once if it has), or after `capMs`.
function markSet(name: string, capMs: number): Promise<void> {
  if (performance.getEntriesByName(name, 'mark').length > 0) return Promise.resolve()
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName(name).length === 0) return
      observer.disconnect()
      resolve()
    })
    observer.observe({ type: 'mark' })
    setTimeout(() => {
      observer.disconnect()
      resolve()
    }, capMs)
  })
}

// After the page's own loading: a lesson's database downloads and opens first, so keeping its
// files never competes with them (most then come from the HTTP cache)
async function pageSettled(): Promise<void> {
  if (document.readyState !== 'complete')
    await new Promise((resolve) => addEventListener('load', resolve, { once: true }))
  if (document.querySelector('.workbench')) await markSet('cutover:live', 60_000)
  await new Promise((resolve) => (window.requestIdleCallback ?? setTimeout)(() => resolve(undefined)))
}

function loadedUrls(): string[] {
  const urls = performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => {
      const parsed = new URL(url)
      return parsed.origin === location.origin && !parsed.pathname.startsWith('/class')
    })
  // the address the page was opened at, and the one it shows now (a lesson shows its step's)
  const opened = performance.getEntriesByType('navigation')[0]?.name
  return [...new Set([...(opened ? [opened] : []), location.href, ...urls])]
}

let started = false

/** Registers the service worker and has it keep this page's files; once per page. */
export function startOfflineSupport(): void {
  if (started || process.env.NODE_ENV !== 'production') return
  started = true
  if (!('serviceWorker' in navigator) || !('caches' in window)) return setState('unavailable')
  void (async () => {
    await pageSettled()
    const registration = await navigator.serviceWorker.register('/sw.js').catch(() => undefined)
    if (!registration) return setState('unavailable')
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
      if ((event.data as { type?: string } | null)?.type === 'kept') setState('kept')
    })
    const ready = await navigator.serviceWorker.ready
    ready.active?.postMessage({ type: 'keep', urls: loadedUrls() })
  })()
}

/** Unregisters the service worker and deletes what it kept: the course is online-only again. */
export async function forgetOfflineCopy(): Promise<void> {
  for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister()
  for (const name of await caches.keys()) if (name.startsWith('cutover-')) await caches.delete(name)
  setState('unknown')
}
