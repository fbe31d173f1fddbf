import type pg from 'pg'
import {
  accessOf,
  generateParam,
  pickEndpoint,
  RandomStream,
  type Endpoint,
  type RequestRecord,
  type DatabaseState,
  type RequestSource,
  type SimScenario,
} from '../sim'
import {
  connectionFailure,
  isConnectionError,
  pidOf,
  query,
  endQuietly,
  type OperatorError,
} from './pg-calls'

/** What the traffic needs from the replay around it: its clock, its state, its connections. */
export interface TrafficHost {
  /** Virtual µs since the replay started. */
  nowUs(): number
  /** Wall ms for a span of virtual ms. */
  wallMs(virtualMs: number): number
  stepIndex(): number
  databaseState(): DatabaseState
  isServerRunning(): boolean
  connect(label: string): Promise<pg.Client>
  /** Cancels the statement a backend runs (`pg_cancel_backend`), as an app's timeout does. */
  cancel(pid: number): Promise<void>
  /** How long the server showed a backend waiting on a lock between two instants. */
  waitedDuring(pid: number | undefined, fromUs: number, untilUs: number): number
}

interface AppConnection {
  label: string
  client?: pg.Client
  connecting?: Promise<pg.Client | undefined>
  isBusy: boolean
  /** The request it serves while busy. */
  request?: PendingRequest
  isInTransaction: boolean
  /**
   * A cancel sent for a request that timed out: the connection's next request waits for it to
   * land, or a late cancel would cancel that one instead (57014 where the app saw no timeout).
   */
  pendingCancel?: Promise<void>
}

interface VersionRuntime extends RequestSource {
  /** One of its idle connections was terminated: the next request finds it gone (as in the simulator). */
  hasTerminatedConnection: boolean
  share: number
  isRunning: boolean
  connections: AppConnection[]
  waiting: PendingRequest[]
  arrivalTimer?: ReturnType<typeof setTimeout>
}

interface PendingRequest {
  id: number
  runtime: VersionRuntime
  endpoint: Endpoint
  params: unknown[]
  arrivedUs: number
  step: number
  connection?: AppConnection
  statementStartUs?: number
  /** Past the gate a stop, a freeze or a sweep of idle sessions closes: it is on its way to the server. */
  isSending?: boolean
  isTimedOut: boolean
  isDone: boolean
  timer?: ReturnType<typeof setTimeout>
  onDone?: (record: RequestRecord) => void
}

// how long an app that cancelled a statement waits for it to end before it cancels it again (virtual)
const cancelRetryMs = 200

/**
 * The app versions' traffic on a real server: per version a pool of real connections sending
 * its endpoints' SQL with the simulator's seeded parameters, as a Poisson stream; a request
 * waits for a free connection, runs, and is answered ok, with its SQLSTATE, degraded (the
 * fallback while the database is down) or timed out (the app cancels the statement).
 */
export class AppTraffic {
  readonly records: RequestRecord[] = []
  private readonly versions = new Map<string, VersionRuntime>()
  private nextRequestId = 1
  private isDraining = false
  /** Counts the hangs begun and ended, so a network timeout from a hang that has ended does nothing. */
  private hangs = 0
  private readonly networkTimers = new Set<ReturnType<typeof setTimeout>>()
  /** While the server is about to stop or freeze, or its idle sessions to be swept: what a request sends waits for it. */
  private freezing?: Promise<void>
  /** Resolves when the hang ends (at once when there is none): a connect waits for it. */
  private hangEnded: Promise<void> = Promise.resolve()
  private resolveHangEnded = () => {}
  /** Hears the last request of a drain answered. */
  private onIdle?: () => void

  constructor(
    scenario: SimScenario,
    /** Wall requests a second across all versions, at 100 % of the traffic. */
    readonly wallRequestsPerSecond: number,
    private readonly host: TrafficHost,
  ) {
    for (const version of scenario.versions) {
      this.versions.set(version.id, {
        version,
        random: new RandomStream(`${scenario.seed}/${version.id}`),
        totalWeight: version.endpoints.reduce((total, endpoint) => total + endpoint.weight, 0),
        sequence: 0,
        hasTerminatedConnection: false,
        share: 0,
        isRunning: false,
        connections: Array.from({ length: version.connections }, (_, index) => ({
          label: `${version.id} #${index + 1}`,
          isBusy: false,
          isInTransaction: false,
        })),
        waiting: [],
      })
    }
  }

  /** Runs these versions with these shares (a canary); stops the rest, closing their connections. */
  deploy(shares: Record<string, number>): void {
    for (const [id, runtime] of this.versions) {
      const share = shares[id]
      clearTimeout(runtime.arrivalTimer)
      if (share === undefined) {
        if (runtime.isRunning) this.stopVersion(runtime)
        continue
      }
      runtime.isRunning = true
      runtime.share = share
      this.scheduleArrival(runtime)
    }
  }

  // Stopping a version's processes closes its connections: what they held is released.
  private stopVersion(runtime: VersionRuntime): void {
    runtime.isRunning = false
    runtime.share = 0
    for (const connection of runtime.connections) {
      if (!connection.isBusy) void this.closeConnection(connection)
    }
  }

  /** The version a request without one goes to: the one with the largest share. */
  versionServing(id: string | undefined): VersionRuntime | undefined {
    if (id !== undefined) return this.versions.get(id)
    let serving: VersionRuntime | undefined
    for (const runtime of this.versions.values())
      if (runtime.isRunning && runtime.share > (serving?.share ?? -1)) serving = runtime
    return serving
  }

  /**
   * An operator terminated these backends: a pool that held one of them learns it from its
   * next request, which fails (an app without a pre-ping, as in the simulator).
   */
  noteTerminated(pids: ReadonlySet<number>): void {
    for (const runtime of this.versions.values()) {
      if (runtime.connections.some((connection) => pids.has(pidOf(connection.client) ?? 0)))
        runtime.hasTerminatedConnection = true
    }
  }

  /**
   * Does `act` (a stop, a freeze, a sweep of idle sessions) between requests: the statements in flight get their answers
   * first, for at most `graceWallMs`, and a request sends nothing until `act` is done. A
   * replay's request takes a few wall ms, tens of virtual ms at ×8, where the simulator's takes
   * its modelled two or three: without the grace an outage would catch many more of them on
   * their way than the simulator's does.
   */
  async betweenRequests(act: () => void | Promise<void>, graceWallMs: number): Promise<void> {
    let done = () => {}
    this.freezing = new Promise((resolve) => (done = resolve))
    const deadline = performance.now() + graceWallMs
    while (this.hasStatementsInFlight() && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 1))
    try {
      await act()
    } finally {
      this.freezing = undefined
      done()
    }
  }

  /**
   * The database hangs: `freeze` freezes the server, between requests. The requests on a
   * connection wait for an answer that does not come, as the ones sent later will, until
   * `endHang`.
   */
  async beginHang(freeze: () => void, graceWallMs: number): Promise<void> {
    this.hangs += 1
    this.hangEnded = new Promise((resolve) => (this.resolveHangEnded = resolve))
    await this.betweenRequests(() => {
      freeze()
      for (const runtime of this.versions.values()) {
        for (const connection of runtime.connections) {
          if (connection.request) this.giveUpAfterNetworkTimeout(connection.request, connection)
        }
      }
    }, graceWallMs)
  }

  /** The hang ended, the database answering again or stopped: its network timeouts do nothing. */
  endHang(): void {
    this.hangs += 1
    this.resolveHangEnded()
  }

  private hasStatementsInFlight(): boolean {
    for (const runtime of this.versions.values()) {
      for (const connection of runtime.connections) {
        const request = connection.request
        if (request && !request.isDone && request.isSending) return true
      }
    }
    return false
  }

  // A real driver with connect_timeout, keepalives and tcp_user_timeout gives up on a server that
  // does not answer, as the simulator's `networkTimeoutMs` says. A frozen server on loopback does
  // not show it so: its kernel still accepts connects and acknowledges packets, so TCP-level
  // timeouts never fire, and a connect timeout on the scaled clock would fire on a busy
  // machine's slow connect too. So the app keeps the bound itself, and only while the server is
  // frozen: the request fails as a connection error and the connection is dropped.
  private giveUpAfterNetworkTimeout(request: PendingRequest, connection: AppConnection): void {
    const timeoutMs = request.runtime.version.networkTimeoutMs
    if (timeoutMs === undefined) return
    const hang = this.hangs
    const timer = setTimeout(() => {
      this.networkTimers.delete(timer)
      if (request.isDone || this.hangs !== hang) return
      this.answerWithoutDatabase(request)
      this.abandon(request.runtime, connection)
    }, this.host.wallMs(timeoutMs))
    this.networkTimers.add(timer)
  }

  // The app drops a connection the database does not answer on: its socket is closed, and a
  // fresh slot in its place takes the next request waiting (the old one's work, should the
  // server answer later, goes nowhere).
  private abandon(runtime: VersionRuntime, connection: AppConnection): void {
    const index = runtime.connections.indexOf(connection)
    if (index === -1) return
    const fresh: AppConnection = { label: connection.label, isBusy: false, isInTransaction: false }
    runtime.connections[index] = fresh
    connection.client?.connection.stream.destroy()
    const next = runtime.waiting.shift()
    if (next) void this.execute(next, fresh)
    if (this.isDraining) this.afterAnswer()
  }

  private isCurrent(connection: AppConnection): boolean {
    for (const runtime of this.versions.values()) if (runtime.connections.includes(connection)) return true
    return false
  }

  /** Closes every connection, in flight or not. */
  async closeAll(): Promise<void> {
    for (const timer of this.networkTimers) clearTimeout(timer)
    this.networkTimers.clear()
    for (const runtime of this.versions.values()) {
      clearTimeout(runtime.arrivalTimer)
      for (const connection of runtime.connections) await this.closeConnection(connection)
    }
  }

  private scheduleArrival(runtime: VersionRuntime): void {
    const perSecond = (this.wallRequestsPerSecond * runtime.share) / 100
    if (!runtime.isRunning || perSecond <= 0 || this.isDraining) return
    const delayMs = runtime.random.nextInterarrivalMicros(perSecond) / 1000
    runtime.arrivalTimer = setTimeout(() => {
      this.scheduleArrival(runtime)
      this.sendRequest(runtime, pickEndpoint(runtime))
    }, delayMs)
  }

  /** Sends one request to an endpoint of a version, as its pool would; `onDone` hears its answer. */
  sendRequest(runtime: VersionRuntime, endpoint: Endpoint, onDone?: (record: RequestRecord) => void): void {
    const request: PendingRequest = {
      id: this.nextRequestId++,
      runtime,
      endpoint,
      params: endpoint.params.map((generator) => generateParam(generator, runtime)),
      arrivedUs: this.host.nowUs(),
      step: Math.max(0, this.host.stepIndex()),
      isTimedOut: false,
      isDone: false,
      onDone,
    }
    request.timer = setTimeout(() => void this.timeOut(request), this.host.wallMs(runtime.version.timeoutMs))
    const free = runtime.connections.find((connection) => !connection.isBusy)
    if (free) void this.execute(request, free)
    else runtime.waiting.push(request)
  }

  private async execute(request: PendingRequest, connection: AppConnection): Promise<void> {
    connection.isBusy = true
    connection.request = request
    request.connection = connection
    // sent during a hang (one that begins arms the requests on connections itself)
    if (this.host.databaseState() === 'hanging' && !this.freezing)
      this.giveUpAfterNetworkTimeout(request, connection)
    try {
      // the gate is checked again after each wait: one closed while this request was on its
      // way to it must hold it too, or a sweep of idle sessions would terminate its connection
      // between the sweep's look and the statement (57P01 on a request the simulator answers)
      while (this.freezing) await this.freezing
      request.isSending = true
      const client = await this.openConnection(connection)
      await connection.pendingCancel
      if (request.isDone) return
      // it timed out while the connection's last cancel landed: its own cancel found nothing
      // to cancel, and a statement sent now would wait with no one to cancel it
      if (request.isTimedOut)
        return this.answer(
          request,
          'timeout',
          undefined,
          'no answer in time: it waited for a free connection',
        )
      if (!client) return this.answerWithoutDatabase(request)
      // the pool hands out the connection an operator terminated: the request fails with it,
      // and the pool is recycled (an app without a pre-ping, SQLAlchemy's default)
      if (request.runtime.hasTerminatedConnection) {
        request.runtime.hasTerminatedConnection = false
        return this.answer(request, 'error', '57P01', 'terminating connection due to administrator command')
      }
      const version = request.runtime.version
      // deploydemo v1.0.0 never ends the transaction its reads opened (SQLAlchemy's implicit BEGIN)
      if (version.idleInTransactionAfterReads && !connection.isInTransaction) {
        const begun = await query(client, 'begin')
        if (!begun.ok) return this.answerFailure(request, begun.error)
        connection.isInTransaction = true
      }
      request.statementStartUs = this.host.nowUs()
      const outcome = await query(client, request.endpoint.sql, request.params)
      const isRead = outcome.ok && outcome.command === 'SELECT'
      const keepsTransaction =
        outcome.ok && isRead && version.idleInTransactionAfterReads && request.runtime.isRunning
      if (connection.isInTransaction && !keepsTransaction) {
        await query(client, outcome.ok ? 'commit' : 'rollback')
        connection.isInTransaction = false
      }
      if (request.isDone) return
      if (outcome.ok) this.answer(request, 'ok')
      else this.answerFailure(request, outcome.error)
    } finally {
      this.releaseConnection(connection)
    }
  }

  private answerFailure(request: PendingRequest, error: OperatorError): void {
    if (request.isTimedOut) return this.answer(request, 'timeout', undefined, 'no answer in time: cancelled')
    if (isConnectionError(error) && (this.host.databaseState() !== 'up' || !this.host.isServerRunning()))
      return this.answerWithoutDatabase(request)
    // the server is up, so an operator terminated this connection under the request
    if (isConnectionError(error)) {
      request.runtime.hasTerminatedConnection = false
      return this.answer(request, 'error', '57P01', 'terminating connection due to administrator command')
    }
    this.answer(request, 'error', error.code, error.message)
  }

  private answerWithoutDatabase(request: PendingRequest): void {
    if (request.runtime.version.whenDatabaseDown === 'fallback') this.answer(request, 'degraded')
    else this.answer(request, 'error', '08006', connectionFailure().message)
  }

  // The app gives up on the request: it cancels the statement, as a client-side timeout does.
  private async timeOut(request: PendingRequest): Promise<void> {
    if (request.isDone) return
    request.isTimedOut = true
    const waiting = request.runtime.waiting
    if (waiting.includes(request)) {
      waiting.splice(waiting.indexOf(request), 1)
      if (this.isDraining) queueMicrotask(() => this.afterAnswer())
      return this.answer(request, 'timeout', undefined, 'no answer in time: it waited for a free connection')
    }
    const connection = request.connection
    // a frozen server hears no cancel: the app gives up on the connection instead
    if (connection && this.host.databaseState() === 'hanging') {
      this.answer(
        request,
        'timeout',
        undefined,
        'no answer in time: it waited for the database, which did not answer',
      )
      return this.abandon(request.runtime, connection)
    }
    const pid = pidOf(connection?.client)
    if (!connection || !pid || this.host.databaseState() === 'down') return
    // a cancel that reaches the backend before the statement does (still queued in the client,
    // behind the last one's answer) finds nothing to cancel: it goes again until the statement
    // has ended. The connection's next request waits for each to land before it sends its own.
    while (!request.isDone && connection.request === request && this.host.databaseState() === 'up') {
      const cancelled = this.host.cancel(pid)
      connection.pendingCancel = cancelled
      await cancelled
      if (connection.pendingCancel === cancelled) connection.pendingCancel = undefined
      await new Promise((resolve) => setTimeout(resolve, this.host.wallMs(cancelRetryMs)))
    }
  }

  private answer(
    request: PendingRequest,
    outcome: RequestRecord['outcome'],
    code?: string,
    message?: string,
  ): void {
    if (request.isDone) return
    request.isDone = true
    clearTimeout(request.timer)
    const endedUs = this.host.nowUs()
    const pid = pidOf(request.connection?.client)
    const lockWaitUs =
      pid && request.statementStartUs !== undefined
        ? this.host.waitedDuring(pid, request.statementStartUs, endedUs)
        : 0
    const record: RequestRecord = {
      id: request.id,
      version: request.runtime.version.id,
      endpoint: request.endpoint.name,
      access: accessOf(request.endpoint),
      arrivedUs: request.arrivedUs,
      endedUs,
      outcome,
      ...(code !== undefined && { code }),
      ...(message !== undefined && { message }),
      lockWaitUs,
      step: request.step,
    }
    this.records.push(record)
    request.onDone?.(record)
  }

  private releaseConnection(connection: AppConnection): void {
    connection.isBusy = false
    connection.request = undefined
    for (const runtime of this.versions.values()) {
      if (!runtime.connections.includes(connection)) continue
      if (!runtime.isRunning && !this.isDraining) {
        void this.closeConnection(connection)
        continue
      }
      const next = runtime.waiting.shift()
      if (next) void this.execute(next, connection)
    }
    if (this.isDraining) this.afterAnswer()
  }

  /** Stops new arrivals and waits until every request has its answer (or its timeout). */
  async drain(): Promise<void> {
    this.isDraining = true
    for (const runtime of this.versions.values()) clearTimeout(runtime.arrivalTimer)
    if (this.isIdle()) return
    await new Promise<void>((resolve) => (this.onIdle = resolve))
  }

  private afterAnswer(): void {
    if (this.onIdle && this.isIdle()) {
      this.onIdle()
      this.onIdle = undefined
    }
  }

  private isIdle(): boolean {
    for (const runtime of this.versions.values()) {
      if (runtime.waiting.length > 0 || runtime.connections.some((connection) => connection.isBusy))
        return false
    }
    return true
  }

  private async openConnection(connection: AppConnection): Promise<pg.Client | undefined> {
    if (connection.client) return connection.client
    // behind a partition a connect gets no answer until the network heals, and one the app gave
    // up on never reaches the server. A frozen server's kernel takes them all, and the server
    // would answer every one of them as it goes on, a storm no partition sends: so the connect
    // goes out once the hang has ended, if the app still wants it
    await this.hangEnded
    if (this.host.databaseState() === 'down' || !this.isCurrent(connection)) return undefined
    connection.connecting ??= this.host.connect(connection.label).then(
      (client) => {
        client.once('end', () => {
          if (connection.client === client) {
            connection.client = undefined
            connection.isInTransaction = false
          }
        })
        connection.client = client
        return client
      },
      () => undefined,
    )
    const client = await connection.connecting
    connection.connecting = undefined
    return client
  }

  private async closeConnection(connection: AppConnection): Promise<void> {
    const client = connection.client
    connection.client = undefined
    connection.isInTransaction = false
    if (client) await endQuietly(client)
  }
}
