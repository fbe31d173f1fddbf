'use client'

import { useEffect, useSyncExternalStore } from 'react'
import { forgetOfflineCopy, offlineState, onOfflineState, startOfflineSupport } from './offline'

/** Starts offline support on every page of the course (the root layout renders it). */
export function OfflineSupport() {
  useEffect(() => startOfflineSupport(), [])
  return null
}

/** The footer's line: this page is kept for offline use, and how to remove the copy. */
export function OfflineNote() {
  const state = useSyncExternalStore(onOfflineState, offlineState, () => 'unknown' as const)
  if (state !== 'kept') return null
  return (
    <p className="offline-note">
      The lessons you open are kept on this device and work offline.{' '}
      <button type="button" className="link-button" onClick={() => void forgetOfflineCopy()}>
        Remove the offline copy
      </button>
    </p>
  )
}
