import type { Condition, SimScenario, Step, StepAction, VersionExpectation } from '../sim'
import type { Scenario, ScenarioPath } from './scenario'
import type { PathFields } from './step-schema'
import { retryPolicyOf } from './exercises'
import { describeSpecProblem, parseSystemTestSpec } from './system-test'

/** The simulator's input for one path of a validated scenario. */
export function toSimScenario(scenario: Scenario, path: ScenarioPath): SimScenario {
  return {
    seed: String(scenario.seed),
    requestsPerSecond: scenario.requestsPerSecond,
    tableRows: scenario.tables,
    versions: scenario.versions.map((version) => ({
      id: version.id,
      label: version.label ?? version.id,
      endpoints: version.endpoints.map(({ cost, ...endpoint }) => ({ ...endpoint, costMs: cost })),
      whenDatabaseDown: version.whenDatabaseDown,
      idleInTransactionAfterReads: version.idleInTransactionAfterReads,
      connections: version.connections,
      timeoutMs: version.timeout,
      ...(version.networkTimeout !== undefined && { networkTimeoutMs: version.networkTimeout }),
    })),
    invariants: scenario.invariants,
    steps: scenario.steps.map((step): Step => {
      const fields: PathFields = path !== 'main' && step.naive && step.safe ? step[path]! : step
      return {
        id: step.id,
        title: step.title,
        action: toAction(fields),
        withinMs: fields.within ?? 60_000,
        observeMs: fields.observe ?? 2000,
        expect: {
          ...(fields.expect?.versions && {
            versions: fields.expect.versions as Record<string, VersionExpectation>,
          }),
          ...(fields.expect?.allVersions && { allVersions: fields.expect.allVersions }),
          ...(fields.expect?.endpoints && {
            endpoints: fields.expect.endpoints as Record<string, VersionExpectation>,
          }),
          ...(fields.expect?.invariants && { invariants: fields.expect.invariants }),
          ...(fields.expect?.lockWait && { lockWaitMs: fields.expect.lockWait }),
          ...(fields.expect?.result && { result: fields.expect.result }),
          ...(fields.expect?.waits && { waits: fields.expect.waits }),
        },
      }
    }),
  }
}

/**
 * A naive detour as a learner takes one: the steps before `index` the safe way, then step
 * `index` the naive way, with the claims the lesson makes about the naive way.
 */
export function toNaiveDetour(scenario: Scenario, index: number): SimScenario {
  const safe = toSimScenario(scenario, 'safe')
  const naive = toSimScenario(scenario, 'naive')
  return { ...safe, steps: [...safe.steps.slice(0, index), naive.steps[index]] }
}

function toAction(fields: PathFields): StepAction {
  if (fields.deploy)
    return { kind: 'deploy', shares: fields.deploy, ...(fields.gate && { gate: fields.gate }) }
  if (fields.migrate) return migrateAction(fields.migrate)
  if (fields.database) return { kind: 'database', state: fields.database }
  if (fields.openSession)
    return { kind: 'open session', session: fields.openSession.name, sql: fields.openSession.sql }
  if (fields.endSession) return { kind: 'end session', session: fields.endSession, how: 'commit' }
  if (fields.terminate) {
    return fields.terminate === 'idle-in-transaction'
      ? { kind: 'terminate idle' }
      : { kind: 'end session', session: fields.terminate, how: 'terminate' }
  }
  if (fields.advance !== undefined) return { kind: 'advance', ms: fields.advance }
  const check = (verb: 'wait' | 'assert' | 'fail', condition: Condition): StepAction => ({
    kind: 'check',
    verb,
    condition,
    withinMs: fields.within ?? 60_000,
  })
  if (fields.wait) return check('wait', fields.wait)
  if (fields.assert) return check('assert', fields.assert)
  if (fields.fail) return check('fail', fields.fail)
  if (fields.systemTest) {
    const parsed = parseSystemTestSpec(
      fields.systemTest.spec,
      fields.systemTest.tasks,
      fields.systemTest.timeout,
    )
    if (!parsed.ok) throw new Error(describeSpecProblem(parsed.problem))
    return { kind: 'system test', tasks: parsed.tasks }
  }
  throw new Error('a validated step has an action')
}

/**
 * A migration as the simulator runs it: its SQL, and the retries its retry line asks for. Throws
 * on a retry line that does not read, as the schema and the workbench refuse one before this.
 */
export function migrateAction(sql: string): Extract<StepAction, { kind: 'migrate' }> {
  const policy = retryPolicyOf(sql)
  if (!policy.ok) throw new Error(policy.problem)
  return { kind: 'migrate', sql, ...(policy.retry && { retry: policy.retry }) }
}
