// `npm run calibrate [-- --record]`: times the statements that rewrite, rebuild or scan on a
// real PostgreSQL 18 server at a few table sizes, fits each operation class's µs per row, and
// prints the fit beside the cost model's figure with the error at each size. --record writes
// content/reference/cost-calibration.json, which lib/sim/cost-model.test.ts holds the cost
// model to. Not part of `npm test`: it takes a couple of minutes and its figures are this
// machine kind's.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { costModel } from '../lib/sim'
import { startRealServer } from '../lib/real-server/node'
import { costCalibrationFile, fitMicrosPerRow, type CostCalibration } from '../lib/scenario'

const sizes = [100_000, 300_000, 1_000_000]
const repeats = 5

/** Each operation: the cost model's figure it calibrates, and how to time it once on table `t`. */
const operations: {
  name: string
  constant: keyof typeof costModel
  sql: string
  inTransaction: boolean
  /** Run before each timing, untimed: VACUUM has work only where rows died. */
  before?: string
}[] = [
  {
    name: 'ALTER COLUMN TYPE (rewrite)',
    constant: 'rewriteMicrosPerRow',
    sql: 'alter table t alter column visits type bigint',
    inTransaction: true,
  },
  {
    name: 'ADD COLUMN DEFAULT random() (rewrite)',
    constant: 'rewriteMicrosPerRow',
    sql: 'alter table t add column r float8 default random()',
    inTransaction: true,
  },
  {
    name: 'VACUUM FULL (rewrite)',
    constant: 'rewriteMicrosPerRow',
    sql: 'vacuum full t',
    inTransaction: false,
  },
  {
    name: 'CLUSTER (rewrite)',
    constant: 'rewriteMicrosPerRow',
    sql: 'cluster t using t_pkey',
    inTransaction: true,
  },
  {
    name: 'SET NOT NULL (scan)',
    constant: 'verifyScanMicrosPerRow',
    sql: 'alter table t alter column email set not null',
    inTransaction: true,
  },
  {
    name: 'VALIDATE CONSTRAINT (scan)',
    constant: 'verifyScanMicrosPerRow',
    sql: 'alter table t validate constraint t_balance_known',
    inTransaction: true,
  },
  {
    name: 'CREATE INDEX (build)',
    constant: 'indexBuildMicrosPerRow',
    sql: 'create index t_balance on t (balance)',
    inTransaction: true,
  },
  {
    name: 'REINDEX INDEX (build)',
    constant: 'indexBuildMicrosPerRow',
    sql: 'reindex index t_email',
    inTransaction: true,
  },
  {
    name: 'VACUUM after 10 % of rows were updated',
    constant: 'vacuumMicrosPerRow',
    sql: 'vacuum t',
    inTransaction: false,
    before: 'update t set visits = visits + 1 where id % 10 = 0',
  },
]

const server = await startRealServer()
const measured: CostCalibration['measurements'] = []
try {
  const client = server.client()
  await client.connect()
  try {
    for (const rows of sizes) {
      await client.query('drop table if exists t')
      await client.query(`create table t (id bigserial primary key, email text, balance int not null default 0,
        nickname varchar(20), visits int not null default 0)`)
      await client.query(
        `insert into t (email, balance) select 'user' || n || '@example.com', n % 1000 from generate_series(1, ${rows}) as n`,
      )
      await client.query('create index t_email on t (email)')
      await client.query('alter table t add constraint t_balance_known check (balance is not null) not valid')
      await client.query('vacuum analyze t')
      for (const operation of operations) {
        const times: number[] = []
        for (let repeat = 0; repeat < repeats; repeat++) {
          if (operation.before) await client.query(operation.before)
          if (operation.inTransaction) await client.query('begin')
          const started = performance.now()
          await client.query(operation.sql)
          times.push(performance.now() - started)
          if (operation.inTransaction) await client.query('rollback')
        }
        const median = times.sort((a, b) => a - b)[Math.floor(repeats / 2)]
        measured.push({
          operation: operation.name,
          constant: operation.constant,
          rows,
          ms: Math.round(median * 10) / 10,
        })
        console.log(
          `${operation.name.padEnd(40)} ${String(rows).padStart(9)} rows  ${median.toFixed(1).padStart(8)} ms`,
        )
      }
    }
  } finally {
    await client.end()
  }
} finally {
  await server.close()
}

const constants = [...new Set(operations.map((operation) => operation.constant))]
const fits = constants.map((constant) =>
  fitMicrosPerRow(
    constant,
    measured.filter((row) => row.constant === constant),
  ),
)
console.log('\nfit (µs per row, least squares through the origin) against the cost model:')
for (const fit of fits) {
  const errors = fit.errorBySize
    .map(({ rows, error }) => `${rows / 1000}k ${(error * 100).toFixed(0)} %`)
    .join(', ')
  console.log(
    `${fit.constant.padEnd(24)} fit ${fit.microsPerRow}  model ${costModel[fit.constant as keyof typeof costModel]}  error of the fit: ${errors}`,
  )
}
const calibration: CostCalibration = {
  server: server.version.split(',')[0],
  measuredOn: new Date().toISOString().slice(0, 10),
  repeats,
  measurements: measured,
  fits,
}
if (process.argv.includes('--record')) {
  const path = join(process.cwd(), costCalibrationFile)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(calibration, null, 2) + '\n')
  console.log(`\nrecorded ${costCalibrationFile}`)
}
