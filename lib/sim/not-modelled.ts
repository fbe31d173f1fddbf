import { normalizeStatement } from '../engine'

// Session settings Postgres acts on that the simulator does not: it would go on as if they were
// never set, so it says so instead (docs: "Client Connection Defaults", "Lock Management").
const unmodelledSettings: Record<string, string> = {
  idle_in_transaction_session_timeout:
    'Postgres ends a session left idle in a transaction longer than idle_in_transaction_session_timeout (FATAL 25P03); the simulator keeps such sessions open.',
  transaction_timeout:
    'Postgres ends a session whose transaction lasts longer than transaction_timeout (FATAL 25P04); the simulator does not.',
  deadlock_timeout:
    'The simulator looks for deadlocks after one second of waiting, whatever deadlock_timeout says.',
  default_transaction_isolation:
    'The simulator takes a transaction’s isolation level from BEGIN … ISOLATION LEVEL or SET TRANSACTION only; every other transaction is READ COMMITTED.',
}

/**
 * Why the simulator cannot represent what this statement does, when it cannot: a setting it
 * ignores, or SET SESSION CHARACTERISTICS. Undefined for everything it models.
 */
export function notModelledReasonOf(sql: string): string | undefined {
  const statement = normalizeStatement(sql)
  if (/^set session characteristics as transaction\b/.test(statement))
    return unmodelledSettings.default_transaction_isolation
  const setting = /^(?:set (?:session |local )?|reset |alter (?:role|database) .* set )([a-z_]+)/.exec(
    statement,
  )?.[1]
  return setting === undefined ? undefined : unmodelledSettings[setting]
}
