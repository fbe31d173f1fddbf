// A step's start built ahead of time: the database and the simulation as the workbench's replay
// of the earlier steps leaves them, so a deep link to the last step opens as fast as the first.
// The build collects them in Node (scripts/build-step-starts.ts); the workbench opens on one
// instead of replaying, when the learner's earlier steps ran the lesson's own SQL.
import { z } from 'zod'
import type { Database } from '../engine'
import type { StepLayers } from '../engine/manifest'
import { Simulation, type SimEvent, type SimulationOptions } from '../sim'
import { pathsOf, toSimScenario, type Scenario } from '../scenario'
import { resolveStep } from './steps'

export const deploymentSchema = z.record(z.string(), z.number().min(0).max(100))

/** Where the simulation stood at the start of `step`, with every step before it run with its solution. */
export const stepStartSchema = z.object({
  step: z.number().int().min(1),
  atMs: z.number().min(0),
  deployment: deploymentSchema,
  // what `rollback` goes back to
  previousDeployment: deploymentSchema.optional(),
  sequences: z.record(z.string(), z.number().int().min(0)),
  tableSizes: z.record(z.string(), z.object({ declaredRows: z.number(), sampleRows: z.number() })),
})
export type StepStart = z.infer<typeof stepStartSchema>

/** Starts the lesson's simulation as the workbench plays it: the safe path where there is one. */
export function startLessonSimulation(
  database: Database,
  scenario: Scenario,
  options: SimulationOptions,
): Promise<Simulation> {
  const path = pathsOf(scenario).includes('safe') ? 'safe' : 'main'
  return Simulation.start(database, toSimScenario(scenario, path), options)
}

/**
 * Runs the steps before `step` headless, the learner's SQL where `sql` has it, else the
 * solution; `onStep` hears each before it runs. The workbench's replay and the build's both.
 */
export async function replayStepsBefore(
  simulation: Simulation,
  scenario: Scenario,
  step: number,
  sql: readonly (string | null | undefined)[],
  onStep: (index: number, title: string, how: 'yours' | 'solution') => void = () => undefined,
): Promise<void> {
  for (let index = 0; index < step; index++) {
    const learners = sql[index]
    const how = learners == null ? 'solution' : 'yours'
    const resolved = resolveStep(scenario, index, how, learners ?? undefined)
    onStep(index, resolved.title, how)
    await simulation.runStep(resolved)
  }
}

/** Why a step's start could not be built: something lives only in the simulation there. */
export interface UnbuiltStepStart {
  step: number
  reason: string
}

/**
 * Replays the lesson's solutions from its start in `database` and, at the start of each later
 * step the simulation can be picked up at, calls `take` while the database holds that state.
 * Returns the steps it could not (a held session, a connection idle in a transaction, …).
 */
export async function collectStepStarts(
  database: Database,
  scenario: Scenario,
  take: (start: StepStart) => Promise<void>,
): Promise<UnbuiltStepStart[]> {
  const deployments: Record<string, number>[] = []
  const simulation = await startLessonSimulation(database, scenario, {
    keepEvents: false,
    // as the live workbench counts deployments, for rollback's previous one
    onEvent: (event: SimEvent) => {
      if (event.type !== 'deploy') return
      if (JSON.stringify(deployments.at(-1)) !== JSON.stringify(event.shares)) deployments.push(event.shares)
    },
  })
  const unbuilt: UnbuiltStepStart[] = []
  for (let step = 1; step < scenario.steps.length; step++) {
    await simulation.runStep(resolveStep(scenario, step - 1, 'solution'))
    const picked = simulation.pickUpPoint()
    if (!picked.ok) {
      unbuilt.push({ step, reason: picked.reason })
      continue
    }
    if ((await database.transactionState()) !== 'idle') {
      unbuilt.push({ step, reason: 'the database is inside a transaction' })
      continue
    }
    const { atUs, deployment, sequences, tableSizes } = picked.point
    const previousDeployment = deployments.length > 1 ? deployments.at(-2) : undefined
    await take({
      step,
      atMs: atUs / 1000,
      deployment,
      ...(previousDeployment && { previousDeployment }),
      sequences,
      tableSizes,
    })
  }
  return unbuilt
}

/** The layers that make a lesson's snapshot its later steps' starts, as the page uses them. */
export interface StepStartLayers {
  /** Where the lesson's snapshot's entries end (see tar-layers). */
  snapshotEnd: number
  layers: { step: number; url: string; start: StepStart }[]
}

/** The build's record of a lesson's step layers, checked: a malformed one says which step. */
export function parseStepLayers(layers: StepLayers): StepStartLayers {
  return {
    snapshotEnd: layers.snapshotEnd,
    layers: layers.layers.map((layer) => {
      const parsed = stepStartSchema.safeParse(layer.start)
      if (!parsed.success || parsed.data.step !== layer.step)
        throw new Error(`${layers.snapshot}: the start of step ${layer.step + 1} is malformed (${layer.url})`)
      return { step: layer.step, url: layer.url, start: parsed.data }
    }),
  }
}
