import { PgliteDatabase } from './pglite-database'
import { rpcRequestSchema, type MessagePortLike, type RpcRequest, type RpcResponse } from './rpc'
import { changesDatabase, type Database, type ScriptResult } from './types'

/** What an extension gets: the open database, a way to push events to the page, and the queue. */
export interface ExtensionContext {
  database: Database
  /** Sends an event to the page, outside any call's answer (live metrics, for one). */
  emit(event: unknown): void
  /** Runs a task in turn with the page's calls, so it never interleaves with one. */
  enqueue(task: () => Promise<void>): void
  /**
   * Snapshots the database now and sends it to the page as the state a cancel comes back to.
   * Called before the event that reports a write, so the page never hears of a write that a
   * Stop right after could lose.
   */
  saveRestorePoint(): Promise<void>
}

/** A handler for the `extension` calls of one name; it validates its own payload. */
export type Extension = (payload: unknown, context: ExtensionContext) => Promise<unknown>

/**
 * Serves one database over a message port: the body of the browser's Web Worker and of the
 * Node worker thread used in tests. Requests run one at a time in arrival order, as they
 * would on one Postgres connection. Layers above the engine add their own calls as
 * `extensions`, so the engine never imports them.
 */
export function serveDatabase(port: MessagePortLike, extensions: Record<string, Extension> = {}): void {
  let database: Database | undefined
  let queue = Promise.resolve()
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch(() => undefined)
  }

  const handle = async (request: RpcRequest): Promise<unknown> => {
    if (request.method === 'open') {
      const { snapshot, wasmModule, fsBundle } = request
      database = await PgliteDatabase.open({
        snapshot,
        assets: wasmModule && fsBundle ? { wasmModule, fsBundle } : undefined,
      })
      return null
    }
    if (!database) throw new Error('the database is not open yet')
    switch (request.method) {
      case 'run':
        return database.run(request.sql)
      case 'query':
        return database.query(request.sql, request.params)
      case 'runScript':
        return database.runScript(request.script)
      case 'probeLocks':
        return database.probeLocks(request.sql)
      case 'probeTransaction':
        return database.probeTransaction(request.statements)
      case 'snapshot':
        return database.snapshot()
      case 'restore':
        return database.restore(request.snapshot).then(() => null)
      case 'transactionState':
        return database.transactionState()
      case 'close':
        return database.close().then(() => null)
      case 'extension': {
        const extension = extensions[request.name]
        if (!extension) throw new Error(`no extension named ${request.name}`)
        const openDatabase = database
        return extension(request.payload, {
          database,
          emit: (event) => port.postMessage({ id: -1, extensionEvent: event } satisfies RpcResponse),
          enqueue,
          saveRestorePoint: async () => {
            const saved = await openDatabase.snapshot().catch(() => null)
            port.postMessage({ id: -1, restorePoint: saved } satisfies RpcResponse)
          },
        })
      }
    }
  }

  // a script that changed the database, outside any open transaction, gets a restore point
  async function restorePointAfter(
    database: Database,
    result: ScriptResult,
  ): Promise<(() => Promise<Blob>) | undefined> {
    if (!result.ok || !result.statements.some(({ result }) => changesDatabase(result))) return undefined
    if ((await database.transactionState()) !== 'idle') return undefined
    return () => database.snapshot()
  }

  port.onMessage((message) => {
    const parsed = rpcRequestSchema.safeParse(message)
    const id = typeof message === 'object' && message !== null && 'id' in message ? Number(message.id) : -1
    queue = queue.then(async () => {
      port.postMessage({ id, started: true } satisfies RpcResponse)
      let response: RpcResponse
      let restorePoint: (() => Promise<Blob>) | undefined
      if (!parsed.success) {
        response = { id, ok: false, failure: `malformed request: ${parsed.error.issues[0]?.message}` }
      } else {
        try {
          const value = await handle(parsed.data)
          if (parsed.data.method === 'runScript' && parsed.data.keepRestorePoint && database) {
            restorePoint = await restorePointAfter(database, value as ScriptResult)
          }
          response = { id, ok: true, value, restorePointFollows: restorePoint !== undefined }
        } catch (thrown) {
          response = { id, ok: false, failure: thrown instanceof Error ? thrown.message : String(thrown) }
        }
      }
      port.postMessage(response)
      // in the same turn of the queue, so no later statement runs before it is saved
      if (restorePoint) {
        const saved = await restorePoint().catch(() => null)
        port.postMessage({ id, restorePoint: saved } satisfies RpcResponse)
      }
    })
  })
}
