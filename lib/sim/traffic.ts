import { pickEndpoint } from './request-params'
import { sendRequest, type VersionState } from './request-lifecycle'
import type { SimulationState } from './simulation-state'

/** Schedules a running version's next arrival from its seeded stream, at its share of the rate. */
export function scheduleArrival(sim: SimulationState, state: VersionState): void {
  const perSecond = (sim.requestsPerSecond * state.share) / 100
  if (!state.isRunning || perSecond <= 0 || sim.isDraining) return
  sim.at(state.random.nextInterarrivalMicros(perSecond), {
    kind: 'arrive',
    state,
    token: state.arrivalToken,
  })
}

/** A request arrives: the next one is scheduled, and this one is sent. */
export async function arrive(sim: SimulationState, state: VersionState): Promise<void> {
  const endpoint = pickEndpoint(state)
  scheduleArrival(sim, state)
  await sendRequest(sim, state, endpoint)
}

/** Routes traffic to the versions named, by share; a version left out stops. */
export function deploy(sim: SimulationState, shares: Record<string, number>): void {
  for (const [id, state] of sim.versions) {
    const share = shares[id]
    state.arrivalToken += 1
    if (share === undefined) {
      if (state.isRunning) stopVersion(sim, state)
      continue
    }
    state.isRunning = true
    state.share = share
    scheduleArrival(sim, state)
  }
  sim.log({ type: 'deploy', atUs: sim.nowUs, shares })
}

// Stopping a version's processes closes its connections: what they held is released.
function stopVersion(sim: SimulationState, state: VersionState): void {
  state.isRunning = false
  state.share = 0
  for (const connection of state.connections) {
    if (connection.request) continue
    connection.isIdleInTransaction = false
    sim.locks.releaseAll(connection.owner)
  }
}

/** Sets the rate from now on: arrivals already scheduled are dropped and each version reschedules. */
export function setRequestRate(sim: SimulationState, perSecond: number): void {
  sim.requestsPerSecond = Math.max(0, perSecond)
  for (const state of sim.versions.values()) {
    state.arrivalToken += 1
    scheduleArrival(sim, state)
  }
}

/** Stops new arrivals for good: requests in flight still get their answers. */
export function stopArrivals(sim: SimulationState): void {
  sim.isDraining = true
  for (const state of sim.versions.values()) state.arrivalToken += 1
}

/** Whether a request that arrived before `us` is still waiting for its answer. */
export function hasUnansweredBefore(sim: SimulationState, us: number): boolean {
  for (const state of sim.versions.values()) {
    if (state.waitingForConnection.some((request) => request.arrivedUs < us)) return true
    for (const connection of state.connections) {
      if (connection.request && connection.request.arrivedUs < us) return true
    }
  }
  return false
}
