import type { Metadata } from 'next'
import { LOCK_MODES, type LockMode } from '@/lib/engine'
import { statementLocksReferenceSchema, type StatementLockRecord } from '@/lib/scenario'
import { formatLockMode } from '@/app/_components/workbench/format'
import recorded from '@/content/reference/statement-locks.json'
import './locks.css'

export const metadata: Metadata = {
  title: 'What each statement locks',
  description:
    'For each migration and maintenance statement: the lock it takes on PostgreSQL 18, what it blocks, what blocks it, what a failure leaves behind, and the safer way.',
}

// validated when the site is built: a malformed file fails the build, naming the field
const reference = statementLocksReferenceSchema.parse(recorded)

const behindLabels: Record<string, string> = {
  'idle reader': 'an idle reader',
  'idle writer': 'an idle writer',
  'idle repeatable read': 'a REPEATABLE READ snapshot',
  'active query': 'a running query',
}

// the strongest lock on each relation it names but indexes, which follow their table
function tableLocks(record: StatementLockRecord): string[] {
  const strongest = new Map<string, string>()
  for (const lock of record.locks) {
    if (lock.kind === 'index') continue
    const known = strongest.get(lock.relation)
    if (!known || LOCK_MODES.indexOf(lock.mode as LockMode) > LOCK_MODES.indexOf(known as LockMode))
      strongest.set(lock.relation, lock.mode)
  }
  return [...strongest].map(([relation, mode]) => `${formatLockMode(mode)} on ${relation}`)
}

function Verdict({ value }: { value: string }) {
  if (value === 'free') return <span className="locks-free">runs</span>
  if (value === 'waits') return <strong className="locks-waits">waits</strong>
  return <span className="locks-fails">{value.replace('fails', 'fails with')}</span>
}

function Outcome({ value }: { value: string | undefined }) {
  if (value === undefined) return <span className="muted">—</span>
  if (value === 'ok') return <span className="locks-free">goes through</span>
  return (
    <span className="locks-fails" title={value === '55P03' ? 'lock_timeout' : undefined}>
      {value === '55P03' ? 'blocked: 55P03' : value}
    </span>
  )
}

/** The generated reference: every statement the conformance suite checked, as the real server showed it. */
export default function StatementLocksPage() {
  const { totals } = reference
  return (
    <article className="locks-reference">
      <h1>What each statement locks</h1>
      <p>
        Each statement below ran on a real <strong>{reference.server.replace(/ on .*$/, '')}</strong> server
        on {reference.verifiedOn}, with app traffic reading, inserting and updating rows by key, first holding
        its locks in an open transaction, then behind each kind of session under{' '}
        <code>lock_timeout = {reference.lockTimeoutMs} ms</code>. The same cells ran through Cutover’s
        simulator: of {totals.cells}, {totals.agree} agree with the server, {totals.disagree} disagree and{' '}
        {totals.notModelled} are ones the simulator says it cannot model. This page is built from those
        recorded results (<code>npm run conformance</code>), so it cannot say more than was checked.
      </p>
      <p className="muted">
        “Waits” means requests queued behind the statement’s lock; “blocked: 55P03” means the statement itself
        gave up at <code>lock_timeout</code> behind that session. Lock modes are Postgres’s own (pg_locks);
        statements that cannot run in a transaction show the lock they take first, from the documentation.
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Statements and their locks">
        <table className="locks-table">
          <thead>
            <tr>
              <th scope="col">Statement</th>
              <th scope="col">Lock</th>
              <th scope="col">Reads</th>
              <th scope="col">Inserts</th>
              <th scope="col">Updates</th>
              {Object.keys(behindLabels).map((workload) => (
                <th scope="col" key={workload}>
                  Behind {behindLabels[workload]}
                </th>
              ))}
              <th scope="col">Rewrites or scans</th>
              <th scope="col">A failure leaves</th>
              <th scope="col">Safer way</th>
              <th scope="col">Simulator</th>
            </tr>
          </thead>
          <tbody>
            {reference.statements.map((record) => {
              const statuses = Object.values(record.cells)
              const simulator = statuses.every((status) => status === 'agree')
                ? '✓ agrees'
                : statuses.includes('disagree')
                  ? '✗ disagrees'
                  : '~ not modelled'
              return (
                <tr key={record.id} id={record.id}>
                  <th scope="row">
                    <a href={`#${record.id}`} className="locks-anchor">
                      <code>{record.sql}</code>
                    </a>
                    <span className="muted locks-family">{record.family}</span>
                  </th>
                  <td>{tableLocks(record).join(', ')}</td>
                  <td>
                    <Verdict value={record.blocks.read} />
                  </td>
                  <td>
                    <Verdict value={record.blocks.insert} />
                  </td>
                  <td>
                    <Verdict value={record.blocks.update} />
                  </td>
                  {Object.keys(behindLabels).map((workload) => (
                    <td key={workload}>
                      <Outcome value={record.outcomeBehind[workload]} />
                    </td>
                  ))}
                  <td>
                    {[
                      ...record.rewrites.map((table) => `rewrites ${table}`),
                      ...record.scans.map((table) => `scans ${table}`),
                    ].join(', ') || <span className="muted">—</span>}
                  </td>
                  <td>
                    {record.leaves.length > 0 ? (
                      record.leaves.map((line) => (
                        <code key={line} className="locks-leftover">
                          {line.replace(/^relation (\S+) i INVALID$/, '$1 (INVALID index)')}
                        </code>
                      ))
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="locks-safer">{record.saferWay ?? <span className="muted">—</span>}</td>
                  <td title={record.notModelled}>
                    {simulator}
                    {record.notModelled && <span className="locks-why">{record.notModelled}</span>}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </article>
  )
}
