import type { Expectations, Step, VersionExpectation } from './model'
import type { RequestRecord, Simulation } from './simulation'

/**
 * What a run left behind to judge a step by: the simulator's, or a replay of the same steps on
 * a real server (lib/real-server), which records the same things in the same units.
 */
export type RunRecord = Pick<
  Simulation,
  'records' | 'invariantViolations' | 'operatorLockWaitUs' | 'actions' | 'stepStartsUs' | 'operatorWaits'
>

/** One claim a step makes, and whether the run bore it out. */
export interface ExpectationResult {
  /** The claim, as a person would read it: `v1.0.0 fails with 42703`. */
  claim: string
  held: boolean
  /** What happened instead, or what confirmed it. */
  actual: string
}

/**
 * Checks what each step claimed against what the run did: the requests that arrived during
 * the step, the invariant checks made during it, its lock waits, and how its action settled.
 */
export function checkExpectations(simulation: RunRecord, steps: readonly Step[]): ExpectationResult[][] {
  const byStep = steps.map((): RequestRecord[] => [])
  for (const record of simulation.records) byStep[record.step]?.push(record)
  return steps.map((step, index) => checkStep(simulation, step.expect, index, byStep[index]))
}

/**
 * Checks one step's claims in a run that goes on (live traffic): only the requests that
 * arrived during the step, before `endUs`, and the invariant checks made by then count.
 */
export function checkStepExpectations(
  simulation: Simulation,
  step: Step,
  index: number,
  endUs: number,
): ExpectationResult[] {
  const records = simulation.records.filter((record) => record.step === index && record.arrivedUs < endUs)
  return checkStep(simulation, step.expect, index, records, endUs)
}

function checkStep(
  simulation: RunRecord,
  expect: Expectations,
  index: number,
  records: RequestRecord[],
  endUs = Infinity,
): ExpectationResult[] {
  const results: ExpectationResult[] = []
  for (const [version, expected] of Object.entries(expect.versions ?? {})) {
    results.push(
      checkVersion(
        version,
        expected,
        records.filter((record) => record.version === version),
      ),
    )
  }
  for (const [key, expected] of Object.entries(expect.endpoints ?? {})) {
    const [version, endpoint] = splitEndpointKey(key)
    results.push(
      checkVersion(
        key,
        expected,
        records.filter((record) => record.version === version && record.endpoint === endpoint),
      ),
    )
  }
  if (expect.allVersions === 'ok') {
    const failing = [
      ...new Set(records.filter((record) => record.outcome !== 'ok').map((record) => record.version)),
    ]
    results.push({
      claim: 'every version serves every request',
      held: records.length > 0 && failing.length === 0,
      actual:
        failing.length === 0
          ? describeRecords(records)
          : failing
              .map(
                (version) =>
                  `${version}: ${describeRecords(records.filter((record) => record.version === version))}`,
              )
              .join('; '),
    })
  }
  if (expect.invariants) {
    const checks = simulation.invariantViolations.filter(
      (check) => check.step === index && check.atUs <= endUs,
    )
    const violated = checks.filter((check) => check.violations > 0)
    const names = [...new Set(violated.map((check) => check.name))]
    results.push({
      claim: expect.invariants === 'hold' ? 'invariants hold' : 'an invariant is violated',
      held: expect.invariants === 'hold' ? violated.length === 0 && checks.length > 0 : violated.length > 0,
      actual:
        checks.length === 0
          ? 'no invariant was checked'
          : violated.length === 0
            ? `held in ${checks.length} checks`
            : `violated: ${names.join(', ')} (${violated.length} of ${checks.length} checks)`,
    })
  }
  if (expect.lockWaitMs) {
    const longestMs =
      Math.max(simulation.operatorLockWaitUs[index] ?? 0, ...records.map((record) => record.lockWaitUs)) /
      1000
    const { below, atLeast } = expect.lockWaitMs
    const claims = [
      ...(below !== undefined ? [`longest lock wait below ${below} ms`] : []),
      ...(atLeast !== undefined ? [`longest lock wait at least ${atLeast} ms`] : []),
    ]
    results.push({
      claim: claims.join(' and '),
      held: (below === undefined || longestMs < below) && (atLeast === undefined || longestMs >= atLeast),
      actual: `longest lock wait ${formatMs(longestMs)}`,
    })
  }
  for (const [who, behind] of Object.entries(expect.waits ?? {})) {
    // a version's requests (their records; on a real server, its waits by version), or an
    // operator's session, that began to wait during the step
    const requests = records.filter((record) => record.version === who && record.blockedBy)
    const waits =
      requests.length > 0
        ? requests.map((record) => record.blockedBy ?? [])
        : simulation.operatorWaits
            .filter((wait) => wait.step === index && wait.session === who)
            .map((wait) => wait.blockedBy)
    const seen = [...new Set(waits.flat())].sort()
    results.push({
      claim: `${who} waits behind ${behind}`,
      held: waits.some((blockers) => blockers.includes(behind)),
      actual:
        waits.length === 0
          ? `${who} did not wait`
          : `${who} waited behind ${seen.join(', ') || 'nobody named'}`,
    })
  }
  if (expect.result) {
    const progress = simulation.actions[index]
    const result = progress?.result
    const expected = expect.result
    const claim =
      expected === 'succeeds'
        ? 'the step succeeds'
        : expected === 'fails'
          ? 'the step fails'
          : `the step fails with ${expected.fails}`
    const held =
      result !== undefined &&
      (expected === 'succeeds'
        ? result.ok
        : expected === 'fails'
          ? !result.ok
          : !result.ok && result.error.code === expected.fails)
    const actual =
      result === undefined
        ? 'still running when the scenario ended'
        : result.ok
          ? `succeeded after ${formatMs(((progress.settledUs ?? 0) - simulation.stepStartsUs[index]) / 1000)}`
          : `failed: ${result.error.code} ${result.error.message}`
    results.push({ claim, held, actual })
  }
  return results
}

function checkVersion(
  version: string,
  expected: VersionExpectation,
  records: RequestRecord[],
): ExpectationResult {
  const count = (outcome: RequestRecord['outcome']) =>
    records.filter((record) => record.outcome === outcome).length
  const actual = describeRecords(records)
  if (expected === 'ok') {
    return {
      claim: `${version} serves every request`,
      held: records.length > 0 && count('ok') === records.length,
      actual,
    }
  }
  if (expected === 'degraded') {
    return {
      claim: `${version} answers with its fallback`,
      held: count('degraded') > 0 && count('error') === 0 && count('timeout') === 0,
      actual,
    }
  }
  if (expected === 'falls back') {
    const fellBack = records.find((record) => record.outcome === 'degraded')
    return {
      claim: `${version} answers some requests with its fallback`,
      held: fellBack !== undefined,
      actual: fellBack ? `${actual}: ${fellBack.endpoint}` : actual,
    }
  }
  if (expected === 'times out') {
    const waited = records.find((record) => record.outcome === 'timeout')
    return {
      claim: `${version} times out`,
      held: waited !== undefined,
      actual: waited ? `${actual}: ${waited.endpoint}${waited.message ? `, ${waited.message}` : ''}` : actual,
    }
  }
  // the error the lesson is about, where it happened and in Postgres's words
  const failed = records.find((record) => record.outcome === 'error' && record.code === expected.fails)
  return {
    claim: `${version} fails with ${expected.fails}`,
    held: failed !== undefined,
    actual: failed ? `${actual}: ${failed.endpoint}, ${failed.message ?? failed.code}` : actual,
  }
}

/** `180 ok, 12 timeouts, 3 × 42703`: what a set of requests did. */
export function describeRecords(records: readonly RequestRecord[]): string {
  if (records.length === 0) return 'no requests reached it'
  const counts = new Map<string, number>()
  for (const record of records) {
    const key = record.outcome === 'error' ? `× ${record.code}` : record.outcome
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts]
    .map(([key, count]) =>
      key.startsWith('×')
        ? `${count} ${key}`
        : `${count} ${key === 'timeout' ? (count === 1 ? 'timeout' : 'timeouts') : key}`,
    )
    .join(', ')
}

/** `850 ms`, `2.5 s`, `17 s`: a duration as the claims report it. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`
}

/** `v1.0.0 POST /user` → `['v1.0.0', 'POST /user']`: a version id has no space, an endpoint may. */
export function splitEndpointKey(key: string): [string, string] {
  const space = key.indexOf(' ')
  return space === -1 ? [key, ''] : [key.slice(0, space), key.slice(space + 1)]
}
