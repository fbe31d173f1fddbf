import type pg from 'pg'
import type { RealServer } from './server'

/** One session seen waiting on a lock, from the first sample that showed it to the last. */
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

  async resume(): Promise<void> {
    await this.start()
  }

  async stop(): Promise<void> {
    if (!this.client) return
    await this.pause()
  }

  /**
   * The µs a session spent waiting on a lock between two instants: the whole span when the
   * server showed it waiting then (a statement that waits does little else here), else 0.
   */
  waitedDuring(pid: number | undefined, fromUs: number, untilUs: number): number {
    if (!pid) return 0
    const overlaps = (episode: WaitEpisode) =>
      episode.pid === pid && episode.fromUs <= untilUs && episode.untilUs >= fromUs
    const open = this.open.get(pid)
    const seen = (open !== undefined && overlaps(open)) || this.episodes.some(overlaps)
    return seen ? untilUs - fromUs : 0
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
    let rows: { pid: number; label: string; query: string; waiting: boolean; blockers: number[] }[]
    try {
      const result = await client.query(
        `select pid, application_name as label, query, wait_event_type = 'Lock' as waiting,
                pg_blocking_pids(pid) as blockers
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      )
      rows = result.rows
    } catch {
      return
    }
    const now = this.nowUs()
    const labels = new Map(rows.map((row) => [row.pid, row.label]))
    const seen = new Set<number>()
    for (const row of rows) {
      if (!row.waiting) continue
      seen.add(row.pid)
      const blockedBy = row.blockers.map((pid) => labels.get(pid) ?? `pid ${pid}`)
      const episode = this.open.get(row.pid)
      if (episode && episode.query === row.query) {
        episode.untilUs = now
        for (const label of blockedBy) if (!episode.blockedBy.includes(label)) episode.blockedBy.push(label)
        continue
      }
      if (episode) this.close(episode)
      this.open.set(row.pid, {
        pid: row.pid,
        label: row.label,
        query: row.query,
        blockedBy,
        fromUs: now,
        untilUs: now,
      })
    }
    for (const [pid, episode] of this.open) if (!seen.has(pid)) this.close(episode)
  }

  private close(episode: WaitEpisode): void {
    this.open.delete(episode.pid)
    this.episodes.push(episode)
  }

  private closeOpenEpisodes(): void {
    for (const episode of [...this.open.values()]) this.close(episode)
  }
}
