'use client'

import { useEffect, useRef, type RefObject } from 'react'
import type { WorkbenchSpeed, WorkbenchStep } from '@/lib/workbench'
import type { LessonProgress } from '../lesson-progress'
import type { StepCommands } from './use-step-commands'
import type { useWorkbench } from './use-workbench'
import type { StepStatus, WorkbenchCommand, WorkbenchCommandSource } from './workbench-host'

/**
 * Carries out the commands an embed's host page or the presenter's keys send: run, stop, reset
 * (and undo it), go to the next or previous step, pause or resume the traffic, and answer where
 * the step stands.
 */
export function useHostCommands({
  commands,
  steps,
  current,
  pinned,
  databaseProblem,
  workbench: { state, setSpeed },
  progressRef,
  isRunRequestedRef,
  stepCommands: { run, reset, undoReset, stop },
  openAt,
}: {
  commands: WorkbenchCommandSource | undefined
  steps: WorkbenchStep[]
  /** The step at hand. */
  current: number
  /** The only step shown (an embed's), or -1. */
  pinned: number
  databaseProblem: string | undefined
  workbench: Pick<ReturnType<typeof useWorkbench>, 'state' | 'setSpeed'>
  progressRef: RefObject<LessonProgress>
  isRunRequestedRef: RefObject<boolean>
  stepCommands: Pick<StepCommands, 'run' | 'reset' | 'undoReset' | 'stop'>
  openAt(step: number): Promise<boolean>
}): void {
  const isLive = state.phase === 'live'
  const isRunning = state.runningStep !== undefined
  const step = steps[current] as WorkbenchStep | undefined

  const lastSpeed = useRef<WorkbenchSpeed>(1)
  useEffect(() => {
    if (state.speed !== 0) lastSpeed.current = state.speed
  }, [state.speed])
  // answered from what was saved, not from the last render: a host may ask the moment it heard
  // a verdict, before the page has drawn it
  const statusNow = (): StepStatus => {
    if (state.phase === 'failed' || databaseProblem) return 'failed'
    // before the phase: re-running a step reopens the simulation first
    if (isRunRequestedRef.current) return 'running'
    if (state.phase !== 'live') return 'starting'
    const id = steps[current]?.id ?? ''
    if (progressRef.current.passed.includes(id)) return 'passed'
    if (progressRef.current.broke.includes(id)) return 'broke things'
    return 'not run'
  }
  // a clicker pressed while the workbench reopens (a step change replays the steps before it)
  // is kept and carried out once it is live, not lost; during a run it is not: the run ends by
  // moving on by itself
  const pendingGo = useRef<'next' | 'previous' | undefined>(undefined)
  const canGo = () => isLive && !isRunning && !isRunRequestedRef.current && pinned < 0
  const goFrom = (from: number, to: 'next' | 'previous') => {
    const target = to === 'next' ? from + 1 : from - 1
    if (target >= 0 && target < steps.length) void openAt(target)
  }
  useEffect(() => {
    const to = pendingGo.current
    if (!to || !canGo()) return
    pendingGo.current = undefined
    goFrom(current, to)
  })
  const onCommand = useRef<(command: WorkbenchCommand) => void>(() => undefined)
  useEffect(() => {
    onCommand.current = (command) => {
      if (command.type === 'status') {
        command.reply(statusNow())
      } else if (command.type === 'run') {
        if (command.how !== 'naive' || step?.naive !== undefined) void run(command.how ?? 'yours')
      } else if (command.type === 'reset') {
        void reset()
      } else if (command.type === 'undo reset') {
        void undoReset()
      } else if (command.type === 'stop') {
        void stop()
      } else if (command.type === 'toggle traffic') {
        if (isLive) setSpeed(state.speed === 0 ? lastSpeed.current : 0)
      } else if (canGo()) {
        goFrom(current, command.to)
      } else if (state.phase === 'opening' && pinned < 0) {
        pendingGo.current = command.to
      }
    }
  })
  useEffect(() => commands?.subscribe((command) => onCommand.current(command)), [commands])
}
