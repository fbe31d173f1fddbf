import type { StepRunHow } from '@/lib/workbench'

/** Virtual time as `mm:ss`, e.g. `01:05`; minutes keep counting past the hour. */
export function formatClock(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000)
  return `${pad(Math.floor(seconds / 60), 2)}:${pad(seconds % 60, 2)}`
}

/** Virtual time to the tenth of a second, `mm:ss.s`, for the running clock. */
export function formatClockTenths(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100)
  return `${formatClock(tenths * 100)}.${tenths % 10}`
}

/** Virtual time to the millisecond, `mm:ss.mmm`, as an app's log line stamps it. */
export function formatClockMillis(ms: number): string {
  const millis = Math.floor(Math.max(0, ms))
  return `${formatClock(millis)}.${pad(millis % 1000, 3)}`
}

/** A duration for people: `350 ms` under a second, `1.2 s` under a minute, `2 min 5 s` beyond. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms)
  if (value < 1000) return `${Math.round(value)} ms`
  // rounding 59.96 s to one decimal would print "60.0 s": switch to minutes first
  if (value < 59_950) return `${(value / 1000).toFixed(1)} s`
  const seconds = Math.round(value / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** A lock mode as the docs name it: `AccessExclusiveLock` → `ACCESS EXCLUSIVE`. */
export function formatLockMode(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase()
}

/** `text` cut to `max` characters with an ellipsis, whitespace runs folded to one space. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

/** Whose SQL a step ran, as a few words: `your SQL`, `the naive way`, `the lesson’s solution`, `scripted`. */
export function describeStepHow(how: StepRunHow): string {
  return {
    yours: 'your SQL',
    naive: 'the naive way',
    solution: 'the lesson’s solution',
    scripted: 'scripted',
  }[how]
}
