import type { Extension, ExtensionContext } from '../engine/worker-host'
import { simulationHandlers, type SimulationWorkerState } from './handlers'
import type { Schedule } from './live-workbench'
import {
  simulationRequestSchema,
  type SimulationAction,
  type SimulationReplies,
  type SimulationRequests,
} from './protocol'

/**
 * Serves the simulator beside the database in the worker: headless checks of a lesson, and
 * the workbench's live traffic. Each request is parsed with the protocol's schema where it
 * enters the worker, so a malformed one is refused whole, never half-used.
 */
export function createSimulationExtension(schedule: Schedule = (run, ms) => setTimeout(run, ms)): Extension {
  const state: SimulationWorkerState = { live: undefined, schedule }
  return async (payload, context) => {
    const request = simulationRequestSchema.parse(payload)
    return answer(request.action, request, context, state)
  }
}

// Generic in the action, so each request reaches the handler of its own action
function answer<A extends SimulationAction>(
  action: A,
  request: SimulationRequests[A],
  context: ExtensionContext,
  state: SimulationWorkerState,
): SimulationReplies[A] | Promise<SimulationReplies[A]> {
  const handle = simulationHandlers[action]
  return handle(request, context, state)
}
