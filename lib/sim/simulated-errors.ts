import type { PgError } from '../engine'

/** What `pg_terminate_backend` leaves a session with (SQLSTATE 57P01). */
export function terminatedByAdministrator(): PgError {
  return { code: '57P01', message: 'terminating connection due to administrator command' }
}

/** What a second statement gets while the console's first still runs (SQLSTATE 55000). */
export function busyConsole(): PgError {
  return { code: '55000', message: 'another command is already in progress' }
}

/** What a client gets while the database is stopped (SQLSTATE 08006). */
export function connectionFailure(): PgError {
  return { code: '08006', message: 'connection to server failed: the database is stopped' }
}
