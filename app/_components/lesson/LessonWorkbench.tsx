'use client'

import { Workbench, type WorkbenchProps } from '@/app/_components/workbench/Workbench'
import { useLessonDatabase, useLiveTraffic } from './LessonDatabase'

/** What every view of a lesson's workbench is given, all known at build time. */
export type LessonWorkbenchData = Pick<
  WorkbenchProps,
  | 'lesson'
  | 'scenario'
  | 'steps'
  | 'versions'
  | 'endpoints'
  | 'invariants'
  | 'snapshotUrl'
  | 'stepLayers'
  | 'requestsPerSecond'
>

/** The workbench, bound to the lesson page's database. */
export function LessonWorkbench(
  props: Omit<
    WorkbenchProps,
    'database' | 'databaseProblem' | 'onLiveChange' | 'workerGeneration' | 'replaceWorker'
  >,
) {
  const state = useLessonDatabase()
  const { setIsLive, workerGeneration, cancel } = useLiveTraffic()
  return (
    <Workbench
      {...props}
      database={state.status === 'ready' ? state.database : undefined}
      {...(state.status === 'ready' && { openCopy: state.openCopy })}
      {...(state.status === 'failed' && { databaseProblem: state.reason })}
      onLiveChange={setIsLive}
      workerGeneration={workerGeneration}
      replaceWorker={async (message) => {
        if (state.status === 'ready') await cancel(state.database, message)
      }}
    />
  )
}
