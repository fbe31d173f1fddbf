import type { Database } from '../engine'
import { checkExpectations, type ExpectationResult } from './expectations'
import { metricsBySecond, type SecondMetrics } from './metrics'
import type { SimScenario } from './model'
import { Simulation, type SimulationOptions } from './simulation'

/** What one step of a headless run did, and which of its claims held. */
export interface StepReport {
  id: string
  title: string
  startedMs: number
  expectations: ExpectationResult[]
}

/** A whole headless run of one scenario path. */
export interface ScenarioRun {
  steps: StepReport[]
  eventLogHash: string
  requests: number
  virtualMs: number
  metrics: SecondMetrics[]
  /** The modelled µs each migration statement ran once granted, by its SQL (the cost model's). */
  modelledMicros: Map<string, number>
  simulation: Simulation
}

/**
 * Runs every step of a scenario as fast as the database allows (virtual time does not wait
 * for wall time), lets the last requests finish, and checks every expectation.
 */
export async function runScenario(
  database: Database,
  scenario: SimScenario,
  options: SimulationOptions = {},
): Promise<ScenarioRun> {
  const modelledMicros = new Map<string, number>()
  // what the simulator said it cannot represent, by the step it happened in
  const notModelled = new Map<number, string[]>()
  let stepIndex = -1
  const simulation = await Simulation.start(database, scenario, {
    ...options,
    onEvent: (event) => {
      if (event.type === 'statement' && event.state === 'granted' && event.durationUs !== undefined)
        modelledMicros.set(event.sql, event.durationUs)
      if (event.type === 'step') stepIndex = event.index
      if (event.type === 'not modelled')
        notModelled.set(stepIndex, [...(notModelled.get(stepIndex) ?? []), event.reason])
      options.onEvent?.(event)
    },
  })
  for (const step of scenario.steps) await simulation.runStep(step)
  await simulation.drain()
  const verdicts = checkExpectations(simulation, scenario.steps)
  // never a false green: a step with something the simulator cannot represent does not pass
  for (const [index, reasons] of notModelled) {
    for (const reason of new Set(reasons))
      verdicts[index]?.push({
        claim: 'the simulator models everything this step does',
        held: false,
        actual: reason,
      })
  }
  return {
    steps: scenario.steps.map((step, index) => ({
      id: step.id,
      title: step.title,
      startedMs: simulation.stepStartsUs[index] / 1000,
      expectations: verdicts[index],
    })),
    eventLogHash: simulation.eventLogHash,
    requests: simulation.records.length,
    virtualMs: simulation.nowUs / 1000,
    metrics: metricsBySecond(simulation.records),
    modelledMicros,
    simulation,
  }
}
