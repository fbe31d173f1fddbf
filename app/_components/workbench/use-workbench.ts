'use client'

import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react'
import { fetchLayeredSnapshot, fetchSnapshot, type WorkerDatabase } from '@/lib/engine'
import { formatClockMillis } from './format'
import {
  createSimulationClient,
  type OpenedWorkbench,
  type RealWorkNotice,
  type SchemaView,
  type SimulationRequest,
  type SimulationRequests,
  type StepStartLayers,
  type StepVerdict,
  type WorkbenchBatch,
  type WorkbenchSpeed,
} from '@/lib/workbench'

/**
 * Everything the panels draw, folded from the worker's batches: the batch's fields, with
 * metrics, markers, requests and invariant checks as histories rather than the last batch's.
 */
export interface LiveState extends Omit<WorkbenchBatch, 'type' | 'schemaChanged'> {
  phase: 'waiting' | 'opening' | 'live' | 'failed'
  /** Opening on the database as it is, after the worker was replaced, rather than replaying. */
  isResuming?: boolean
  /** Opening on the step's start built ahead of time, rather than replaying the steps before it. */
  isAtBuiltStart?: boolean
  problem?: string
  verdicts: Record<number, StepVerdict>
  schema?: SchemaView
}

// enough history to scroll a minute back at 10×, and not grow without bound
const keptSeconds = 300
const keptAuditEntries = 200
const keptRequests = 200
const keptInvariantPoints = 2000
const keptNotModelledNotes = 20

/** The state before the simulation opens. */
export const initialLiveState: LiveState = {
  phase: 'waiting',
  nowMs: 0,
  speed: 1,
  metrics: [],
  markers: [],
  audit: [],
  requests: [],
  endpoints: [],
  sessions: [],
  moreSessions: 0,
  invariants: [],
  deployment: {},
  requestsPerSecond: 0,
  consoleTransaction: 'idle',
  databaseState: 'up',
  notModelled: [],
  nextStep: 0,
  stepOutcomes: [],
  verdicts: {},
}

/**
 * One change to the live state. The audience window folds the presenter's changes with the
 * same reducer, so both windows show the same state by construction.
 */
export type LiveAction =
  | { type: 'replace'; state: LiveState }
  | { type: 'opening'; resuming?: boolean; atBuiltStart?: boolean }
  | {
      type: 'opened'
      opened: OpenedWorkbench
      speed: WorkbenchSpeed
      resumed: boolean
      /** Resumed on the database saved before a reset, which this undoes: the verdicts of then. */
      undoneReset?: { verdicts: Record<number, StepVerdict> }
    }
  | { type: 'failed'; problem: string }
  | { type: 'problem'; problem: string | undefined }
  | { type: 'batch'; batch: WorkbenchBatch }
  | { type: 'verdict'; verdict: StepVerdict }
  | { type: 'running'; step: number }
  | { type: 'schema'; schema: SchemaView }
  | { type: 'speed'; speed: WorkbenchSpeed }

/** Folds one change into the live state. */
export function reduceLiveState(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'replace':
      return action.state
    case 'opening':
      // the audit log outlives a reopen: undoing a step or jumping back is itself in it
      return {
        ...initialLiveState,
        phase: 'opening',
        ...(action.resuming && { isResuming: true }),
        ...(action.atBuiltStart && { isAtBuiltStart: true }),
        speed: state.speed,
        schema: state.schema,
        audit: state.audit,
      }
    case 'opened': {
      // a reopen replays the steps before it on a new clock: the log says where time went back
      const lastMs = state.audit.at(-1)?.atMs ?? 0
      const rewound = action.opened.nowMs < lastMs
      const what = action.undoneReset
        ? `undid the reset: back at step ${action.opened.step + 1} on the database saved before it`
        : action.resumed
          ? 'resumed from the last saved state after a Stop'
          : state.audit.length > 0
            ? `reopened at the start of step ${action.opened.step + 1}`
            : `opened the lesson at step ${action.opened.step + 1}`
      return {
        ...state,
        audit: [
          ...state.audit,
          {
            atMs: action.opened.nowMs,
            actor: 'lesson' as const,
            what: rewound
              ? `${what}; the clock went back from ${formatClockMillis(lastMs)}: the lines before this are the earlier run`
              : what,
            ...(rewound && { rewoundFromMs: lastMs }),
          },
        ].slice(-keptAuditEntries),
        phase: 'live',
        isResuming: undefined,
        isAtBuiltStart: undefined,
        problem: undefined,
        nowMs: action.opened.nowMs,
        nextStep: action.opened.step,
        speed: action.speed,
        verdicts: action.undoneReset?.verdicts ?? {},
      }
    }
    case 'failed':
      return { ...state, phase: 'failed', problem: action.problem }
    case 'problem':
      return { ...state, problem: action.problem }
    case 'running':
      return { ...state, runningStep: action.step, nextStep: action.step + 1 }
    case 'schema':
      return { ...state, schema: action.schema }
    case 'speed':
      return { ...state, speed: action.speed }
    case 'verdict':
      if (state.phase !== 'live') return state
      return {
        ...state,
        runningStep: state.runningStep === action.verdict.step ? undefined : state.runningStep,
        verdicts: { ...state.verdicts, [action.verdict.step]: action.verdict },
      }
    case 'batch': {
      const batch = action.batch
      if (state.phase !== 'live') return state
      const oldestSecond = Math.floor(batch.nowMs / 1000) - keptSeconds
      const oldestMs = batch.nowMs - keptSeconds * 1000
      return {
        ...state,
        nowMs: batch.nowMs,
        speed: batch.speed,
        metrics:
          batch.metrics.length === 0
            ? state.metrics
            : [...state.metrics, ...batch.metrics].filter((metrics) => metrics.second >= oldestSecond),
        markers: batch.markers.length === 0 ? state.markers : [...state.markers, ...batch.markers],
        audit:
          batch.audit.length === 0 ? state.audit : [...state.audit, ...batch.audit].slice(-keptAuditEntries),
        requests:
          batch.requests.length === 0
            ? state.requests
            : [...state.requests, ...batch.requests].slice(-keptRequests),
        endpoints: batch.endpoints,
        sessions: batch.sessions,
        moreSessions: batch.moreSessions,
        invariants:
          batch.invariants.length === 0
            ? state.invariants
            : [...state.invariants, ...batch.invariants]
                .filter((point) => point.atMs >= oldestMs)
                .slice(-keptInvariantPoints),
        deployment: batch.deployment,
        requestsPerSecond: batch.requestsPerSecond,
        consoleTransaction: batch.consoleTransaction,
        databaseState: batch.databaseState,
        notModelled:
          batch.notModelled.length === 0
            ? state.notModelled
            : [...state.notModelled, ...batch.notModelled].slice(-keptNotModelledNotes),
        nextStep: batch.nextStep,
        runningStep: batch.runningStep,
      }
    }
  }
}

/** A step stopped by replacing the worker, as the resumed simulation is told of it. */
export type StepCancelRequest = NonNullable<NonNullable<SimulationRequests['open']['resume']>['cancelled']>

/** How the workbench opens the lesson: at which step, with which earlier SQL. */
export interface OpenRequest {
  step: number
  sql: (string | null)[]
  /**
   * Resume on the database as it is, with this deployment, instead of replaying from the
   * start: after the worker was replaced (see the `open` request's `resume`).
   */
  resume?: NonNullable<SimulationRequests['open']['resume']>
  /** Undoing a reset: the verdicts this run had then, shown again once it opens. */
  undoneReset?: { verdicts: Record<number, StepVerdict> }
}

/**
 * The workbench's line to the simulation in the database worker: opens the lesson at a step,
 * folds the batches into one state for the panels, and sends the learner's commands.
 */
export function useWorkbench({
  database,
  lesson,
  scenario,
  snapshotUrl,
  stepLayers,
  onVerdict,
  onAction,
  initialSpeed = 1,
}: {
  database: WorkerDatabase | undefined
  lesson: string
  scenario: unknown
  snapshotUrl: string
  stepLayers?: StepStartLayers | undefined
  onVerdict: (verdict: StepVerdict) => void
  /** Told of every change to the state, in order (the presenter mirrors them to the audience). */
  onAction?: (action: LiveAction) => void
  /** The speed the simulation opens at: 0 waits for Play. */
  initialSpeed?: WorkbenchSpeed
}) {
  const [state, dispatchHere] = useReducer(reduceLiveState, initialLiveState)
  const onVerdictRef = useRef(onVerdict)
  const onActionRef = useRef(onAction)
  const speedRef = useRef<WorkbenchSpeed>(initialSpeed)
  const openId = useRef(0)
  // between asking to reopen and its answer: a verdict still on its way is the old run's
  const isOpeningRef = useRef(false)
  // what the worker went to run for real since its last batch, and when (wall ms): it answers
  // nothing else until that statement ends
  const realWorkRef = useRef<{ notice: RealWorkNotice; sinceMs: number } | undefined>(undefined)

  useEffect(() => {
    onVerdictRef.current = onVerdict
    onActionRef.current = onAction
  }, [onVerdict, onAction])

  const dispatch = useCallback((action: LiveAction) => {
    dispatchHere(action)
    onActionRef.current?.(action)
  }, [])

  const simulation = useMemo(() => database && createSimulationClient(database), [database])

  useEffect(() => {
    if (!simulation) return
    const stopListening = simulation.onEvent((message) => {
      if (message.type === 'real work') {
        realWorkRef.current = { notice: message, sinceMs: performance.now() }
      } else if (message.type === 'workbench') {
        realWorkRef.current = undefined
        dispatch({ type: 'batch', batch: message })
        if (message.schemaChanged) {
          void simulation
            .call({ action: 'schema' })
            .then((schema) => dispatch({ type: 'schema', schema }))
            .catch(() => undefined)
        }
      } else if (message.type === 'verdict') {
        if (isOpeningRef.current) return
        dispatch({ type: 'verdict', verdict: message })
        onVerdictRef.current(message)
      }
    })
    return () => {
      stopListening()
      void simulation.call({ action: 'stop' }).catch(() => undefined)
    }
  }, [simulation, dispatch])

  const call = useCallback(
    async <R extends SimulationRequest>(request: R) => {
      if (!simulation) throw new Error('the database is not ready')
      return simulation.call(request)
    },
    [simulation],
  )

  const open = useCallback(
    async ({ step, sql, resume, undoneReset }: OpenRequest): Promise<boolean> => {
      if (!database) return false
      const id = ++openId.current
      isOpeningRef.current = true
      // a later step's start built ahead of time, when every step before it ran the lesson's
      // own SQL: no replay
      const layer =
        resume || sql.some((learners) => learners != null)
          ? undefined
          : stepLayers?.layers.find((candidate) => candidate.step === step)
      dispatch({ type: 'opening', resuming: resume !== undefined, ...(layer && { atBuiltStart: true }) })
      try {
        // the very download the page's database opened, when it opened there
        const blob = await (layer
          ? fetchLayeredSnapshot(snapshotUrl, { url: layer.url, snapshotEnd: stepLayers!.snapshotEnd })
          : fetchSnapshot(snapshotUrl))
        const opened = await call({
          action: 'open',
          lesson,
          scenario,
          // the database the page just opened from that download is there already
          ...(!resume && !database.isAt(blob) && { start: blob }),
          step,
          sql,
          speed: speedRef.current,
          ...(resume && { resume }),
          ...(layer && { stepStart: layer.start }),
        })
        if (id !== openId.current) return false
        isOpeningRef.current = false
        dispatch({
          type: 'opened',
          opened,
          speed: speedRef.current,
          resumed: resume !== undefined,
          ...(undoneReset && { undoneReset }),
        })
        return true
      } catch (error) {
        if (id === openId.current) {
          isOpeningRef.current = false
          dispatch({ type: 'failed', problem: messageOf(error) })
        }
        return false
      }
    },
    [call, database, dispatch, lesson, scenario, snapshotUrl, stepLayers],
  )

  const act = useCallback(
    async (request: SimulationRequest) => {
      dispatch({ type: 'problem', problem: undefined })
      try {
        return await call(request)
      } catch (error) {
        dispatch({ type: 'problem', problem: messageOf(error) })
        return undefined
      }
    },
    [call, dispatch],
  )

  const runStep = useCallback(
    async (step: number, how: 'yours' | 'naive' | 'solution', sql?: string) => {
      const request: SimulationRequest = { action: 'run', step, how, ...(sql !== undefined && { sql }) }
      dispatch({ type: 'problem', problem: undefined })
      const openedAs = openId.current
      try {
        await call(request)
        // a reopen while the worker took the run replaced it: it is not running any more
        if (openedAs !== openId.current) return false
        dispatch({ type: 'running', step })
        return true
      } catch (error) {
        dispatch({ type: 'problem', problem: messageOf(error) })
        return false
      }
    },
    [call, dispatch],
  )

  const setSpeed = useCallback(
    (speed: WorkbenchSpeed) => {
      speedRef.current = speed
      dispatch({ type: 'speed', speed })
      void act({ action: 'speed', speed })
    },
    [act, dispatch],
  )

  // a copy of the database as it is now, for undoing a reset; refused inside an open transaction
  const snapshotDatabase = useCallback(async (): Promise<Blob> => {
    if (!database) throw new Error('the database is not ready')
    return database.snapshot()
  }, [database])

  return { state, open, runStep, setSpeed, act, call, realWorkRef, snapshotDatabase }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // zod and the worker both say what was wrong; the page shows it as a sentence
  return message.replace(/^Error: /, '')
}
