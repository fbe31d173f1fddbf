import { runInSimulation } from './catalog'
import type { OperatorResult } from './event-log'
import type { Condition } from './model'
import { sendRequest, type VersionState } from './request-lifecycle'
import { microsPerMs, type SimulationState } from './simulation-state'

// Delmo's `wait` retries its task once a second
const checkIntervalUs = 1_000_000

/** Runs every invariant now; returns how many returned rows. */
export async function checkInvariants(sim: SimulationState): Promise<number> {
  if (sim.isDatabaseDown) return 0
  let violated = 0
  for (const invariant of sim.scenario.invariants) {
    const result = await sim.database.run(invariant.sql)
    const violations = result.ok ? result.rows.length : 1
    if (violations > 0) violated += 1
    const step = Math.max(0, sim.stepIndex)
    sim.invariantViolations.push({ atUs: sim.nowUs, step, name: invariant.name, violations })
    sim.log({ type: 'invariant', atUs: sim.nowUs, name: invariant.name, violations })
  }
  return violated
}

/** A Delmo check: `assert` judges once, `fail` expects the opposite, `wait` retries until `withinMs`. */
export function check(
  sim: SimulationState,
  verb: 'wait' | 'assert' | 'fail',
  condition: Condition,
  withinMs: number,
  settle: (result: OperatorResult) => void,
): void {
  const step = sim.stepIndex
  const deadlineUs = sim.nowUs + withinMs * microsPerMs
  const judge = (held: boolean) => {
    sim.log({ type: 'check', atUs: sim.nowUs, step, held })
    if (held === (verb !== 'fail')) return settle({ ok: true })
    if (verb === 'wait' && sim.nowUs + checkIntervalUs <= deadlineUs) {
      sim.at(checkIntervalUs, { kind: 'call', fire: () => evaluate(sim, condition, judge) })
      return
    }
    settle({ ok: false, error: { code: 'CHECK', message: describeFailedCheck(verb, condition) } })
  }
  sim.at(0, { kind: 'call', fire: () => evaluate(sim, condition, judge) })
}

// A request condition is answered by a later event, so the verdict comes back by callback.
async function evaluate(
  sim: SimulationState,
  condition: Condition,
  judge: (held: boolean) => void,
): Promise<void> {
  if ('sql' in condition) {
    if (sim.isDatabaseDown) return judge(false)
    const result = await runInSimulation(sim, undefined, condition.sql)
    return judge(result.ok && result.rows.length > 0)
  }
  if ('invariants' in condition) return judge((await checkInvariants(sim)) === 0)
  if ('database' in condition) return judge(sim.isDatabaseDown === (condition.database === 'down'))
  const state = versionServing(sim, condition.request.version)
  const endpoint = state?.version.endpoints.find((candidate) => candidate.name === condition.request.endpoint)
  if (!state || !endpoint || !state.isRunning) return judge(false)
  await sendRequest(sim, state, endpoint, (record) =>
    judge(record.outcome === 'ok' || record.outcome === 'degraded'),
  )
}

// A request without a version goes where the router sends the largest share of traffic.
function versionServing(sim: SimulationState, id: string | undefined): VersionState | undefined {
  if (id !== undefined) return sim.versions.get(id)
  let serving: VersionState | undefined
  for (const state of sim.versions.values())
    if (state.isRunning && state.share > (serving?.share ?? -1)) serving = state
  return serving
}

/** Why a Delmo check failed, as a person reads it: `timed out waiting until the database is up`. */
export function describeFailedCheck(verb: 'wait' | 'assert' | 'fail', condition: Condition): string {
  const what =
    'sql' in condition
      ? `query returned rows: ${condition.sql}`
      : 'invariants' in condition
        ? 'invariants hold'
        : 'database' in condition
          ? `the database is ${condition.database}`
          : `${condition.request.version ?? 'the app'} answers ${condition.request.endpoint}`
  if (verb === 'fail') return `expected this to fail, but it held: ${what}`
  return verb === 'wait' ? `timed out waiting until ${what}` : `did not hold: ${what}`
}
