import { PGlite } from '@electric-sql/pglite'
import { toPgError } from './pg-error'
import { probeLocks, probeTransaction, type ProbeSession } from './lock-probe'
import { splitSql } from './split-sql'
import type {
  Database,
  LockProbeResult,
  PgError,
  PgNotice,
  ProbeStatement,
  RunResult,
  ScriptResult,
  ScriptStatementResult,
  Snapshot,
  StatementOutcome,
  TransactionProbe,
  TransactionState,
} from './types'

const probeInTransactionError: PgError = {
  code: '25001',
  message: 'cannot probe locks inside an open transaction',
}

/** The wasm pieces a browser passes in so PGlite fetches nothing by itself. */
export interface PgliteAssets {
  /** The compiled `pglite.wasm`. */
  wasmModule: WebAssembly.Module
  /** `pglite.data`: the Postgres install (share/, lib/) PGlite mounts at start. */
  fsBundle: Blob
}

/** How to open a database: from a snapshot (fast) or, when there is none, with initdb (2–3 s). */
export interface OpenOptions {
  snapshot?: Snapshot
  assets?: PgliteAssets
  /** Extra initdb arguments, used only when there is no snapshot (PGlite appends them to its own). */
  initdbArgs?: string[]
}

// An empty but valid wasm module. PGlite starts fetching initdb.wasm at create() unless it is
// given a module, yet it only runs initdb when there is no data directory to load; with a
// snapshot this stands in and initdb.wasm is never requested.
const unusedInitdbModule = () => new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))

// Every value comes back as Postgres's own text (psql shows the same), never as a JS number
// or Date that would round a bigint or shift a timestamp. PGlite consults `parsers` per type OID.
const textParsers = new Proxy({}, { get: () => (value: string) => value })

async function createPglite({ snapshot, assets, initdbArgs }: OpenOptions): Promise<PGlite> {
  const pglite = await PGlite.create({
    loadDataDir: snapshot,
    ...(!snapshot && initdbArgs && { initDbStartParams: initdbArgs }),
    ...(assets && {
      pgliteWasmModule: assets.wasmModule,
      fsBundle: assets.fsBundle,
      ...(snapshot && { initdbWasmModule: unusedInitdbModule() }),
    }),
  })
  pglite.parsers = textParsers
  return pglite
}

/** PGlite in this thread: the host for Node (tests, runner, benchmarks) and inside the browser worker. */
export class PgliteDatabase implements Database {
  private constructor(
    private pglite: PGlite,
    private readonly assets: PgliteAssets | undefined,
  ) {}

  /** Opens a database from a snapshot, or a fresh one with initdb when no snapshot is given. */
  static async open(options: OpenOptions = {}): Promise<PgliteDatabase> {
    return new PgliteDatabase(await createPglite(options), options.assets)
  }

  async run(sql: string): Promise<RunResult> {
    const started = performance.now()
    const notices: PgNotice[] = []
    try {
      const results = await this.pglite.exec(sql, { rowMode: 'array', onNotice: collectInto(notices) })
      return withNotices(toOutcome(results.at(-1), started), notices)
    } catch (thrown) {
      return { ok: false, error: toPgError(thrown), durationMs: performance.now() - started }
    }
  }

  async query(sql: string, params: readonly unknown[]): Promise<RunResult> {
    const started = performance.now()
    const notices: PgNotice[] = []
    try {
      const result = await this.pglite.query(sql, [...params], {
        rowMode: 'array',
        onNotice: collectInto(notices),
      })
      return withNotices(toOutcome(result, started), notices)
    } catch (thrown) {
      return { ok: false, error: toPgError(thrown), durationMs: performance.now() - started }
    }
  }

  async runScript(script: string): Promise<ScriptResult> {
    const statements: ScriptStatementResult[] = []
    for (const [index, statement] of splitSql(script).entries()) {
      const result = await this.run(statement.sql)
      statements.push({ sql: statement.sql, start: statement.start, result })
      if (!result.ok) {
        const { position } = result.error
        // like psql -v ON_ERROR_STOP=1: stop here, and the open transaction ends rolled back
        const rolledBack = (await this.transactionState()) !== 'idle'
        if (rolledBack) await this.pglite.exec('rollback')
        return {
          ok: false,
          statements,
          error: {
            ...result.error,
            statementIndex: index,
            // Postgres counts characters (code points), JS strings UTF-16 units
            ...(position !== undefined && {
              position: Array.from(script.slice(0, statement.start)).length + position,
            }),
          },
          rolledBack,
        }
      }
    }
    return { ok: true, statements, rolledBack: false }
  }

  async probeLocks(sql: string): Promise<LockProbeResult> {
    if (this.pglite.isInTransaction()) return { ok: false, error: probeInTransactionError }
    try {
      return await probeLocks(this.probeSession, sql)
    } catch (thrown) {
      return { ok: false, error: toPgError(thrown) }
    }
  }

  async probeTransaction(statements: readonly ProbeStatement[]): Promise<TransactionProbe> {
    if (this.pglite.isInTransaction()) {
      return { ok: false, statements: [], failedIndex: 0, error: probeInTransactionError }
    }
    try {
      return await probeTransaction(this.probeSession, statements)
    } catch (thrown) {
      return { ok: false, statements: [], failedIndex: 0, error: toPgError(thrown) }
    }
  }

  private readonly probeSession: ProbeSession = {
    query: async (text, params = [], onNotice) => {
      const result = await this.pglite.query<string[]>(text, [...params], {
        rowMode: 'array',
        onNotice: onNotice && ((notice) => onNotice(noticeOf(notice))),
      })
      const outcome = toOutcome(result, 0)
      return {
        rows: outcome.rows,
        fields: outcome.fields,
        command: outcome.ok ? outcome.command : 'EMPTY',
        rowCount: outcome.ok ? outcome.rowCount : 0,
      }
    },
  }

  async snapshot(): Promise<Snapshot> {
    // a snapshot of an open transaction would capture half of it; Postgres would not either
    if ((await this.transactionState()) !== 'idle') {
      throw new Error('cannot take a snapshot inside an open transaction')
    }
    await this.pglite.exec('checkpoint')
    return this.pglite.dumpDataDir('none')
  }

  async restore(snapshot: Snapshot): Promise<void> {
    const replacement = await createPglite({ snapshot, assets: this.assets })
    const previous = this.pglite
    this.pglite = replacement
    await previous.close()
  }

  async transactionState(): Promise<TransactionState> {
    if (!this.pglite.isInTransaction()) return 'idle'
    // a failed transaction refuses everything but ROLLBACK with 25P02
    try {
      await this.pglite.query('select 1')
      return 'open'
    } catch {
      return 'failed'
    }
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close()
  }
}

interface PgliteResults {
  rows: unknown[]
  fields: { name: string; dataTypeID: number }[]
  affectedRows?: number
}

function toOutcome(results: PgliteResults | undefined, started: number): { ok: true } & StatementOutcome {
  const rows = (results?.rows ?? []) as (string | null)[][]
  const command = commandOf(results)
  return {
    ok: true,
    command,
    fields: (results?.fields ?? []).map((field) => ({ name: field.name, typeId: field.dataTypeID })),
    rows,
    rowCount: rows.length > 0 || command === 'SELECT' ? rows.length : (results?.affectedRows ?? 0),
    durationMs: performance.now() - started,
  }
}

function noticeOf(notice: { severity?: string; message?: string }): PgNotice {
  return { severity: notice.severity ?? 'NOTICE', message: notice.message ?? '' }
}

function collectInto(notices: PgNotice[]) {
  return (notice: { severity?: string; message?: string }) => notices.push(noticeOf(notice))
}

function withNotices<T extends StatementOutcome>(outcome: T, notices: PgNotice[]): T {
  return notices.length > 0 ? { ...outcome, notices } : outcome
}

function commandOf(results: PgliteResults | undefined): string {
  const command = (results as { command?: unknown } | undefined)?.command
  return typeof command === 'string' && command !== '' ? command : 'EMPTY'
}
