'use client'

import { useEffect, useRef, useState } from 'react'
import type { SecondMetrics, SimEvent } from '@/lib/sim'
import type { PathVerdict } from '@/lib/scenario/check-lessons'
import type {
  LiveBatch,
  LiveSqlResult,
  SimulationRequest,
  TrafficSpeed,
} from '@/lib/scenario/simulation-extension'
import { useLessonDatabase, useLiveTraffic } from './LessonDatabase'

type Path = 'naive' | 'safe' | 'main'

interface TrafficPanelProps {
  lesson: string
  /** The lesson's validated scenario, as plain data; the worker validates it again. */
  scenario: unknown
  paths: Path[]
  steps: { id: string; title: string }[]
  versions: { id: string; label: string }[]
  snapshotUrl: string
}

type CheckState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; verdicts: PathVerdict[] }
  | { status: 'failed'; reason: string }

interface LiveView {
  nowMs: number
  nextStep: number
  deployment: Record<string, number>
  isDatabaseDown: boolean
  latest: Record<string, SecondMetrics>
  log: string[]
}

const emptyLive: LiveView = {
  nowMs: 0,
  nextStep: 0,
  deployment: {},
  isDatabaseDown: false,
  latest: {},
  log: [],
}

/**
 * The lesson's app versions under simulated traffic, beside its real Postgres: start the
 * traffic, apply the steps one by one and watch each version's last second; or check every
 * claim of the lesson headless, in this browser, as CI does in Node.
 */
export function TrafficPanel({ lesson, scenario, paths, steps, versions, snapshotUrl }: TrafficPanelProps) {
  const state = useLessonDatabase()
  const database = state.status === 'ready' ? state.database : undefined
  const [path, setPath] = useState<Path>(paths[0])
  const [speed, setSpeed] = useState<TrafficSpeed>(1)
  const { isLive, setIsLive } = useLiveTraffic()
  const [live, setLive] = useState<LiveView>(emptyLive)
  const [check, setCheck] = useState<CheckState>({ status: 'idle' })
  const [problem, setProblem] = useState<string | undefined>()
  const isChecking = check.status === 'running'
  const stopOnLeave = useRef<(() => void) | undefined>(undefined)

  const call = async (request: SimulationRequest): Promise<unknown> => {
    if (!database) throw new Error('the database is not ready')
    return database.callExtension('simulation', request)
  }

  useEffect(() => {
    if (!database) return
    return database.onExtensionEvent((event) => {
      const message = event as LiveBatch | LiveSqlResult
      if (message.type === 'sql') {
        setLive((view) => ({ ...view, log: [`you: ${message.message}`, ...view.log].slice(0, 12) }))
        return
      }
      if (message.type !== 'live') return
      setLive((view) => foldBatch(view, message))
    })
  }, [database])

  useEffect(
    () => () => {
      stopOnLeave.current?.()
      setIsLive(false)
    },
    [setIsLive],
  )

  const start = async () => {
    setProblem(undefined)
    setLive(emptyLive)
    try {
      await call({ action: 'start', scenario, path, speed })
      setIsLive(true)
      stopOnLeave.current = () => void call({ action: 'stop' }).catch(() => undefined)
    } catch (error) {
      setProblem(messageOf(error))
    }
  }

  const stop = async () => {
    setIsLive(false)
    stopOnLeave.current = undefined
    await call({ action: 'stop' }).catch(() => undefined)
  }

  const changeSpeed = async (next: TrafficSpeed) => {
    setSpeed(next)
    if (isLive) await call({ action: 'speed', speed: next }).catch((error) => setProblem(messageOf(error)))
  }

  const applyNextStep = async () => {
    await call({ action: 'next step' }).catch((error) => setProblem(messageOf(error)))
  }

  const runCheck = async () => {
    setIsLive(false)
    setCheck({ status: 'running' })
    try {
      const start = await (await fetch(snapshotUrl)).blob()
      const verdicts = (await call({ action: 'check', lesson, scenario, start })) as PathVerdict[]
      setCheck({ status: 'done', verdicts })
    } catch (error) {
      setCheck({ status: 'failed', reason: messageOf(error) })
    }
  }

  const nextStep = steps[live.nextStep]
  const clock = formatClock(live.nowMs)

  return (
    <section className="traffic" aria-labelledby="traffic-heading">
      <h2 id="traffic-heading">Traffic</h2>
      <p className="muted traffic-note">
        <strong>Simulated:</strong> time and concurrency — requests from each app version arrive in virtual
        time and wait for table locks by Postgres’s own rules. <strong>Real:</strong> every statement, yours
        included, runs in this page’s Postgres.
      </p>

      {paths.length > 1 && (
        <fieldset className="traffic-paths" disabled={isLive || isChecking}>
          <legend>Path</legend>
          {paths.map((candidate) => (
            <label key={candidate}>
              <input
                type="radio"
                name={`${lesson}-path`}
                value={candidate}
                checked={path === candidate}
                onChange={() => setPath(candidate)}
              />{' '}
              {candidate === 'naive' ? 'Naive: what most teams do first' : 'Safe: the zero-downtime way'}
            </label>
          ))}
        </fieldset>
      )}

      <div className="sql-actions">
        {isLive ? (
          <button type="button" onClick={stop} className="secondary">
            Stop traffic
          </button>
        ) : (
          <button type="button" onClick={start} disabled={!database || isChecking}>
            Start traffic
          </button>
        )}
        <span role="group" aria-label="Speed" className="traffic-speed">
          {([0, 1, 10] as const).map((candidate) => (
            <button
              key={candidate}
              type="button"
              className="secondary"
              aria-pressed={speed === candidate}
              onClick={() => changeSpeed(candidate)}
            >
              {candidate === 0 ? 'Pause' : `${candidate}×`}
            </button>
          ))}
        </span>
        <button type="button" onClick={applyNextStep} disabled={!isLive || !nextStep}>
          {nextStep ? `Apply step ${live.nextStep + 1}: ${nextStep.title}` : 'All steps applied'}
        </button>
      </div>

      {isLive && (
        <div className="traffic-live">
          <p aria-live="polite" className="traffic-clock">
            Virtual time {clock}
            {live.isDatabaseDown ? ' · database stopped' : ''}
          </p>
          <div className="table-scroll" role="region" aria-label="Each version’s last second" tabIndex={0}>
            <table className="traffic-table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Share</th>
                  <th scope="col">ok</th>
                  <th scope="col">errors</th>
                  <th scope="col">timeouts</th>
                  <th scope="col">fallback</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((version) => {
                  const metrics = live.latest[version.id]
                  const share = live.deployment[version.id]
                  const errors = metrics ? Object.entries(metrics.errors) : []
                  return (
                    <tr key={version.id}>
                      <th scope="row">{version.label}</th>
                      <td>{share === undefined ? 'not deployed' : `${share}%`}</td>
                      <td>{metrics?.ok ?? 0}</td>
                      <td>
                        {errors.length === 0
                          ? 0
                          : errors.map(([code, count]) => `${count} × ${code}`).join(', ')}
                      </td>
                      <td>{metrics?.timeouts ?? 0}</td>
                      <td>{metrics?.degraded ?? 0}</td>
                      <td>{metrics ? `${metrics.p95Ms.toFixed(0)} ms` : '—'}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
          <ol className="traffic-log" aria-label="What happened">
            {live.log.map((line, index) => (
              <li key={`${live.log.length - index}-${line}`}>{line}</li>
            ))}
          </ol>
        </div>
      )}
      {problem && (
        <p role="alert" className="sql-error">
          {problem}
        </p>
      )}

      <div className="traffic-check">
        <button type="button" className="secondary" onClick={runCheck} disabled={!database || isChecking}>
          {isChecking ? 'Checking…' : 'Check this lesson’s claims'}
        </button>
        <span className="muted"> Runs every path headless from the lesson’s start, as CI does.</span>
        {check.status === 'done' && <CheckReport verdicts={check.verdicts} />}
        {check.status === 'failed' && (
          <p role="alert" className="sql-error">
            The check could not run: {check.reason}
          </p>
        )}
      </div>
    </section>
  )
}

function CheckReport({ verdicts }: { verdicts: PathVerdict[] }) {
  return (
    <div role="region" aria-label="Lesson check" className="traffic-report">
      {verdicts.map((verdict) => {
        const expectations = verdict.steps.flatMap((step) => step.expectations)
        const held = expectations.filter((expectation) => expectation.held).length
        return (
          <details key={verdict.path} open={held < expectations.length}>
            <summary>
              <span data-path={verdict.path}>
                {verdict.path} path: {held} of {expectations.length} claims held
              </span>{' '}
              <span className="muted">
                · {verdict.requests} requests · event log <code data-event-log>{verdict.eventLogHash}</code>
              </span>
            </summary>
            <ul>
              {verdict.steps.flatMap((step) =>
                step.expectations.map((expectation, index) => (
                  <li key={`${step.id}-${index}`} className={expectation.held ? undefined : 'traffic-failed'}>
                    {expectation.held ? '✓' : '✗'} {step.title}: {expectation.claim}{' '}
                    <span className="muted">({expectation.actual})</span>
                  </li>
                )),
              )}
            </ul>
          </details>
        )
      })}
    </div>
  )
}

function foldBatch(view: LiveView, batch: LiveBatch): LiveView {
  // the last second completed in this batch; a batch that completed none keeps what is shown
  const lastSecond = Math.max(-1, ...batch.metrics.map((metrics) => metrics.second))
  const latest =
    lastSecond < 0
      ? view.latest
      : Object.fromEntries(
          batch.metrics
            .filter((metrics) => metrics.second === lastSecond)
            .map((metrics) => [metrics.version, metrics]),
        )
  const lines = batch.events.flatMap(describeEvent).reverse()
  return {
    nowMs: batch.nowMs,
    nextStep: batch.nextStep,
    deployment: batch.deployment,
    isDatabaseDown: batch.isDatabaseDown,
    latest,
    log: [...lines, ...view.log].slice(0, 12),
  }
}

function describeEvent(event: SimEvent): string[] {
  if (event.type === 'request') return []
  const at = formatClock(event.atUs / 1000)
  switch (event.type) {
    case 'step':
      return [`${at} step ${event.index + 1}: ${event.id}`]
    case 'deploy':
      return [
        `${at} deployed ${Object.entries(event.shares)
          .map(([id, share]) => `${id} ${share}%`)
          .join(', ')}`,
      ]
    case 'database':
      return [`${at} database ${event.state === 'stop' ? 'stopped' : 'started'}`]
    case 'statement': {
      const sql = event.sql.length > 60 ? `${event.sql.slice(0, 57)}…` : event.sql
      const what = {
        waiting: `waits for its locks: ${sql}`,
        granted: event.waitedUs
          ? `got its locks after ${(event.waitedUs / 1000).toFixed(0)} ms and runs: ${sql}`
          : `runs: ${sql}`,
        committed: `committed: ${sql}`,
        failed: `failed with ${event.code}: ${sql}`,
        holding: `is idle in transaction, holding its locks`,
        terminated: 'was terminated',
      }[event.state]
      return [`${at} ${event.session} ${what}`]
    }
    case 'invariant':
      return event.violations > 0
        ? [`${at} invariant violated: ${event.name} (${event.violations} rows)`]
        : []
    case 'check':
      return [`${at} check ${event.held ? 'held' : 'did not hold'}`]
    case 'step settled':
      return [`${at} step ${event.step + 1} ${event.ok ? 'done' : `failed (${event.code})`}`]
  }
}

function formatClock(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
