import type pg from 'pg'
import type { RealServer } from './server'

/**
 * One session waiting on a lock: from when the server says the wait began (`pg_locks.waitstart`)
 * to between the last sample that showed it and the first that did not.
 */
export interface WaitEpisode {
  pid: number
  /** The session's `application_name`: `v1.0.0 #3`, `migration`, `session users-page`. */
  label: string
  query: string
  /** Who `pg_blocking_pids` named, by label, over the whole episode. */
  blockedBy: string[]
  fromUs: number
  untilUs: number
}

// Often enough to see a wait of a few ms; pg_stat_activity is a cheap view at this size.
const sampleEveryMs = 5

/**
 * Samples `pg_stat_activity` and `pg_blocking_pids` a few hundred times a second: the real
 * server's own account of who waits on a lock, and behind whom.
 */
export class LockWaitMonitor {
  readonly episodes: WaitEpisode[] = []
  private readonly open = new Map<number, WaitEpisode>()
  private client?: pg.Client
  private timer?: ReturnType<typeof setTimeout>
  private isRunning = false
  private sampling?: Promise<void>

  constructor(
    private readonly server: RealServer,
    private readonly database: string,
    private readonly nowUs: () => number,
    /** Virtual µs per wall µs, to place a wait's start the server reports in wall time. */
    private readonly timeScale: number,
  ) {}

  async start(): Promise<void> {
    this.client = this.server.client(this.database)
    this.client.on('error', () => undefined)
    await this.client.connect()
    await this.client.query(`set application_name = 'cutover monitor'`)
    this.isRunning = true
    this.schedule()
  }

  /** Stops sampling before the server goes down; `resume` starts again once it is back. */
  async pause(): Promise<void> {
    this.isRunning = false
    clearTimeout(this.timer)
    await this.sampling
    this.closeOpenEpisodes()
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
  }

  /**
   * Stops sampling at once, before the server freezes: a frozen server would answer no sample,
   * so its connection is dropped without waiting on it. `resume` starts again.
   */
  dropConnection(): void {
    this.isRunning = false
    clearTimeout(this.timer)
    this.closeOpenEpisodes()
    const client = this.client
    this.client = undefined
    client?.connection.stream.destroy()
  }

  async resume(): Promise<void> {
    await this.start()
  }

  async stop(): Promise<void> {
    if (!this.client) return
    await this.pause()
  }

  /**
   * The µs a session spent waiting on a lock between two instants (a statement's start and
   * end): its waits, cut to that span. A wait ends, at the latest, with the statement.
   */
  waitedDuring(pid: number | undefined, fromUs: number, untilUs: number): number {
    if (!pid) return 0
    const open = this.open.get(pid)
    let waitedUs = 0
    for (const episode of [...this.episodes, ...(open ? [open] : [])]) {
      if (episode.pid !== pid) continue
      const end = episode === open ? untilUs : Math.min(episode.untilUs, untilUs)
      waitedUs += Math.max(0, end - Math.max(episode.fromUs, fromUs))
    }
    return Math.min(waitedUs, untilUs - fromUs)
  }

  private schedule(): void {
    if (!this.isRunning) return
    this.timer = setTimeout(() => {
      this.sampling = this.sample().finally(() => this.schedule())
    }, sampleEveryMs)
  }

  private async sample(): Promise<void> {
    const client = this.client
    if (!client || !this.isRunning) return
    let rows: {
      pid: number
      label: string
      query: string
      waiting: boolean
      blockers: number[]
      waited_us: number | null
    }[]
    try {
      // waitstart can be null for a moment after a wait began: the sample's time stands in
      const result = await client.query(
        `select a.pid, a.application_name as label, a.query, a.wait_event_type = 'Lock' as waiting,
                pg_blocking_pids(a.pid) as blockers,
                case when a.wait_event_type = 'Lock' then (
                  select extract(epoch from clock_timestamp() - min(l.waitstart)) * 1000000
                  from pg_locks l where l.pid = a.pid and not l.granted
                ) end::float8 as waited_us
         from pg_stat_activity a where a.datname = current_database() and a.pid <> pg_backend_pid()`,
      )
      rows = result.rows
    } catch {
      return
    }
    // dropped while it waited for the answer: what it saw is no longer news
    if (!this.isRunning) return
    const now = this.nowUs()
    const labels = new Map(rows.map((row) => [row.pid, row.label]))
    const seen = new Set<number>()
    for (const row of rows) {
      if (!row.waiting) continue
      seen.add(row.pid)
      const blockedBy = row.blockers.map((pid) => labels.get(pid) ?? `pid ${pid}`)
      const episode = this.open.get(row.pid)
      const startedUs = row.waited_us === null ? now : Math.round(now - row.waited_us * this.timeScale)
      if (episode && episode.query === row.query && startedUs <= episode.untilUs) {
        episode.untilUs = now
        for (const label of blockedBy) if (!episode.blockedBy.includes(label)) episode.blockedBy.push(label)
        continue
      }
      if (episode) this.close(episode, startedUs)
      this.open.set(row.pid, {
        pid: row.pid,
        label: row.label,
        query: row.query,
        blockedBy,
        fromUs: episode ? Math.max(startedUs, episode.untilUs) : startedUs,
        untilUs: now,
      })
    }
    for (const [pid, episode] of this.open) if (!seen.has(pid)) this.close(episode, now)
  }

  // The wait ended between the last sample that showed it and `endedByUs` (the first that did
  // not, or the start of the next wait): the middle is the best guess, 2.5 ms off at most.
  private close(episode: WaitEpisode, endedByUs: number): void {
    this.open.delete(episode.pid)
    episode.untilUs = Math.round((episode.untilUs + Math.max(episode.untilUs, endedByUs)) / 2)
    this.episodes.push(episode)
  }

  private closeOpenEpisodes(): void {
    const now = this.nowUs()
    for (const episode of [...this.open.values()]) this.close(episode, now)
  }
}
