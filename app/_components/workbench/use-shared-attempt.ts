'use client'

import { useEffect, useRef, useState } from 'react'
import type { WorkbenchStep } from '@/lib/workbench'
import { decodeAttempt } from '../attempt-link'

/** A share link's attempt shown in the editor, or why the link was refused. */
export type SharedAttemptState = { step: string; sql: string } | { problem: string } | undefined

/**
 * Reads a share link's `#attempt=` fragment when the page opens, and again when another link
 * is pasted into the same tab. The attempt is only handed over as text; nothing here runs it.
 * `onArrive` is told the step of an attempt that came by a later link, to go to it.
 */
export function useSharedAttempt({
  lesson,
  steps,
  initialStep,
  isEnabled,
  onArrive,
}: {
  lesson: string
  steps: WorkbenchStep[]
  initialStep: string | undefined
  isEnabled: boolean
  onArrive(step: number): void
}) {
  const [shared, setShared] = useState<SharedAttemptState>()
  const onArriveRef = useRef(onArrive)
  useEffect(() => {
    onArriveRef.current = onArrive
  }, [onArrive])

  useEffect(() => {
    if (!isEnabled) return
    let isCurrent = true
    const read = (step: string, isLater: boolean) => {
      decodeAttempt(window.location.hash, { lesson, step }).then(
        (decoded) => {
          if (!isCurrent || !decoded) return
          // the fragment has done its work: a reload or a copied address must not bring it back
          window.history.replaceState(null, '', window.location.pathname + window.location.search)
          if (!decoded.ok) return setShared({ problem: decoded.problem })
          const index = steps.findIndex((candidate) => candidate.id === decoded.attempt.step)
          if (!steps[index]?.isEditable) return setShared({ problem: 'that step takes no SQL to share' })
          setShared({ step: decoded.attempt.step, sql: decoded.attempt.sql })
          if (isLater) onArriveRef.current(index)
        },
        () => {
          if (isCurrent) setShared({ problem: 'this browser cannot decompress share links' })
        },
      )
    }
    read(initialStep ?? '', false)
    // a link pasted into the tab that already shows its page changes only the fragment
    const onHashChange = () => read(window.location.pathname.split('/').filter(Boolean).at(-1) ?? '', true)
    window.addEventListener('hashchange', onHashChange)
    return () => {
      isCurrent = false
      window.removeEventListener('hashchange', onHashChange)
    }
  }, [initialStep, isEnabled, lesson, steps])

  return [shared, setShared] as const
}
