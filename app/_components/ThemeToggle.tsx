'use client'

import { useSyncExternalStore } from 'react'

type Theme = 'light' | 'dark'

const darkQuery = '(prefers-color-scheme: dark)'
const listeners = new Set<() => void>()

function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme
  if (chosen === 'dark' || chosen === 'light') return chosen
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light'
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange)
  const media = window.matchMedia(darkQuery)
  media.addEventListener('change', onChange)
  return () => {
    listeners.delete(onChange)
    media.removeEventListener('change', onChange)
  }
}

/** Switches between light and dark, remembering the choice; the system setting is the default. */
export function ThemeToggle() {
  // undefined while prerendering: the theme is only known in the browser
  const theme = useSyncExternalStore<Theme | undefined>(subscribe, currentTheme, () => undefined)

  const toggle = () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark'
    document.documentElement.dataset.theme = next
    try {
      localStorage.setItem('cutover-theme', next)
    } catch {
      // private mode: the choice lasts for this page only
    }
    for (const listener of listeners) listener()
  }

  return (
    <button type="button" className="theme-toggle" onClick={toggle} aria-pressed={theme === 'dark'}>
      Dark theme
    </button>
  )
}
