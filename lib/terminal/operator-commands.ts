import type { OperatorControls, OperatorSession, OperatorView } from './console-backend'
import { formatAligned } from './psql-format'

/** The operator commands, their usage and an example each, as `help` lists them. */
export const operatorCommands = [
  {
    name: 'status',
    usage: 'status',
    example: 'status',
    what: 'versions, traffic, database and clock at a glance',
  },
  {
    name: 'deploy',
    usage: 'deploy VERSION[=SHARE] ...',
    example: 'deploy v2.0.0',
    what: 'run these versions with these traffic shares (one version gets 100%)',
  },
  {
    name: 'canary',
    usage: 'canary VERSION PERCENT',
    example: 'canary v2.0.0 10',
    what: 'send PERCENT of traffic to VERSION, the rest to what runs now',
  },
  {
    name: 'rollback',
    usage: 'rollback',
    example: 'rollback',
    what: 'go back to the deployment before this one, made by a step, the panel or a command',
  },
  {
    name: 'db',
    usage: 'db stop | db start | db hang',
    example: 'db stop',
    what: 'stop or start the Postgres server, or make it hang: running, answering nothing (start ends it)',
  },
  {
    name: 'sessions',
    usage: 'sessions',
    example: 'sessions',
    what: 'every session, like pg_stat_activity (idle in transaction too)',
  },
  { name: 'locks', usage: 'locks', example: 'locks', what: 'granted and waiting locks, and who blocks whom' },
  {
    name: 'terminate',
    usage: 'terminate PID',
    example: 'terminate 12',
    what: 'end a session, like pg_terminate_backend(PID)',
  },
  {
    name: 'traffic',
    usage: 'traffic start | stop | RATE',
    example: 'traffic 200',
    what: 'start or stop the traffic, or set its requests a second',
  },
  {
    name: 'speed',
    usage: 'speed pause | 1x | 10x',
    example: 'speed 10x',
    what: 'how fast simulated time runs',
  },
  {
    name: 'step',
    usage: 'step [list] | step next [naive]',
    example: 'step next',
    what: "list the lesson's steps, or run the next one (its solution, or the naive way)",
  },
  {
    name: 'cancel',
    usage: 'cancel',
    example: 'cancel',
    what: 'stop the running step, as Ctrl+C stops a statement (Ctrl+C at an empty prompt does it too)',
  },
  { name: 'help', usage: 'help', example: 'help', what: 'this list' },
] as const

/** The first words that start an operator command rather than SQL. */
export const operatorCommandNames: readonly string[] = operatorCommands.map((command) => command.name)

/** Runs one operator command line; what it prints, or an error line. */
export async function runOperatorCommand(
  line: string,
  operator: OperatorControls | undefined,
): Promise<{ text: string } | { error: string }> {
  const [name, ...args] = line.trim().split(/\s+/)
  if (name === 'help') return { text: helpText(operator !== undefined) }
  if (!operator) {
    return { error: `${name}: no simulation runs here; start the console with --lesson SLUG\n` }
  }
  const view = operator.view()
  switch (name) {
    case 'status':
      return { text: statusText(view) }
    case 'deploy': {
      const shares = parseShares(args, view)
      if ('error' in shares) return shares
      await operator.deploy(shares.shares)
      return { text: `deployed ${describeShares(shares.shares)}\n` }
    }
    case 'canary': {
      const [version, percentText] = args
      const percent = Number(percentText)
      if (!version || !Number.isFinite(percent) || percent < 0 || percent > 100)
        return { error: 'usage: canary VERSION PERCENT   e.g. canary v2.0.0 10\n' }
      const known = checkVersion(version, view)
      if (known) return known
      const unserved = unservedBy(view.deployment, version, percent)
      if (unserved > 0)
        return {
          error: `canary: nothing else runs to take the other ${unserved}% of traffic; deploy a version first, e.g. deploy ${view.versions.find((known) => known.id !== version)?.id ?? version}\n`,
        }
      const shares = canaryShares(view.deployment, version, percent)
      await operator.deploy(shares)
      return { text: `deployed ${describeShares(shares)}\n` }
    }
    case 'cancel': {
      // the simulation knows best: a step run a moment ago may not be in the last report yet
      const words = await operator.cancelStep()
      return words === undefined ? { error: 'cancel: no step is running\n' } : { text: `${words}\n` }
    }
    case 'rollback': {
      // the deployment before this one, whoever made it: a step, the deploy panel or this terminal
      const previous = view.previousDeployment
      if (!previous) return { error: 'rollback: no earlier deployment to go back to\n' }
      await operator.deploy(previous, 'rollback')
      return { text: `rolled back to ${describeShares(previous)}\n` }
    }
    case 'db': {
      const state = args[0]
      if (state !== 'stop' && state !== 'start' && state !== 'hang')
        return { error: 'usage: db stop | db start | db hang\n' }
      if (state === 'hang' && view.databaseState === 'down')
        return { error: 'db hang: the database is stopped; only a running one can hang (db start first)\n' }
      await operator.setDatabase(state)
      return {
        text: {
          stop: 'database stopped\n',
          start: view.databaseState === 'hanging' ? 'database answering again\n' : 'database started\n',
          hang: 'database hanging: it runs, but nothing sent to it gets an answer until db start\n',
        }[state],
      }
    }
    case 'sessions':
      return { text: sessionsText(view.sessions, view.nowMs) }
    case 'locks':
      return { text: locksText(view.sessions) }
    case 'terminate': {
      const owner = Number(args[0])
      if (!Number.isInteger(owner) || owner <= 0) return { error: 'usage: terminate PID   (see sessions)\n' }
      const ended = await operator.terminate(owner)
      // pg_terminate_backend's answer, as psql would print `select pg_terminate_backend(PID)`
      return ended
        ? { text: `terminated session ${owner}\n` }
        : { error: `terminate: no session ${owner} is active or idle in transaction\n` }
    }
    case 'traffic': {
      const [what] = args
      const rate =
        what === 'stop' ? 0 : what === 'start' ? undefined : what !== undefined ? Number(what) : Number.NaN
      if (what === 'start') {
        const resumed = view.requestsPerSecond > 0 ? view.requestsPerSecond : 50
        await operator.setRequestRate(resumed)
        return { text: `traffic at ${resumed} requests/s\n` }
      }
      if (rate === undefined || !Number.isFinite(rate) || rate < 0 || rate > 2000)
        return { error: 'usage: traffic start | stop | RATE   (requests a second, 0 to 2000)\n' }
      await operator.setRequestRate(rate)
      return { text: rate === 0 ? 'traffic stopped\n' : `traffic at ${rate} requests/s\n` }
    }
    case 'speed': {
      const speed = ({ pause: 0, '0': 0, '1x': 1, '1': 1, '10x': 10, '10': 10 } as const)[
        (args[0] ?? '') as 'pause'
      ]
      if (speed === undefined) return { error: 'usage: speed pause | 1x | 10x\n' }
      await operator.setSpeed(speed)
      return { text: speed === 0 ? 'simulated time paused\n' : `simulated time runs at ${speed}×\n` }
    }
    case 'step': {
      if (args[0] === undefined || args[0] === 'list') return { text: stepsText(view) }
      if (args[0] !== 'next') return { error: 'usage: step [list] | step next [naive]\n' }
      if (args[1] !== undefined && args[1] !== 'naive') return { error: 'usage: step next [naive]\n' }
      return { text: `${await operator.runNextStep(args[1] === 'naive' ? 'naive' : 'solution')}\n` }
    }
    default:
      return { error: `${name}: unknown command; try help\n` }
  }
}

function helpText(hasSimulation: boolean): string {
  const width = Math.max(...operatorCommands.map((command) => command.usage.length))
  const lines = [
    'Operator commands (the simulation; SQL and \\? meta-commands go to Postgres):',
    ...operatorCommands.map(
      (command) =>
        `  ${command.usage.padEnd(width)}  ${command.what}\n  ${''.padEnd(width)}  e.g. ${command.example}`,
    ),
    '',
    'Time and concurrency are simulated; every SQL statement runs for real in PostgreSQL 18 (PGlite).',
  ]
  if (!hasSimulation) lines.push('No simulation runs here: start the console with --lesson SLUG to use them.')
  return lines.join('\n') + '\n'
}

function parseShares(
  args: string[],
  view: OperatorView,
): { shares: Record<string, number> } | { error: string } {
  if (args.length === 0) return { error: 'usage: deploy VERSION[=SHARE] ...   e.g. deploy v2.0.0\n' }
  const shares: Record<string, number> = {}
  for (const arg of args) {
    const [version, shareText] = arg.split('=')
    const known = checkVersion(version, view)
    if (known) return known
    const share = shareText === undefined ? (args.length === 1 ? 100 : Number.NaN) : Number(shareText)
    if (!Number.isFinite(share) || share < 0 || share > 100)
      return { error: `deploy: give each version a share from 0 to 100, e.g. ${version}=90\n` }
    shares[version] = share
  }
  return { shares }
}

function checkVersion(version: string | undefined, view: OperatorView): { error: string } | undefined {
  if (version && view.versions.some((known) => known.id === version)) return undefined
  return {
    error: `unknown version "${version ?? ''}"; this lesson has ${view.versions.map((known) => known.id).join(', ')}\n`,
  }
}

/**
 * Gives `version` `percent` of the traffic and scales what runs now into the rest, in whole
 * percents that add up to 100 (the largest share absorbs the rounding). A version that runs
 * keeps running, at 0% if it gets nothing, as the Deploy panel's canary does too.
 */
export function canaryShares(
  deployment: Record<string, number>,
  version: string,
  percent: number,
): Record<string, number> {
  const others = Object.entries(deployment).filter(([id]) => id !== version)
  const otherTotal = others.reduce((sum, [, share]) => sum + share, 0)
  const shares: Record<string, number> = {}
  for (const [id, share] of others) {
    shares[id] = otherTotal === 0 ? 0 : Math.round(((100 - percent) * share) / otherTotal)
  }
  const scaled = Object.keys(shares)
  if (otherTotal > 0 && scaled.length > 0) {
    const largest = scaled.reduce((best, id) => (shares[id] > shares[best] ? id : best))
    shares[largest] += 100 - percent - scaled.reduce((sum, id) => sum + shares[id], 0)
  }
  shares[version] = percent
  return shares
}

/**
 * The % of traffic a canary move would leave with no version to serve it: all but the canary's,
 * when nothing else runs with any traffic. The terminal refuses such a move and the panel warns.
 */
export function unservedBy(deployment: Record<string, number>, version: string, percent: number): number {
  const othersServe = Object.entries(deployment).some(([id, share]) => id !== version && share > 0)
  return othersServe ? 0 : 100 - percent
}

/** A deployment as the terminal says it: `v2.0.0 10%, v1.0.1 90%`. */
function describeShares(shares: Record<string, number>): string {
  const entries = Object.entries(shares)
  return entries.length === 0 ? 'nothing' : entries.map(([id, share]) => `${id} ${share}%`).join(', ')
}

function clock(ms: number): string {
  const seconds = ms / 1000
  const minutes = Math.floor(seconds / 60)
  return `${String(minutes).padStart(2, '0')}:${(seconds - minutes * 60).toFixed(1).padStart(4, '0')}`
}

function statusText(view: OperatorView): string {
  const lines = [
    `simulated time ${clock(view.nowMs)} (${view.speed === 0 ? 'paused' : `${view.speed}×`})`,
    `database       ${{ up: 'running', down: 'stopped', hanging: 'hanging (running, answering nothing)' }[view.databaseState]}`,
    `traffic        ${view.requestsPerSecond === 0 ? 'stopped' : `${view.requestsPerSecond} requests/s`}`,
    `deployed       ${describeShares(view.deployment)}`,
    `next step      ${view.nextStep < view.steps.length ? `${view.nextStep + 1}. ${view.steps[view.nextStep].title}` : 'none: the lesson is done'}${view.runningStep !== undefined ? `  (step ${view.runningStep + 1} is running)` : ''}`,
  ]
  // as the Versions × endpoints grid reads them: a version out of the deployment serves nothing
  for (const endpoint of view.endpoints) {
    if (view.deployment[endpoint.version] === undefined) continue
    const failure = endpoint.lastFailure
    const isFailing = endpoint.last === 'error' || endpoint.last === 'timeout'
    const mark = isFailing
      ? 'FAILING'
      : endpoint.last === 'degraded'
        ? 'fallback (the database is not answering)'
        : 'ok'
    lines.push(
      `  ${endpoint.version} ${endpoint.endpoint}: ${mark}${isFailing && failure ? ` (${failure.code ? `${failure.code} ` : ''}${failure.message})` : ''}`,
    )
  }
  return lines.join('\n') + '\n'
}

function stepsText(view: OperatorView): string {
  return (
    view.steps
      .map((step, index) => {
        // as the page's list of steps: a step that broke things is not done
        const mark =
          index === view.runningStep
            ? 'running'
            : index < view.nextStep
              ? (view.stepOutcomes?.[index] ?? 'done')
              : index === view.nextStep
                ? 'next'
                : ''
        return `${String(index + 1).padStart(2)}. ${step.title}${mark ? `  [${mark}]` : ''}`
      })
      .join('\n') + '\n'
  )
}

/** `sessions`: a pg_stat_activity-like table, with the simulated connections as backends. */
export function sessionsText(sessions: readonly OperatorSession[], nowMs: number): string {
  if (sessions.length === 0) return 'No session holds or waits for a lock, and none is idle in transaction.\n'
  return formatAligned({
    headers: ['pid', 'application_name', 'state', 'wait_event_type', 'since', 'query'],
    rows: sessions.map((session) => [
      String(session.owner),
      session.label,
      session.state === 'waiting' ? 'active' : session.state,
      session.state === 'waiting' ? 'Lock' : '',
      `${((nowMs - session.sinceMs) / 1000).toFixed(1)} s`,
      oneLine(session.sql),
    ]),
    aligns: ['r', 'l', 'l', 'l', 'r', 'l'],
    showRowCount: true,
  })
}

/** `locks`: every relation lock, granted or waiting, and the pids each waiter waits behind. */
export function locksText(sessions: readonly OperatorSession[]): string {
  const rows = sessions.flatMap((session) =>
    session.locks.map((lock) => [
      String(session.owner),
      session.label,
      lock.relation,
      lock.mode,
      lock.granted ? 't' : 'f',
      lock.granted ? '' : `{${session.blockedBy.join(',')}}`,
    ]),
  )
  if (rows.length === 0) return 'No relation locks are held or awaited.\n'
  return formatAligned({
    headers: ['pid', 'application_name', 'relation', 'mode', 'granted', 'blocked_by'],
    rows,
    aligns: ['r', 'l', 'l', 'l', 'l', 'l'],
    showRowCount: true,
  })
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat
}
