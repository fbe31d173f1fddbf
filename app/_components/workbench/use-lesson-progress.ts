'use client'

import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore, type RefObject } from 'react'
import { parseProgress, progressKey, type LessonProgress } from '../lesson-progress'
import { useBrowserValue } from '../use-browser-value'

/** Where progress is kept: the learner's, the presenter's own, or this page only (an embed). */
export type ProgressScope = 'learner' | 'presenter' | 'page'

/** A lesson's progress as stored, and the one way to change it. */
export interface LessonProgressHandle {
  progress: LessonProgress
  /** The progress as last saved, which a command may have changed since this render. */
  progressRef: RefObject<LessonProgress>
  /** Whether the stored progress has been read: never on the server, nor in hydration's render. */
  hasLoadedProgress: boolean
  saveProgress(update: (current: LessonProgress) => LessonProgress): void
}

/** Reads and saves a lesson's progress, and follows it as another tab of the lesson changes it. */
export function useLessonProgress(scope: ProgressScope, lesson: string): LessonProgressHandle {
  const store = useMemo(() => progressStore(scope, lesson), [scope, lesson])
  const storedProgress = useSyncExternalStore(
    subscribeToProgress,
    () => readStoredProgress(store),
    () => null,
  )
  const progress = useMemo(() => parseProgress(storedProgress), [storedProgress])
  // progress is read on the client only; the first render (server and hydration) has none yet
  const hasLoadedProgress = useBrowserValue(() => true, false)
  const progressRef = useRef(progress)
  useEffect(() => {
    progressRef.current = progress
  }, [progress])

  const saveProgress = useCallback(
    (update: (current: LessonProgress) => LessonProgress) => {
      const next = update(progressRef.current)
      progressRef.current = next
      writeStoredProgress(store, JSON.stringify(next))
    },
    [store],
  )
  return { progress, progressRef, hasLoadedProgress, saveProgress }
}

// Progress lives in localStorage; without storage (some private modes) it lasts as long as the page.
const progressListeners = new Set<() => void>()
const progressWithoutStorage = new Map<string, string>()

function subscribeToProgress(listener: () => void): () => void {
  progressListeners.add(listener)
  // another tab of the same lesson
  window.addEventListener('storage', listener)
  return () => {
    progressListeners.delete(listener)
    window.removeEventListener('storage', listener)
  }
}

/** Where one workbench keeps its progress: a localStorage key, or this page's memory only. */
interface ProgressStore {
  key: string
  isPageOnly: boolean
}

// the presenter rehearsing a lesson keeps a progress of their own, apart from their learning
function progressStore(scope: ProgressScope, lesson: string): ProgressStore {
  if (scope === 'page') return { key: `page:${lesson}`, isPageOnly: true }
  return {
    key: scope === 'presenter' ? `${progressKey(lesson)}:presenter` : progressKey(lesson),
    isPageOnly: false,
  }
}

function readStoredProgress(store: ProgressStore): string | null {
  if (store.isPageOnly) return progressWithoutStorage.get(store.key) ?? null
  try {
    return localStorage.getItem(store.key)
  } catch {
    return progressWithoutStorage.get(store.key) ?? null
  }
}

function writeStoredProgress(store: ProgressStore, value: string): void {
  try {
    if (store.isPageOnly) progressWithoutStorage.set(store.key, value)
    else localStorage.setItem(store.key, value)
  } catch {
    progressWithoutStorage.set(store.key, value)
  }
  for (const listener of progressListeners) listener()
}
