'use client'

import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import { realWorkBudgetOf } from '@/lib/workbench'
import type { useWorkbench } from './use-workbench'

/** Why the worker is being replaced, for the simulation that resumes after it. */
export interface PendingRestart {
  by: 'you' | 'budget'
  /** The statement the step's migration was running, when it was the one Postgres was busy with. */
  statement?: string
  /** The caller opens the lesson where it wants next (Undo, Reset): no resume. */
  thenOpens?: boolean
}

// A cancel is answered between two ticks; one not answered in this long means the worker is
// inside a statement that runs for real in Postgres
const cancelAnswerWaitMs = 200

/** A statement Postgres has been busy with for real for a while: the clock waits for it. */
export interface BusyForReal {
  session: string
  sql: string
  /** When the page stops it by itself, in seconds. */
  budgetSeconds: number
}

// real work shorter than this is the ordinary cost of a statement, not worth a word
const busyNoteAfterMs = 400

/** What Stop on a step does, for its button, Ctrl+C, `cancel` and a host page. */
export interface StepStop {
  /** What Postgres is busy with for real now, when it has been for a while. */
  busy: BusyForReal | undefined
  /**
   * Stops the running step: its statement is cancelled in the simulation, or, when the worker
   * is busy in Postgres, the worker is replaced and the database comes back from its last
   * saved state. With `thenOpens`, the caller opens the lesson itself afterwards.
   */
  stop(options?: { thenOpens?: boolean }): Promise<void>
}

/**
 * Stop for a running step, and the watchdog behind it: a statement that runs for real in
 * PGlite longer than its budget (2 s, 10 s typed at a console) stops the clock and the
 * traffic (the worker answers nothing meanwhile), so it is stopped by itself, and the learner
 * told so.
 */
export function useStepStop({
  workbench: { state, call, realWorkRef },
  replaceWorker,
  pendingRestartRef,
  announce,
}: {
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'call' | 'realWorkRef'>
  replaceWorker(message?: string): Promise<void>
  pendingRestartRef: RefObject<PendingRestart | undefined>
  announce(message: string): void
}): StepStop {
  const isReplacingRef = useRef(false)
  const [busy, setBusy] = useState<BusyForReal | undefined>(undefined)

  const replace = useCallback(
    async (restart: PendingRestart, message?: string) => {
      if (isReplacingRef.current) return
      isReplacingRef.current = true
      // the statement goes with the worker: the watchdog must not stop it a second time
      realWorkRef.current = undefined
      pendingRestartRef.current = restart
      try {
        await replaceWorker(message)
      } finally {
        isReplacingRef.current = false
      }
    },
    [pendingRestartRef, realWorkRef, replaceWorker],
  )

  const stop = useCallback(
    async ({ thenOpens = false } = {}) => {
      // a refusal is an answer too: the worker is free
      const answered = await Promise.race([
        call({ action: 'cancel step' }).then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), cancelAnswerWaitMs)),
      ])
      if (answered) return
      const work = realWorkRef.current?.notice
      await replace({
        by: 'you',
        ...(work?.session === 'migration' && { statement: work.sql }),
        thenOpens,
      })
    },
    [call, realWorkRef, replace],
  )

  const isLive = state.phase === 'live'
  useEffect(() => {
    if (!isLive) return
    const timer = setInterval(() => {
      const work = realWorkRef.current
      const budgetMs = work && realWorkBudgetOf(work.notice.session)
      const busyForMs = work ? performance.now() - work.sinceMs : 0
      setBusy((shown) =>
        work && budgetMs && busyForMs >= busyNoteAfterMs && busyForMs < budgetMs
          ? shown?.sql === work.notice.sql && shown.session === work.notice.session
            ? shown
            : { session: work.notice.session, sql: work.notice.sql, budgetSeconds: budgetMs / 1000 }
          : undefined,
      )
      if (!work || !budgetMs || busyForMs < budgetMs) return
      realWorkRef.current = undefined
      const { session, sql } = work.notice
      const over = `it ran longer than ${budgetMs / 1000} s for real in PGlite`
      announce(
        `Stopped ${session === 'migration' ? 'the step’s statement' : 'a statement'}: ${over}. The database is back at its last saved state.`,
      )
      void replace(
        { by: 'budget', ...(session === 'migration' && { statement: sql }) },
        `canceling statement: ${over}`,
      )
    }, 200)
    return () => {
      clearInterval(timer)
      setBusy(undefined)
    }
  }, [announce, isLive, realWorkRef, replace])

  return { stop, busy: isLive ? busy : undefined }
}
