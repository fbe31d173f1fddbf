import type { Database } from '../engine'
import type { ConsoleConnection } from './console-connection'
import type { TableSize } from './cost-model'
import { EventQueue } from './event-queue'
import type { ActionProgress, InvariantCheck, OperatorWait, RequestRecord, SimEvent } from './event-log'
import { LockManager } from './lock-manager'
import type { SimScenario } from './model'
import type { OperatorRun } from './operator-run'
import { LogHash, RandomStream } from './random'
import type { Request, StatementLocks, VersionState } from './request-lifecycle'

/** How a simulation keeps and reports its event log. */
export interface SimulationOptions {
  /** Keep every event in `events` (default); the hash covers them either way. */
  keepEvents?: boolean
  /** Hears each event as it is logged (live mode batches them for the page). */
  onEvent?: (event: SimEvent) => void
  /**
   * Hears, just before it starts, each statement an operator's session sends to Postgres for
   * real: the one moment the simulation cannot answer anything else, so live mode tells the
   * page what it is waiting on.
   */
  onRealWork?: (work: RealWork) => void
  /** Virtual µs the clock starts at: a simulation resumed after a Stop goes on from its time. */
  startUs?: number
  /** The table sizes for the cost model, as another run sampled them; counted in the database when absent. */
  tableSizes?: Record<string, TableSize>
}

/** A statement about to run for real in Postgres, and the session it runs for. */
export interface RealWork {
  session: string
  sql: string
}

/** What the event queue holds: each kind is handled by the module of its concern. */
export type Event =
  | { kind: 'arrive'; state: VersionState; token: number }
  | { kind: 'granted'; request: Request }
  | { kind: 'finish'; request: Request }
  | { kind: 'timeout'; request: Request }
  | { kind: 'run part'; run: OperatorRun }
  | { kind: 'statement granted'; run: OperatorRun; serial: number }
  | { kind: 'statement done'; run: OperatorRun; serial: number }
  | { kind: 'lock timeout'; run: OperatorRun; serial: number }
  | { kind: 'statement timeout'; run: OperatorRun; serial: number }
  | { kind: 'deadlock check'; owner: number }
  /** pg_terminate_backend or pg_cancel_backend, called from SQL (lib/sim/catalog). */
  | { kind: 'signal'; action: 'terminate' | 'cancel'; owner: number }
  | { kind: 'invariants' }
  /** Work of the database, or its answer arriving: held back while it hangs. */
  | { kind: 'call'; fire: () => void | Promise<void> }
  /** A clock outside the database (the app's, the operator's, a start-up): it runs while the database hangs. */
  | { kind: 'timer'; fire: () => void | Promise<void> }

/**
 * The database server as its clients find it: `up`; `down`, stopped or not yet accepting
 * connections again (connects are refused, 08006); or `hanging`, running but unreachable, so
 * nothing sent to it is answered until it answers again (a partition, a frozen host).
 */
export type DatabaseState = 'up' | 'down' | 'hanging'

/** Virtual µs in a millisecond: scenarios speak ms, the clock counts µs. */
export const microsPerMs = 1000
/** How often invariants are checked under traffic, in virtual µs. */
export const invariantIntervalUs = 1_000_000

/**
 * The simulation's shared mutable state — clock, event queue, locks, app versions, operator
 * sessions and what was recorded — which each concern module's functions operate on.
 */
export class SimulationState {
  /** Virtual time now, in µs. */
  nowUs = 0
  readonly records: RequestRecord[] = []
  readonly events: SimEvent[] = []
  readonly stepStartsUs: number[] = []
  /** Longest lock wait of an operator's statement, by step index. */
  readonly operatorLockWaitUs: number[] = []
  /** Each time an operator's statement began to wait, and behind whom. */
  readonly operatorWaits: OperatorWait[] = []
  readonly invariantViolations: InvariantCheck[] = []
  readonly actions: ActionProgress[] = []

  readonly queue = new EventQueue<Event>()
  readonly locks = new LockManager()
  readonly hash = new LogHash()
  readonly versions = new Map<string, VersionState>()
  /** Held sessions (a step's `open session`), by name. */
  readonly sessions = new Map<string, OperatorRun>()
  readonly operatorRuns = new Set<OperatorRun>()
  readonly statementLocks = new Map<string, StatementLocks>()
  readonly tableSizes = new Map<string, TableSize>()
  nextOwner = 1
  nextRequestId = 1
  requestsPerSecond: number
  console: ConsoleConnection | undefined
  stepIndex = -1
  databaseState: DatabaseState = 'up'
  /**
   * Counts the database's changes of state, so a start a later stop overtook, or a client's
   * network timeout from a hang that has ended, does nothing.
   */
  databaseChanges = 0
  /** What the database would do or answer while it hangs, in order: it happens once it answers again, or is stopped. */
  readonly heldBack: Event[] = []
  isDraining = false
  private readonly keepEvents: boolean
  private readonly onEvent: ((event: SimEvent) => void) | undefined
  private readonly onRealWork: ((work: RealWork) => void) | undefined
  /** The operator run each step's action started (a migration, a held session), by its progress. */
  readonly stepRuns = new WeakMap<ActionProgress, OperatorRun>()

  constructor(
    readonly database: Database,
    readonly scenario: SimScenario,
    options: SimulationOptions,
  ) {
    this.keepEvents = options.keepEvents ?? true
    this.onEvent = options.onEvent
    this.onRealWork = options.onRealWork
    this.requestsPerSecond = scenario.requestsPerSecond
    for (const version of scenario.versions) {
      this.versions.set(version.id, {
        version,
        share: 0,
        isRunning: false,
        connections: Array.from({ length: version.connections }, () => ({
          owner: this.nextOwner++,
          isIdleInTransaction: false,
          idleSinceUs: 0,
          lastSql: '',
        })),
        waitingForConnection: [],
        random: new RandomStream(`${scenario.seed}/${version.id}`),
        totalWeight: version.endpoints.reduce((total, endpoint) => total + endpoint.weight, 0),
        arrivalToken: 0,
        sequence: 0,
        hasTerminatedConnection: false,
      })
    }
    this.nowUs = options.startUs ?? 0
    this.queue.push(this.nowUs + invariantIntervalUs, { kind: 'invariants' })
  }

  /** Schedules an event `delayUs` from now (rounded to whole µs, never in the past). */
  at(delayUs: number, event: Event): void {
    this.queue.push(this.nowUs + Math.max(0, Math.round(delayUs)), event)
  }

  /** Adds an event to the log: its hash, `events` if kept, and the listener. */
  log(event: SimEvent): void {
    this.hash.add(JSON.stringify(event))
    if (this.keepEvents) this.events.push(event)
    this.onEvent?.(event)
  }

  /** Says which session is about to send `sql` to Postgres for real (see `onRealWork`). */
  announceRealWork(ownPid: number | undefined, sql: string): void {
    if (!this.onRealWork) return
    const run = [...this.operatorRuns].find((candidate) => candidate.owner === ownPid)
    const session =
      run?.label ?? (ownPid !== undefined && ownPid === this.console?.owner ? 'console' : 'check')
    this.onRealWork({ session, sql })
  }

  /** A table's declared and sampled rows, for the cost model; 1000 of each when undeclared. */
  sizeOf(table: string): TableSize {
    return this.tableSizes.get(table) ?? { declaredRows: 1000, sampleRows: 1000 }
  }
}
