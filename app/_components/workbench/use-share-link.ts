'use client'

import { useState } from 'react'
import type { WorkbenchStep } from '@/lib/workbench'
import { encodeAttempt } from '../attempt-link'

/** The link made to the learner's attempt at a step (copied if the browser let it), or why there is none. */
export type ShareLink = { step: string; url: string; isCopied: boolean } | { step: string; problem: string }

/**
 * Makes a link that carries the learner's SQL for the step at hand, compressed in its fragment,
 * and copies it to the clipboard. Nothing is uploaded.
 */
export function useShareLink({
  lesson,
  step,
  sql,
}: {
  lesson: string
  step: WorkbenchStep | undefined
  sql: string
}): { shareLink: ShareLink | undefined; share(): Promise<void> } {
  const [shareLink, setShareLink] = useState<ShareLink | undefined>()
  const share = async () => {
    if (!step) return
    const encoded = await encodeAttempt({ v: 1, lesson, step: step.id, sql }).catch(() => ({
      ok: false as const,
      problem: 'this browser cannot compress it',
    }))
    if (!encoded.ok) return setShareLink({ step: step.id, problem: encoded.problem })
    const url = `${window.location.origin}/learn/${lesson}/${step.id}#${encoded.fragment}`
    const isCopied = await navigator.clipboard
      ?.writeText(url)
      .then(() => true)
      .catch(() => false)
    setShareLink({ step: step.id, url, isCopied: isCopied === true })
  }
  return { shareLink, share }
}
