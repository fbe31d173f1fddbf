import { MetricsCollector, type RequestRecord, type Simulation } from '../sim'
import type {
  AuditEntry,
  EndpointStatus,
  InvariantPoint,
  NotModelledNote,
  RequestLogEntry,
  SessionView,
  StepMarker,
  WorkbenchBatch,
  WorkbenchSpeed,
  StepOutcome,
} from './events'
import { recentSeconds } from './events'

const maxLogEntries = 50
const maxSessions = 40

/** What the batch tells of the workbench itself, beside what the simulation reports. */
export interface WorkbenchStanding {
  speed: WorkbenchSpeed
  audit: AuditEntry[]
  nextStep: number
  runningStep?: number
  stepOutcomes: StepOutcome[]
  previousDeployment?: Record<string, number>
}

/**
 * Gathers what happened between two ticks into the one batch the page gets: the seconds
 * completed, the requests answered, the endpoints' last outcome, markers and invariant checks.
 */
export class Batcher {
  private lastRecord = 0
  private readonly metrics = new MetricsCollector()
  private readonly endpoints = new Map<string, EndpointStatus>()
  // per endpoint, its answers by virtual second over the last `recentSeconds`: [second, answered, failed]
  private readonly recentAnswers = new Map<string, [number, number, number][]>()
  private markers: StepMarker[] = []
  private invariants: InvariantPoint[] = []
  private notModelled: NotModelledNote[] = []
  // the page reads the schema when it opens, so the first batch says to
  private isSchemaChanged = true

  /** Notes a step that began since the last batch. */
  addMarker(marker: StepMarker): void {
    this.markers.push(marker)
  }

  /** Notes one run of an invariant's check. */
  addInvariant(point: InvariantPoint): void {
    this.invariants.push(point)
  }

  /** Notes what the simulator said it cannot represent. */
  addNotModelled(note: NotModelledNote): void {
    this.notModelled.push(note)
  }

  /** Tells the page to read the schema again. */
  markSchemaChanged(): void {
    this.isSchemaChanged = true
  }

  /** The batch since the last one; what it reports is not reported again. */
  take(simulation: Simulation, standing: WorkbenchStanding): WorkbenchBatch {
    const records = simulation.records
    const fresh = records.slice(this.lastRecord)
    this.lastRecord = records.length
    for (const record of fresh) {
      this.metrics.add(record)
      this.noteEndpoint(record)
    }
    const sessions = simulation
      .listSessions()
      .sort((a, b) => waitingFirst(a.state) - waitingFirst(b.state) || a.sinceUs - b.sinceUs)
    const batch: WorkbenchBatch = {
      type: 'workbench',
      nowMs: simulation.nowUs / 1000,
      speed: standing.speed,
      metrics: this.metrics.takeCompleted(simulation.nowUs),
      markers: this.markers,
      requests: fresh.slice(-maxLogEntries).map(toLogEntry),
      endpoints: [...this.endpoints.values()],
      sessions: sessions
        .slice(0, maxSessions)
        .map(({ sinceUs, ...session }): SessionView => ({ ...session, sinceMs: sinceUs / 1000 })),
      moreSessions: Math.max(0, sessions.length - maxSessions),
      invariants: this.invariants,
      deployment: simulation.deployment,
      ...(standing.previousDeployment && { previousDeployment: standing.previousDeployment }),
      requestsPerSecond: simulation.requestRate,
      consoleTransaction: simulation.consoleTransaction,
      databaseState: simulation.databaseState,
      schemaChanged: this.isSchemaChanged,
      notModelled: this.notModelled,
      audit: standing.audit,
      nextStep: standing.nextStep,
      ...(standing.runningStep !== undefined && { runningStep: standing.runningStep }),
      stepOutcomes: standing.stepOutcomes,
    }
    this.markers = []
    this.invariants = []
    this.notModelled = []
    this.isSchemaChanged = false
    return batch
  }

  private noteEndpoint(record: RequestRecord): void {
    const key = `${record.version}\u0000${record.endpoint}`
    const atMs = record.endedUs / 1000
    const known = this.endpoints.get(key)
    const isFailure = record.outcome === 'error' || record.outcome === 'timeout'
    const second = Math.floor(atMs / 1000)
    const seconds = (this.recentAnswers.get(key) ?? []).filter(([at]) => at > second - recentSeconds)
    const current =
      seconds.at(-1)?.[0] === second ? seconds.at(-1)! : seconds[seconds.push([second, 0, 0]) - 1]
    current[1] += 1
    if (isFailure) current[2] += 1
    this.recentAnswers.set(key, seconds)
    this.endpoints.set(key, {
      version: record.version,
      endpoint: record.endpoint,
      last: record.outcome,
      lastAtMs: atMs,
      recent: {
        answered: seconds.reduce((sum, [, answered]) => sum + answered, 0),
        failed: seconds.reduce((sum, [, , failed]) => sum + failed, 0),
      },
      ...(isFailure
        ? {
            lastFailure: {
              outcome: record.outcome as 'error' | 'timeout',
              ...(record.code !== undefined && { code: record.code }),
              message: record.message ?? record.outcome,
              atMs,
            },
          }
        : known?.lastFailure && { lastFailure: known.lastFailure }),
    })
  }
}

function waitingFirst(state: SessionView['state']): number {
  return state === 'waiting' ? 0 : state === 'idle in transaction' ? 1 : 2
}

function toLogEntry(record: RequestRecord): RequestLogEntry {
  return {
    id: record.id,
    version: record.version,
    endpoint: record.endpoint,
    outcome: record.outcome,
    ...(record.code !== undefined && { code: record.code }),
    ...(record.message !== undefined && { message: record.message }),
    atMs: record.endedUs / 1000,
    latencyMs: (record.endedUs - record.arrivedUs) / 1000,
  }
}
