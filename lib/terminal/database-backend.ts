import type { Database } from '../engine'
import type { ConsoleBackend } from './console-backend'

/**
 * A console straight on a database, with no simulation: psql against a plain Postgres.
 * Its one session is the database's, so a transaction stays open across statements.
 */
export function databaseBackend(database: Database, cancel: () => Promise<void>): ConsoleBackend {
  return {
    async execute(sql) {
      const started = performance.now()
      const result = await database.run(sql)
      return {
        result,
        transaction: await database.transactionState(),
        elapsedMs: performance.now() - started,
      }
    },
    catalog: (sql) => database.run(sql),
    cancel,
  }
}
