'use client'

import { useEffect, useRef, type RefObject } from 'react'
import type { WorkbenchStep } from '@/lib/workbench'
import type { LiveState } from './use-workbench'
import type { WorkbenchEvent } from './workbench-host'

/**
 * Tells the page around the workbench what happens: whether the simulation is live (the prose's
 * consoles run inside it then), the step at hand in the address bar, when it is first ready or
 * failed, and the step at hand with its SQL.
 */
export function useHostEvents({
  lesson,
  steps,
  phase,
  current,
  sql,
  hasFailed,
  followsStepInUrl,
  onLiveChange,
  onEventRef,
}: {
  lesson: string
  steps: WorkbenchStep[]
  phase: LiveState['phase']
  current: number
  sql: string
  hasFailed: boolean
  followsStepInUrl: boolean
  onLiveChange(isLive: boolean): void
  onEventRef: RefObject<((event: WorkbenchEvent) => void) | undefined>
}): void {
  useEffect(() => {
    onLiveChange(phase === 'live')
  }, [onLiveChange, phase])

  useEffect(() => () => onLiveChange(false), [onLiveChange])

  // the address bar names the step at hand, so it can be shared or reloaded
  useEffect(() => {
    if (phase !== 'live' || !followsStepInUrl) return
    const step = steps[current]
    const path = step ? `/learn/${lesson}/${step.id}` : `/learn/${lesson}`
    if (window.location.pathname.replace(/\/$/, '') !== path) window.history.replaceState(null, '', path)
  }, [current, followsStepInUrl, lesson, phase, steps])

  useEffect(() => {
    if (hasFailed) onEventRef.current?.({ type: 'failed' })
  }, [hasFailed, onEventRef])

  const hasBeenLive = useRef(false)
  useEffect(() => {
    if (phase !== 'live' || hasBeenLive.current) return
    hasBeenLive.current = true
    onEventRef.current?.({ type: 'ready', step: current })
  }, [current, onEventRef, phase])

  useEffect(() => {
    onEventRef.current?.({ type: 'view', current, sql })
  }, [current, onEventRef, sql])
}
