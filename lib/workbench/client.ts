import type { WorkerDatabase } from '../engine'
import { isSimulationEvent, type SimulationEvent } from './events'
import {
  parseSimulationReply,
  simulationExtensionName,
  type SimulationReplies,
  type SimulationRequest,
} from './protocol'

/** The page's line to the simulation in the database worker: typed calls, typed events. */
export interface SimulationClient {
  /** Sends one request; resolves with its reply, parsed, or rejects with the worker's reason. */
  call<R extends SimulationRequest>(request: R): Promise<SimulationReplies[R['action']]>
  /** Listens to what the simulation pushes (batches, verdicts, answers); returns how to stop. */
  onEvent(listener: (event: SimulationEvent) => void): () => void
}

/** The database worker's side the client needs: its extension calls and their events. */
export type SimulationPort = Pick<WorkerDatabase, 'callExtension' | 'onExtensionEvent'>

/** Talks to the simulation served beside this database, in its worker. */
export function createSimulationClient(database: SimulationPort): SimulationClient {
  const call = async <R extends SimulationRequest>(request: R): Promise<SimulationReplies[R['action']]> =>
    parseSimulationReply<R['action']>(
      request.action,
      await database.callExtension(simulationExtensionName, request),
    )
  return {
    call,
    onEvent: (listener) =>
      database.onExtensionEvent((event) => {
        if (isSimulationEvent(event)) listener(event)
      }),
  }
}
