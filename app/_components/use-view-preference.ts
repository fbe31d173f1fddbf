'use client'

import { useCallback, useSyncExternalStore } from 'react'

const listeners = new Set<() => void>()
// without storage (some private modes) a choice lasts as long as the page
const unstored = new Map<string, boolean>()

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange)
  // another window of this site (the presenter's audience) made the choice
  window.addEventListener('storage', onChange)
  return () => {
    listeners.delete(onChange)
    window.removeEventListener('storage', onChange)
  }
}

function read(key: string): boolean {
  try {
    const stored = localStorage.getItem(key)
    if (stored !== null) return stored === 'on'
  } catch {
    // no storage: the page's memory answers
  }
  return unstored.get(key) ?? false
}

function write(key: string, value: boolean): void {
  unstored.set(key, value)
  try {
    localStorage.setItem(key, value ? 'on' : 'off')
  } catch {
    // no storage: kept in the page's memory only
  }
  for (const listener of listeners) listener()
}

/**
 * A yes/no choice of how a panel shows things, remembered in localStorage as the theme is
 * (`cutover-<name>`), so every lesson opens as the learner left it. Off until the browser has
 * read it: the prerendered page and hydration agree.
 */
export function useViewPreference(name: string): [boolean, (value: boolean) => void] {
  const key = `cutover-${name}`
  const value = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => false,
  )
  const set = useCallback((next: boolean) => write(key, next), [key])
  return [value, set]
}
