import { z } from 'zod'

// The recorded results of the statement conformance suite (lib/real-server/conformance): what
// each statement did on a real PostgreSQL 18 server, and whether the simulator agreed. The
// reference page "What each statement locks" is built from this file and nothing else.

const requestVerdict = z.string().regex(/^(free|waits|fails \w+)$/)

/** One statement as the real server showed it, with the simulator's verdict per workload. */
export const statementLockRecordSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    sql: z.string().min(1),
    /** The catalog row or maintenance family it belongs to. */
    family: z.string().min(1),
    /** What to run instead when it blocks traffic, after the migration catalog. */
    saferWay: z.string().min(1).optional(),
    /** The table locks it took on the server (pg_locks), or the documented first lock. */
    locks: z.array(z.object({ relation: z.string(), kind: z.string(), mode: z.string() }).strict()),
    lockSource: z.enum(['probed', 'known']),
    rewrites: z.array(z.string()),
    scans: z.array(z.string()),
    /** What app requests arriving while it holds its locks met on the server. */
    blocks: z.object({ read: requestVerdict, insert: requestVerdict, update: requestVerdict }).strict(),
    /** Its outcome on the server under lock_timeout, by what stood in front of it: `ok` or a SQLSTATE. */
    outcomeBehind: z.record(z.string(), z.string()),
    /** What its failures left in the schema on the server: INVALID indexes and the like. */
    leaves: z.array(z.string()),
    /** The simulator against the server, by workload. */
    cells: z.record(z.string(), z.enum(['agree', 'disagree', 'not modelled'])),
    /** Why the simulator cannot represent it, when it says so. */
    notModelled: z.string().optional(),
  })
  .strict()

export const statementLocksReferenceSchema = z
  .object({
    /** `PostgreSQL 18.4 …`, as the server said. */
    server: z.string().min(1),
    /** The day the results were recorded, `YYYY-MM-DD`. */
    verifiedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    lockTimeoutMs: z.number().int().positive(),
    workloads: z.array(z.string()).min(1),
    totals: z
      .object({
        cells: z.number().int(),
        agree: z.number().int(),
        disagree: z.number().int(),
        notModelled: z.number().int(),
      })
      .strict(),
    statements: z.array(statementLockRecordSchema).min(1),
  })
  .strict()

export type StatementLockRecord = z.infer<typeof statementLockRecordSchema>
export type StatementLocksReference = z.infer<typeof statementLocksReferenceSchema>

/** Where the recorded reference lives, from the repository's root. */
export const statementLocksReferenceFile = 'content/reference/statement-locks.json'
