'use client'

import { useSyncExternalStore } from 'react'

function subscribeToNothing(): () => void {
  return () => undefined
}

/**
 * A value only the browser knows (the address, that the page has hydrated), read once on the
 * client; the server's render and hydration get `onServer`, so the two agree.
 */
export function useBrowserValue<T>(readInBrowser: () => T, onServer: T): T {
  return useSyncExternalStore(subscribeToNothing, readInBrowser, () => onServer)
}
