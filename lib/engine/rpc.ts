import { z } from 'zod'

/**
 * The messages between a page (or a Node test) and its database worker. Requests are
 * validated with zod where they enter the worker; anything else is answered as a failure,
 * never half-used. Snapshots and the wasm module travel as Blob and WebAssembly.Module,
 * which postMessage shares without copying.
 */
export const rpcRequestSchema = z.discriminatedUnion('method', [
  z.object({
    id: z.number().int(),
    method: z.literal('open'),
    snapshot: z.instanceof(Blob).optional(),
    wasmModule: z.instanceof(WebAssembly.Module).optional(),
    fsBundle: z.instanceof(Blob).optional(),
  }),
  z.object({ id: z.number().int(), method: z.literal('run'), sql: z.string() }),
  z.object({
    id: z.number().int(),
    method: z.literal('query'),
    sql: z.string(),
    params: z.array(z.unknown()),
  }),
  z.object({
    id: z.number().int(),
    method: z.literal('runScript'),
    script: z.string(),
    /** After a script that changed the database, snapshot it before the next request starts. */
    keepRestorePoint: z.boolean().optional(),
  }),
  z.object({ id: z.number().int(), method: z.literal('probeLocks'), sql: z.string() }),
  z.object({
    id: z.number().int(),
    method: z.literal('probeTransaction'),
    statements: z.array(z.object({ sql: z.string(), params: z.array(z.unknown()).optional() })),
  }),
  z.object({ id: z.number().int(), method: z.literal('snapshot') }),
  z.object({ id: z.number().int(), method: z.literal('restore'), snapshot: z.instanceof(Blob) }),
  z.object({ id: z.number().int(), method: z.literal('transactionState') }),
  z.object({ id: z.number().int(), method: z.literal('close') }),
  /** A call to a layer above the engine that runs beside the database in the worker (the simulator). */
  z.object({ id: z.number().int(), method: z.literal('extension'), name: z.string(), payload: z.unknown() }),
])

export type RpcRequest = z.infer<typeof rpcRequestSchema>

/** Distributes Omit over a union, so each request keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** A request before the client numbers it. */
export type RpcCall = WithoutId<RpcRequest>

/**
 * The worker's answers: that it started a request, then its value or why the host itself
 * failed (not a SQL error), and, after a write asked to keep one, the new restore point
 * (`null` if it could not be saved), announced in the value's answer by `restorePointFollows`.
 */
export type RpcResponse =
  | { id: number; ok: true; value: unknown; restorePointFollows?: boolean }
  | { id: number; ok: false; failure: string }
  | { id: number; started: true }
  | { id: number; restorePoint: Blob | null }
  | { id: -1; extensionEvent: unknown }

/** The two ends of a message channel, as both a Web Worker and a Node worker thread offer them. */
export interface MessagePortLike {
  postMessage(message: unknown): void
  onMessage(handler: (message: unknown) => void): void
}
