// `npm run console -- [--lesson SLUG] [-c COMMAND]... [-f FILE]`: the terminal's psql-style
// console in Node, for lesson authors and instructors. `-c` and `-f` run, print and exit as
// they do in psql; without them it reads commands at a prompt. With a lesson, the lesson's
// database runs with its live simulation, as in the browser; without one, a fresh Postgres.
import { readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { WorkerDatabase } from '../lib/engine'
import { openSnapshotBase, buildSnapshot, startWorkerDatabase } from '../lib/engine/node'
import { loadLessons } from '../lib/scenario/node'
import { createSimulationClient, workbenchConsole, type SimulationRequests } from '../lib/workbench'
import {
  ConsoleSession,
  databaseBackend,
  parseHistory,
  historyLimit,
  type ConsoleBackend,
  type ConsoleWrite,
} from '../lib/terminal'

interface Options {
  lesson?: string
  commands: { kind: 'command' | 'file'; value: string }[]
}

function parseArguments(args: string[]): Options {
  const options: Options = { commands: [] }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = args[i + 1]
    if ((arg === '--lesson' || arg === '-c' || arg === '-f') && value === undefined)
      fail(`${arg} needs a value`)
    if (arg === '--lesson') options.lesson = args[++i]
    else if (arg === '-c' || arg === '--command') options.commands.push({ kind: 'command', value: args[++i] })
    else if (arg === '-f' || arg === '--file') options.commands.push({ kind: 'file', value: args[++i] })
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: npm run console -- [--lesson SLUG] [-c COMMAND]... [-f FILE]')
      process.exit(0)
    } else
      fail(`unknown argument ${arg}; usage: npm run console -- [--lesson SLUG] [-c COMMAND]... [-f FILE]`)
  }
  return options
}

function fail(message: string): never {
  process.stderr.write(`console: ${message}\n`)
  process.exit(2)
}

async function openLesson(slug: string): Promise<{ backend: ConsoleBackend; database: WorkerDatabase }> {
  const root = process.cwd()
  const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
  const lesson = lessons.find((candidate) => candidate.slug === slug)
  if (!lesson) {
    const known = lessons.map((candidate) => candidate.slug).join(', ')
    fail(
      `no lesson "${slug}"${problems.length > 0 ? ` (${problems.length} lessons did not load)` : ''}; lessons: ${known}`,
    )
  }
  if (!lesson.scenario) fail(`lesson "${slug}" has no scenario to simulate`)
  const scenario = lesson.scenario
  const built = await buildSnapshot(lesson.setupSql)
  if (!built.ok) fail(`lesson "${slug}" did not build: ${built.error}`)
  const database = await startWorkerDatabase(built.snapshot, {
    workerUrl: new URL('../lib/workbench/node-simulation-worker-loader.mjs', import.meta.url),
  })
  const simulation = createSimulationClient(database)
  let step = 0
  const open = async (resume?: SimulationRequests['open']['resume']) => {
    const opened = await simulation.call({
      action: 'open',
      lesson: slug,
      scenario,
      start: built.snapshot,
      step,
      sql: [],
      speed: 1,
      ...(resume && { resume }),
    })
    step = opened.step
  }
  const console = workbenchConsole(
    {
      ...simulation,
      run: (sql) => database.run(sql),
      async replaceWorker() {
        const view = console.operator.view()
        const running = view.runningStep
        step = running ?? view.nextStep
        await database.cancel()
        // a step stopped this way is cancelled; the console runs only the lesson's own SQL
        await open({
          deployment: view.deployment,
          ...(running !== undefined && { cancelled: { step: running, how: 'solution', by: 'you' } }),
        })
      },
    },
    scenario,
  )
  await open()
  await console.nextReport()
  return { backend: console, database }
}

async function openPlain(): Promise<{ backend: ConsoleBackend; database: WorkerDatabase }> {
  const base = await openSnapshotBase()
  const snapshot = await base.snapshot()
  await base.close()
  const database = await startWorkerDatabase(snapshot)
  return { backend: databaseBackend(database, async () => void (await database.cancel())), database }
}

const write: ConsoleWrite = (text, stream) => (stream === 'out' ? process.stdout : process.stderr).write(text)

async function runScripted(backend: ConsoleBackend, commands: Options['commands']): Promise<number> {
  let failed = false
  const session = new ConsoleSession(backend, (text, stream) => {
    if (stream === 'err') failed = true
    write(text, stream)
  })
  for (const { kind, value } of commands) {
    failed = false
    if (kind === 'command') {
      // psql -c sends the string as it is: no semicolon needed at its end
      for (const line of value.split('\n')) {
        if ((await session.submitLine(line)) === 'quit') return 0
      }
      if (session.hasPendingInput) await session.submitLine('\\g')
      continue
    }
    let text: string
    try {
      text = readFileSync(value, 'utf8')
    } catch {
      process.stderr.write(`psql: error: ${value}: No such file or directory\n`)
      return 1
    }
    const lines = text.split('\n')
    if (lines.at(-1) === '') lines.pop()
    for (const [index, line] of lines.entries()) {
      const at = { file: value, line: index + 1 }
      if ((await session.submitLine(line, at)) === 'quit') return 0
    }
    if (session.hasPendingInput) await session.submitLine('\\g')
  }
  return failed ? 1 : 0
}

async function runInteractive(backend: ConsoleBackend): Promise<void> {
  const historyFile = join(homedir(), '.cutover_console_history')
  let history: string[] = []
  try {
    history = parseHistory(readFileSync(historyFile, 'utf8'))
  } catch {
    // no history yet
  }
  const session = new ConsoleSession(backend, write)
  // readline asks for completions synchronously, so the names are read before each prompt
  await session.refreshNames()
  const reader = createInterface({
    input: process.stdin,
    output: process.stdout,
    history: [...history].reverse(),
    historySize: historyLimit,
    completer: (line: string) => {
      const { from, candidates } = session.completeLine(line)
      return [candidates, line.slice(from)]
    },
  })
  process.stdout.write(
    'cutover console: PostgreSQL 18 (PGlite). Type \\? for meta-commands, help for the simulation, \\q to quit.\n',
  )
  reader.on('SIGINT', () => {
    if (session.isRunning) {
      session.cancel()
      return
    }
    session.interrupt()
    process.stdout.write('^C\n')
    reader.setPrompt(session.prompt)
    reader.prompt()
  })
  reader.setPrompt(session.prompt)
  reader.prompt()
  for await (const line of reader) {
    const outcome = await session.submitLine(line)
    if (outcome === 'quit') break
    // `clear` empties the screen, as Ctrl+L does
    if (outcome === 'clear') process.stdout.write('\x1b[2J\x1b[H')
    await session.refreshNames()
    reader.setPrompt(session.prompt)
    reader.prompt()
  }
  reader.close()
  const kept = (reader as unknown as { history: string[] }).history.slice(0, historyLimit).reverse()
  writeFileSync(historyFile, JSON.stringify(kept))
}

const options = parseArguments(process.argv.slice(2))
const { backend, database } = options.lesson ? await openLesson(options.lesson) : await openPlain()
let status = 0
try {
  if (options.commands.length > 0) status = await runScripted(backend, options.commands)
  else await runInteractive(backend)
} finally {
  await database.close()
}
process.exit(status)
