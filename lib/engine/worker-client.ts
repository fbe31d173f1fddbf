import { cancelledError } from './pg-error'
import type { MessagePortLike, RpcCall, RpcResponse } from './rpc'
import type {
  Database,
  LockProbeResult,
  ProbeStatement,
  RunResult,
  ScriptResult,
  Snapshot,
  TransactionProbe,
  TransactionState,
} from './types'

/** A started worker: its message port, how to stop it at once, and how it reports a crash. */
export interface WorkerHandle {
  port: MessagePortLike
  terminate(): void
  onCrash(handler: (reason: string) => void): void
}

/** Starts a fresh worker that serves the engine's RPC (a Web Worker, or a Node worker thread). */
export interface SpawnWorker {
  (): WorkerHandle
  /** Stops any worker started ahead of need. */
  dispose?(): void
}

/** What a worker needs to open a database without fetching anything itself. */
export interface WorkerDatabaseOptions {
  spawn: SpawnWorker
  /** The database to start from; also the first restore point. */
  snapshot: Snapshot
  /** The compiled pglite.wasm and pglite.data; a Node worker loads them itself when absent. */
  wasmModule?: WebAssembly.Module
  fsBundle?: Blob
  /**
   * Keep a second worker open on the restore point, so `cancel()` swaps it in at once instead
   * of opening Postgres again (~0.8 s). Costs a second PGlite's memory. Default false.
   */
  standby?: boolean
}

/** A worker opened, or opening, on a restore point, waiting to replace the current one. */
interface Standby {
  worker: WorkerHandle
  snapshot: Snapshot
  /** Whether the standby opened its snapshot. */
  opened: Promise<boolean>
}

interface PendingCall {
  resolve(value: unknown): void
  reject(error: Error): void
  /** The value a cancelled call settles with: SQL calls report 57014 as data. */
  cancelledValue?: () => unknown
}

/** How `cancel()` came back: the warm standby swapped in, or a worker opened the restore point. */
export type CancelRecovery = 'standby' | 'fresh worker'

/**
 * The database as seen from the page: every call crosses to a dedicated worker, so the page
 * never blocks on Postgres. `cancel()` is the only way to stop a runaway statement in PGlite
 * (statement_timeout never fires there): terminate the worker, continue on one opened from
 * the last restore point (the standby, when kept), and settle what was running as cancelled.
 */
export class WorkerDatabase implements Database {
  private worker!: WorkerHandle
  private ready: Promise<void> = Promise.resolve()
  private readonly pending = new Map<number, PendingCall>()
  private nextId = 1
  private restorePoint: Snapshot
  private crashed: string | undefined
  private runningId: number | undefined
  private runningWaiters: (() => void)[] = []
  /** Set while the worker saves a restore point it announced; cancel() waits for it. */
  private restorePointSaved: Promise<void> | undefined
  private markRestorePointSaved: (() => void) | undefined
  private standby: Standby | undefined
  private readonly extensionListeners = new Set<(event: unknown) => void>()
  private readonly replacedListeners = new Set<(message: string) => void>()
  /** The snapshot the worker's database was opened or restored from, while nothing has run on it since. */
  private untouchedFrom: Snapshot | undefined

  private constructor(private readonly options: WorkerDatabaseOptions) {
    this.restorePoint = options.snapshot
  }

  /** Starts a worker and opens the database from the given snapshot. */
  static async start(options: WorkerDatabaseOptions): Promise<WorkerDatabase> {
    const database = new WorkerDatabase(options)
    database.boot()
    await database.ready
    database.prepareStandby()
    return database
  }

  /**
   * Whether the database is exactly `snapshot` (the same object): opened or restored from it,
   * with no call since that could have changed it. Restoring it again would only cost time.
   */
  isAt(snapshot: Snapshot): boolean {
    return this.untouchedFrom === snapshot
  }

  /** Whether a call is running or queued in the worker. */
  get isBusy(): boolean {
    return this.pending.size > 0
  }

  /** Resolves once the worker has begun executing a call (at once if it is executing one now). */
  whenRunning(): Promise<void> {
    if (this.runningId !== undefined) return Promise.resolve()
    return new Promise((resolve) => this.runningWaiters.push(resolve))
  }

  run(sql: string): Promise<RunResult> {
    return this.call({ method: 'run', sql }, cancelledRun)
  }

  query(sql: string, params: readonly unknown[]): Promise<RunResult> {
    return this.call({ method: 'query', sql, params: [...params] }, cancelledRun)
  }

  /**
   * Runs a script. With `keepRestorePoint`, a script that changed the database is followed,
   * in the worker and before anything else runs, by a snapshot that `cancel()` comes back to.
   */
  runScript(script: string, { keepRestorePoint = false } = {}): Promise<ScriptResult> {
    return this.call({ method: 'runScript', script, keepRestorePoint }, () => ({
      ok: false,
      statements: [],
      error: { ...cancelledError(), statementIndex: 0 },
      rolledBack: true,
    }))
  }

  probeLocks(sql: string): Promise<LockProbeResult> {
    return this.call({ method: 'probeLocks', sql }, () => ({ ok: false, error: cancelledError() }))
  }

  probeTransaction(statements: readonly ProbeStatement[]): Promise<TransactionProbe> {
    return this.call(
      {
        method: 'probeTransaction',
        statements: statements.map(({ sql, params }) => ({ sql, params: params && [...params] })),
      },
      () => ({
        ok: false,
        statements: [],
        failedIndex: 0,
        error: cancelledError(),
      }),
    )
  }

  /** Calls an extension served beside the database in the worker (see serveDatabase). */
  callExtension(name: string, payload: unknown): Promise<unknown> {
    return this.call({ method: 'extension', name, payload })
  }

  /** Listens to the events extensions push; returns how to stop listening. */
  onExtensionEvent(listener: (event: unknown) => void): () => void {
    this.extensionListeners.add(listener)
    return () => this.extensionListeners.delete(listener)
  }

  snapshot(): Promise<Snapshot> {
    return this.call({ method: 'snapshot' })
  }

  async restore(snapshot: Snapshot): Promise<void> {
    await this.call({ method: 'restore', snapshot })
    this.setRestorePoint(snapshot)
    // unless a call sent while it restored has run since
    if (this.untouchedFrom === undefined && this.pending.size === 0) this.untouchedFrom = snapshot
  }

  /**
   * Listens for `cancel()`: told, as the worker is ended, the message a statement it cut off
   * reports, so work waiting on an answer that will never come can settle. Returns how to stop.
   */
  onReplaced(listener: (message: string) => void): () => void {
    this.replacedListeners.add(listener)
    return () => this.replacedListeners.delete(listener)
  }

  /** Takes a snapshot and makes it the state `cancel()` comes back to. */
  async saveRestorePoint(): Promise<void> {
    this.setRestorePoint(await this.snapshot())
  }

  transactionState(): Promise<TransactionState> {
    return this.call({ method: 'transactionState' })
  }

  /**
   * Stops whatever runs now, and comes back from the last restore point. A restore point the
   * worker is saving at this moment is awaited first, so a write already reported is not lost.
   * Says how it came back: by promoting the standby, or by opening the restore point afresh.
   * `message` is what a statement it cut off reports (57014's, by default).
   */
  async cancel(message = cancelledError().message): Promise<CancelRecovery> {
    await this.restorePointSaved
    this.worker.terminate()
    this.runningId = undefined
    const cancelled = [...this.pending.values()]
    this.pending.clear()
    for (const call of cancelled) {
      if (call.cancelledValue) call.resolve(call.cancelledValue())
      else call.reject(new Error('cancelled'))
    }
    for (const listener of this.replacedListeners) listener(message)
    const standby = this.standby
    this.standby = undefined
    let recovery: CancelRecovery
    if (standby?.snapshot === this.restorePoint) {
      this.worker = standby.worker
      this.untouchedFrom = standby.snapshot
      this.crashed = undefined
      recovery = 'standby'
      this.ready = standby.opened.then((isOpen) => {
        if (isOpen) return
        recovery = 'fresh worker'
        return this.bootAndWait()
      })
    } else {
      standby?.worker.terminate()
      recovery = 'fresh worker'
      this.boot()
    }
    await this.ready
    this.prepareStandby()
    return recovery
  }

  async close(): Promise<void> {
    await this.call({ method: 'close' }).catch(() => undefined)
    this.worker.terminate()
    this.standby?.worker.terminate()
    this.standby = undefined
    this.options.spawn.dispose?.()
    this.extensionListeners.clear()
    this.replacedListeners.clear()
  }

  private boot(): void {
    this.crashed = undefined
    this.worker = this.spawnAttached()
    const { wasmModule, fsBundle } = this.options
    this.untouchedFrom = this.restorePoint
    this.ready = this.send({ method: 'open', snapshot: this.restorePoint, wasmModule, fsBundle }).then(
      () => undefined,
    )
  }

  private bootAndWait(): Promise<void> {
    this.boot()
    return this.ready
  }

  /**
   * Spawns a worker whose messages reach this client while it is the current worker;
   * `takes` sees each message first and keeps the ones it returns true for.
   */
  private spawnAttached(takes?: (response: RpcResponse) => boolean): WorkerHandle {
    const worker = this.options.spawn()
    // a terminated or standby worker's messages must not settle the current worker's calls
    worker.port.onMessage((message) => {
      if (takes?.(message as RpcResponse)) return
      if (this.worker !== worker) return
      const response = message as RpcResponse
      if ('extensionEvent' in response)
        for (const listener of this.extensionListeners) listener(response.extensionEvent)
      else this.settle(response)
    })
    worker.onCrash((reason) => {
      if (this.worker !== worker) return
      this.crashed = reason
      this.markRestorePointSaved?.()
      this.restorePointSaved = this.markRestorePointSaved = undefined
      for (const call of this.pending.values()) call.reject(new Error(`database worker crashed: ${reason}`))
      this.pending.clear()
    })
    return worker
  }

  private setRestorePoint(snapshot: Snapshot): void {
    this.restorePoint = snapshot
    this.prepareStandby()
  }

  // Opens a standby on the current restore point, replacing one opened on an older one.
  private prepareStandby(): void {
    if (!this.options.standby || this.standby?.snapshot === this.restorePoint) return
    this.standby?.worker.terminate()
    const openId = this.nextId++
    let markOpened!: (isOpen: boolean) => void
    const opened = new Promise<boolean>((resolve) => (markOpened = resolve))
    // the open's answer may come after the standby was promoted: it is taken here either way
    const worker = this.spawnAttached((response) => {
      if (response.id !== openId) return false
      if ('ok' in response) markOpened(response.ok)
      return true
    })
    worker.onCrash(() => markOpened(false))
    const { wasmModule, fsBundle } = this.options
    worker.port.postMessage({ id: openId, method: 'open', snapshot: this.restorePoint, wasmModule, fsBundle })
    this.standby = { worker, snapshot: this.restorePoint, opened }
  }

  private async call<T>(call: RpcCall, cancelledValue?: () => T): Promise<T> {
    // cleared as the call is made, not as it is sent, so a check right after sees it
    if (call.method !== 'transactionState' && call.method !== 'snapshot') this.untouchedFrom = undefined
    await this.ready
    return this.send(call, cancelledValue)
  }

  private send<T>(call: RpcCall, cancelledValue?: () => T): Promise<T> {
    if (this.crashed) return Promise.reject(new Error(`database worker crashed: ${this.crashed}`))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, cancelledValue })
      this.worker.port.postMessage({ ...call, id })
    })
  }

  private settle(response: Exclude<RpcResponse, { extensionEvent: unknown }>): void {
    if ('restorePoint' in response) {
      if (response.restorePoint) this.setRestorePoint(response.restorePoint)
      this.markRestorePointSaved?.()
      this.restorePointSaved = this.markRestorePointSaved = undefined
      return
    }
    const call = this.pending.get(response.id)
    if (!call) return
    if ('started' in response) {
      this.runningId = response.id
      for (const wake of this.runningWaiters.splice(0)) wake()
      return
    }
    this.pending.delete(response.id)
    if (this.runningId === response.id) this.runningId = undefined
    if (response.ok && response.restorePointFollows) {
      this.restorePointSaved = new Promise((resolve) => (this.markRestorePointSaved = resolve))
    }
    if (response.ok) call.resolve(response.value)
    else call.reject(new Error(response.failure))
  }
}

/**
 * Keeps one worker started ahead of need: the first start overlaps the downloads, and a
 * cancel gets a worker whose script is already loaded.
 */
export function withSpareWorker(spawn: () => WorkerHandle): SpawnWorker {
  let spare = spawn()
  const spawnWithSpare: SpawnWorker = () => {
    const worker = spare
    spare = spawn()
    return worker
  }
  spawnWithSpare.dispose = () => spare.terminate()
  return spawnWithSpare
}

function cancelledRun(): RunResult {
  return { ok: false, error: cancelledError(), durationMs: 0 }
}
