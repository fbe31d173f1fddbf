import { cancelledError, type RunResult } from '../engine'
import type { SimulationClient } from './client'
import type { ConsoleReply, RealWorkNotice, WorkbenchBatch, WorkbenchSpeed } from './events'
import type { SimulationReplies, SimulationRequest } from './protocol'
import { statementOnOneLine } from './statement-line'

/** How a console reaches the simulation in the database worker: the page and `npm run console` both have one. */
export interface SimulationLink extends SimulationClient {
  /** A catalog query on the same database, between two ticks of traffic. */
  run(sql: string): Promise<RunResult>
  /**
   * Stops a statement that runs for real in Postgres (the worker cannot answer meanwhile):
   * the worker is replaced by one opened on the last saved state and the traffic resumes.
   */
  replaceWorker(): Promise<void>
  /**
   * Hears when the worker was replaced, by anyone (a Stop elsewhere on the page, or a
   * statement over the real-time budget), with the message a statement it cut off reports.
   */
  onReplaced?(listener: (message: string) => void): () => void
}

/** What the console needs to know of the lesson's scenario. */
export interface ConsoleScenario {
  versions: { id: string; label?: string }[]
  steps: { id: string; title: string }[]
  requestsPerSecond: number
}

// A cancel the simulation has not answered in this long means Postgres itself is busy
const simulationCancelWaitMs = 200

/**
 * The terminal's backend on a live lesson: statements run in the console's session of the
 * simulation, under the same locks as the traffic, and the operator commands act on it. It
 * has the shape of `ConsoleBackend` (lib/terminal) without importing it.
 */
export function workbenchConsole(link: SimulationLink, scenario: ConsoleScenario) {
  let latest: WorkbenchBatch | undefined
  let busyWith: RealWorkNotice | undefined
  let batchWaiters: (() => void)[] = []
  let nextId = 1
  const waiting = new Map<number, (reply: ConsoleReply) => void>()
  const stopListening = link.onEvent((message) => {
    // what the worker went to run for real since its last report: it answers nothing else meanwhile
    if (message.type === 'real work') busyWith = message
    if (message.type === 'workbench') {
      busyWith = undefined
      latest = message
      for (const resolve of batchWaiters) resolve()
      batchWaiters = []
    }
    if (message.type === 'console') {
      waiting.get(message.id)?.(message)
      waiting.delete(message.id)
    }
  })
  let speed: WorkbenchSpeed = 1
  // the simulation's next report, or a second without one (it is paused, or gone)
  const nextReport = () =>
    new Promise<void>((resolve) => {
      batchWaiters.push(resolve)
      setTimeout(resolve, 1000)
    })
  // an operator's command shows its effect: the next report from the simulation includes it
  const act = async <R extends SimulationRequest>(request: R): Promise<SimulationReplies[R['action']]> => {
    const answer = await link.call(request)
    await nextReport()
    return answer
  }

  const settleAllCancelled = (message = cancelledError().message) => {
    for (const [id, resolve] of waiting) {
      resolve({
        type: 'console',
        id,
        result: { ok: false, error: { ...cancelledError(), message }, durationMs: 0 },
        transaction: 'idle',
        elapsedMs: 0,
      })
    }
    waiting.clear()
  }

  // the worker replaced by anyone: what the console waited for will never be answered
  const stopHearingReplaced = link.onReplaced?.((message) => settleAllCancelled(message))

  return {
    /** Stops listening to the worker: the terminal that used this console is gone. */
    close() {
      stopListening()
      stopHearingReplaced?.()
    },
    async execute(sql: string) {
      const id = nextId++
      const reply = new Promise<ConsoleReply>((resolve) => waiting.set(id, resolve))
      try {
        await link.call({ action: 'console', id, sql })
      } catch (error) {
        waiting.delete(id)
        const message = error instanceof Error ? error.message : String(error)
        return {
          result: { ok: false, error: { code: '08006', message }, durationMs: 0 } satisfies RunResult,
          transaction: 'idle' as const,
          elapsedMs: 0,
        }
      }
      const { result, transaction, elapsedMs, notModelled } = await reply
      return { result, transaction, elapsedMs, ...(notModelled !== undefined && { notModelled }) }
    },
    catalog: (sql: string) => link.run(sql),
    /** Resolves with the simulation's next report (or after a second without one). */
    nextReport,
    async cancel() {
      if (waiting.size === 0) return
      const answered = await Promise.race([
        link.call({ action: 'console cancel' }).then(
          () => true,
          () => false,
        ),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), simulationCancelWaitMs)),
      ])
      if (answered) return
      await link.replaceWorker()
      settleAllCancelled()
    },
    operator: {
      view() {
        return {
          nowMs: latest?.nowMs ?? 0,
          speed: latest?.speed ?? speed,
          versions: scenario.versions.map((version) => ({
            id: version.id,
            label: version.label ?? version.id,
          })),
          deployment: latest?.deployment ?? {},
          ...(latest?.previousDeployment && { previousDeployment: latest.previousDeployment }),
          requestsPerSecond: latest?.requestsPerSecond ?? scenario.requestsPerSecond,
          databaseState: latest?.databaseState ?? 'up',
          sessions: latest?.sessions ?? [],
          steps: scenario.steps.map((step) => ({ id: step.id, title: step.title })),
          nextStep: latest?.nextStep ?? 0,
          stepOutcomes: latest?.stepOutcomes ?? [],
          ...(latest?.runningStep !== undefined && { runningStep: latest.runningStep }),
          endpoints: latest?.endpoints ?? [],
        }
      },
      async deploy(shares: Record<string, number>, reason?: 'rollback') {
        await act({ action: 'deploy', shares, ...(reason && { reason }) })
      },
      async setDatabase(state: 'stop' | 'start' | 'hang') {
        await act({ action: 'database', state })
      },
      async terminate(owner: number) {
        return act({ action: 'terminate', owner })
      },
      async setRequestRate(requestsPerSecond: number) {
        await act({ action: 'traffic', requestsPerSecond })
      },
      async setSpeed(next: WorkbenchSpeed) {
        speed = next
        await act({ action: 'speed', speed: next })
      },
      async cancelStep() {
        // a step that began to run for real at once was never in a report: the worker said which
        const running = busyWith?.step ?? latest?.runningStep
        const title = running !== undefined ? ` (${scenario.steps[running]?.title})` : ''
        const answer = await Promise.race([
          link.call({ action: 'cancel step' }).then(
            (cancelled) => ({ cancelled }),
            () => undefined,
          ),
          new Promise<undefined>((resolve) => setTimeout(resolve, simulationCancelWaitMs)),
        ])
        if (answer) {
          if (!answer.cancelled) return undefined
          await nextReport()
          const { step, statement } = answer.cancelled
          return `cancelled step ${step + 1}${title}${statement ? `: ERROR:  canceling statement due to user request, in ${statementOnOneLine(statement)}` : ''}`
        }
        // Postgres is busy with the step's statement for real: the worker goes, the database
        // comes back from its last saved state and the page resumes the traffic there
        const busy = busyWith
        await link.replaceWorker()
        const what =
          running !== undefined
            ? `cancelled step ${running + 1}${title}`
            : `stopped ${busy?.session ?? 'a'}’s statement`
        return `${what}: Postgres was busy with it for real, so the database came back from its last saved state`
      },
      async runNextStep(how: 'naive' | 'solution') {
        const step = latest?.nextStep ?? 0
        if (step >= scenario.steps.length) return 'the lesson has no more steps'
        try {
          await act({ action: 'run', step, how })
          return `step ${step + 1} (${scenario.steps[step].title}) is running: ${how === 'naive' ? 'the naive way' : 'the solution'}`
        } catch (error) {
          return error instanceof Error ? error.message : String(error)
        }
      },
    },
  }
}
