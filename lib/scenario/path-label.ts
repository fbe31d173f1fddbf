import type { PathVerdict } from './check-lessons'

// Apart from check-lessons, so the page can name a path without pulling in the simulator.

/** A key for one verdict of a lesson check: `safe`, `main`, `naive:<step id>` or `starter:<step id>`. */
export function pathKey(verdict: Pick<PathVerdict, 'path' | 'detour'>): string {
  return verdict.detour ? `${verdict.path}:${verdict.detour.id}` : verdict.path
}

/** How a verdict's path reads: `safe path`, or `the naive way at step 2 (index-totals)`. */
export function describePath(verdict: Pick<PathVerdict, 'path' | 'detour'>): string {
  if (!verdict.detour) return `${verdict.path} path`
  const way = verdict.path === 'starter' ? 'the starter' : 'the naive way'
  return `${way} at step ${verdict.detour.index + 1} (${verdict.detour.id})`
}
