import type { PgError } from '../engine'
import { runInSimulation, signalCatalogRequests } from './catalog'
import type { InvariantCheck, OperatorResult } from './event-log'
import type { Condition } from './model'
import { sendRequest, type VersionState } from './request-lifecycle'
import { microsPerMs, type SimulationState } from './simulation-state'

// Delmo's `wait` retries its task once a second
const checkIntervalUs = 1_000_000
// pg_isready gives up on a server that does not answer after 3 s, its default --timeout, and
// says "no response" (exit status 2; docs: pg_isready)
const pgIsReadyTimeoutUs = 3_000_000

/** Runs every invariant now; returns how many returned rows. */
export async function checkInvariants(sim: SimulationState): Promise<number> {
  if (sim.databaseState !== 'up') return 0
  let violated = 0
  for (const invariant of sim.scenario.invariants) {
    const result = await sim.database.run(invariant.sql)
    const causeAt = result.ok ? result.fields.findIndex((field) => field.name === causeColumn) : -1
    const found = result.ok
      ? countViolations(result.rows.map((row) => (causeAt < 0 ? null : row[causeAt])))
      : countFailedCheck(result.error)
    if (found.violations > 0) violated += 1
    const check = { atUs: sim.nowUs, name: invariant.name, ...found }
    sim.invariantViolations.push({ ...check, step: Math.max(0, sim.stepIndex) })
    sim.log({ type: 'invariant', ...check })
  }
  return violated
}

/** The column an invariant's query may return to say, in words, why each row breaks it. */
export const causeColumn = 'cause'

/**
 * An invariant's violating rows, given each row's `cause` (null or empty when it names none):
 * their number, and how many each cause accounts for, in the order the causes first appear.
 */
export function countViolations(causes: readonly unknown[]): Pick<InvariantCheck, 'violations' | 'causes'> {
  const counts: Record<string, number> = {}
  for (const cause of causes) {
    if (cause === null || cause === undefined || cause === '') continue
    counts[String(cause)] = (counts[String(cause)] ?? 0) + 1
  }
  return { violations: causes.length, ...(Object.keys(counts).length > 0 && { causes: counts }) }
}

/**
 * A check whose query Postgres refused: it counts as one violation, as it always has, and its
 * error is that violation's cause, so the chart does not pass a failed query off as a broken row.
 */
export function countFailedCheck(
  error: Pick<PgError, 'code' | 'message'>,
): Pick<InvariantCheck, 'violations' | 'causes'> {
  return { violations: 1, causes: { [`the check failed: ${error.code} ${error.message}`]: 1 } }
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
  // `held` undefined: the query could not answer (an error, the database down), which passes
  // no verb, `fail` included — a gate that cannot tell refuses
  const judge = (held: boolean | undefined, found?: string) => {
    sim.log({ type: 'check', atUs: sim.nowUs, step, held: held === true })
    if (held !== undefined && held === (verb !== 'fail')) return settle({ ok: true })
    if (verb === 'wait' && sim.nowUs + checkIntervalUs <= deadlineUs) {
      sim.at(checkIntervalUs, { kind: 'timer', fire: () => evaluate(sim, condition, judge) })
      return
    }
    settle({ ok: false, error: { code: 'CHECK', message: describeFailedCheck(verb, condition, found) } })
  }
  sim.at(0, { kind: 'timer', fire: () => evaluate(sim, condition, judge) })
}

// A request condition is answered by a later event, so the verdict comes back by callback.
async function evaluate(
  sim: SimulationState,
  condition: Condition,
  judge: (held: boolean | undefined, found?: string) => void,
): Promise<void> {
  if ('database' in condition) {
    const isDown = () => sim.databaseState !== 'up'
    if (sim.databaseState !== 'hanging') return judge(isDown() === (condition.database === 'down'))
    // no answer is no verdict yet: pg_isready says "no response" when its timeout runs out
    sim.at(pgIsReadyTimeoutUs, {
      kind: 'timer',
      fire: () => judge(isDown() === (condition.database === 'down')),
    })
    return
  }
  // a query sent to a database that hangs gets its answer once it answers again, or is stopped
  if (sim.databaseState === 'hanging' && !('request' in condition)) {
    sim.at(0, { kind: 'call', fire: () => evaluate(sim, condition, judge) })
    return
  }
  if ('sql' in condition) {
    if (sim.databaseState === 'down') return judge(undefined, 'nothing: the database is down')
    const result = await runInSimulation(sim, undefined, condition.sql)
    // a claim's query may end sessions too, as the terminal's does
    if (result.ok) signalCatalogRequests(sim, result.notices)
    if (!result.ok) return judge(undefined, `an error, ${result.error.code} ${result.error.message}`)
    return judge(result.rows.length > 0, describeRows(result.rows))
  }
  if ('invariants' in condition) return judge((await checkInvariants(sim)) === 0)
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

// `no row`, or the rows a query returned as `a | b; c | d`, the first few
function describeRows(rows: readonly (string | null)[][]): string {
  if (rows.length === 0) return 'no row'
  const shown = rows.slice(0, 3).map((row) => row.map((value) => value ?? 'NULL').join(' | '))
  const more = rows.length > 3 ? `; and ${rows.length - 3} more` : ''
  return `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}: ${shown.join('; ')}${more}`
}

/**
 * Why a Delmo check failed, as a person reads it: what was expected, and what was found
 * (`expected the drift check for v1.2.0 to return no row; it returned 1 row: events | location`).
 */
export function describeFailedCheck(
  verb: 'wait' | 'assert' | 'fail',
  condition: Condition,
  found?: string,
): string {
  if ('sql' in condition) {
    const query = condition.name ?? `the query ${condition.sql}`
    const expected = verb === 'fail' ? 'no row' : 'a row'
    const waited = verb === 'wait' ? 'timed out: ' : ''
    return `${waited}expected ${query} to return ${expected}${found !== undefined ? `; it returned ${found}` : ''}`
  }
  const what =
    'invariants' in condition
      ? 'every invariant holds'
      : 'database' in condition
        ? `the database is ${condition.database}`
        : `${condition.request.version ?? 'the app'} answers ${condition.request.endpoint}`
  if (verb === 'fail') return `expected this not to hold, but it did: ${what}`
  return verb === 'wait' ? `timed out waiting until ${what}` : `did not hold: ${what}`
}

/** A deploy its gate refused: the step fails with the gate's CHECK, saying it was refused. */
export function refusedBy(error: PgError): OperatorResult {
  return { ok: false, error: { code: 'CHECK', message: `the deploy was refused: ${error.message}` } }
}
