'use client'

import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { EngineAssetUrls, SnapshotLayer, WorkerDatabase } from '@/lib/engine'

/** Where the lesson's database is: starting, ready, or failed to start (with why). */
export type DatabaseState =
  | { status: 'starting' }
  | {
      status: 'ready'
      database: WorkerDatabase
      /** A second database from the lesson's start, in a worker of its own, for work that must not touch this one. */
      openCopy(): Promise<WorkerDatabase>
    }
  | { status: 'failed'; reason: string }

const DatabaseContext = createContext<DatabaseState>({ status: 'starting' })

/** The lesson's database, for the components inside a lesson. */
export function useLessonDatabase(): DatabaseState {
  return useContext(DatabaseContext)
}

/** Whether simulated traffic is running: SQL consoles then run inside the simulation. */
export interface LiveTraffic {
  isLive: boolean
  setIsLive(isLive: boolean): void
  /** Increases each time Stop replaced the database worker, which ends the simulation in it. */
  workerGeneration: number
  /**
   * Stops whatever runs in the database (Stop in a console) and says the worker was replaced;
   * `message` is what a statement it cut off reports.
   */
  cancel(database: WorkerDatabase, message?: string): Promise<void>
}

const LiveTrafficContext = createContext<LiveTraffic>({
  isLive: false,
  setIsLive: () => undefined,
  workerGeneration: 0,
  cancel: async (database) => void (await database.cancel()),
})

export function useLiveTraffic(): LiveTraffic {
  return useContext(LiveTrafficContext)
}

// One database per snapshot, shared by the effect's two runs under React StrictMode and
// closed once no lesson page uses it.
const sessions = new Map<string, { database: Promise<WorkerDatabase>; users: number }>()

function acquire(
  engine: EngineAssetUrls,
  snapshotUrl: string,
  layer?: SnapshotLayer,
): Promise<WorkerDatabase> {
  const key = layer?.url ?? snapshotUrl
  let session = sessions.get(key)
  if (!session) {
    const database = import('@/lib/engine').then(({ startBrowserDatabase }) =>
      startBrowserDatabase(engine, snapshotUrl, { ...(layer && { layer }) }),
    )
    session = { database, users: 0 }
    sessions.set(key, session)
  }
  session.users++
  return session.database
}

function release(key: string): void {
  const session = sessions.get(key)
  if (!session) return
  session.users--
  setTimeout(() => {
    if (session.users > 0 || sessions.get(key) !== session) return
    sessions.delete(key)
    session.database.then((database) => database.close()).catch(() => undefined)
  }, 0)
}

/**
 * Starts the lesson's Postgres after the text has rendered and tells the page when it is
 * ready. The status line keeps its height, so nothing moves when it changes.
 */
export function LessonDatabase({
  engine,
  snapshotUrl,
  startLayer,
  children,
}: {
  engine: EngineAssetUrls
  snapshotUrl: string | undefined
  /** The layer that makes the snapshot the start of the step the page opens at, when it has one. */
  startLayer?: SnapshotLayer
  children: ReactNode
}) {
  const [started, setState] = useState<DatabaseState>({ status: 'starting' })
  const [isLive, setIsLive] = useState(false)
  const [workerGeneration, setWorkerGeneration] = useState(0)
  // two stops at once (the budget and a Stop, a console and a step) replace the worker once
  const cancelling = useRef<Promise<void> | undefined>(undefined)
  const liveTraffic = useMemo(
    (): LiveTraffic => ({
      isLive,
      setIsLive,
      workerGeneration,
      cancel: (database, message) => {
        cancelling.current ??= (async () => {
          setIsLive(false)
          await database.cancel(message)
          setWorkerGeneration((generation) => generation + 1)
        })().finally(() => {
          cancelling.current = undefined
        })
        return cancelling.current
      },
    }),
    [isLive, workerGeneration],
  )
  const state: DatabaseState = snapshotUrl
    ? started
    : { status: 'failed', reason: 'this lesson has no starting database' }

  useEffect(() => {
    if (!snapshotUrl) return
    let isCurrent = true
    acquire(engine, snapshotUrl, startLayer).then(
      (database) => {
        if (!isCurrent) return
        performance.mark('cutover:database-ready')
        const openCopy = () =>
          import('@/lib/engine').then(({ startBrowserDatabase }) =>
            startBrowserDatabase(engine, snapshotUrl, { standby: false }),
          )
        setState({ status: 'ready', database, openCopy })
      },
      (error: unknown) => {
        if (isCurrent)
          setState({ status: 'failed', reason: error instanceof Error ? error.message : String(error) })
      },
    )
    return () => {
      isCurrent = false
      release(startLayer?.url ?? snapshotUrl)
    }
  }, [engine, snapshotUrl, startLayer])

  return (
    <DatabaseContext.Provider value={state}>
      <LiveTrafficContext.Provider value={liveTraffic}>
        <DatabaseStatus state={state} />
        {children}
      </LiveTrafficContext.Provider>
    </DatabaseContext.Provider>
  )
}

function DatabaseStatus({ state }: { state: DatabaseState }) {
  return (
    <p className={`database-status database-status-${state.status}`} role="status">
      <span className="database-status-dot" aria-hidden="true" />
      {state.status === 'starting' && 'Starting the database…'}
      {state.status === 'ready' && (
        <>
          Database ready <span className="muted">— PostgreSQL 18 (PGlite) in your browser</span>
        </>
      )}
      {state.status === 'failed' && `The database could not start: ${state.reason}`}
    </p>
  )
}
