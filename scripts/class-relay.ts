// The class relay: what `npm start` adds to the static course so a presenter's window can
// lead students' pages on their own devices (the protocol is in
// app/_components/class/class-protocol.ts). It keeps every class in memory, on the
// instructor's machine: nothing is written to disk and nothing is sent anywhere else.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import {
  classCodeAlphabet,
  classCodeSchema,
  openClassRequestSchema,
  publishRequestSchema,
  studentIdSchema,
  studentReportSchema,
  studentWhereSchema,
  type ClassEvent,
  type ClassService,
  type ClassSummary,
  type OpenedClass,
  type PublishAnswer,
  type RelayedMessage,
  type Roster,
  type RosterGroup,
  type StudentReport,
  type StudentWhere,
} from '../app/_components/class/class-protocol'

/** How much one server, one class and one request may hold: a class of hundreds fits easily. */
export const relayLimits = {
  classes: 100,
  streamsPerClass: 1000,
  publishBytes: 8 * 1024 * 1024,
  smallBodyBytes: 4 * 1024,
  /** What a class keeps since its last snapshot before it asks the presenter for a checkpoint. */
  keptMessages: 400,
  keptBytes: 2 * 1024 * 1024,
  /** A student's page that reads too slowly is dropped; it reconnects to a fresh snapshot. */
  unreadBytesPerStream: 8 * 1024 * 1024,
  /** A report not renewed for this long is a student who left. */
  reportLifetimeMs: 90_000,
  /** A class nobody presents or follows for this long is closed. */
  idleClassMs: 12 * 60 * 60 * 1000,
  heartbeatMs: 20_000,
}

interface Stream {
  response: ServerResponse
  student: string
  where: StudentWhere
  /** The step only (a lesson page trying on its own), not the live panels. */
  isStepsOnly: boolean
}

interface LiveClass {
  code: string
  tokenDigest: Buffer
  lesson: string
  presenter: ClassSummary['presenter']
  lastActiveMs: number
  /** The latest snapshot and every message since, as server-sent events, for a late student. */
  base: string | undefined
  log: string[]
  logBytes: number
  /** The step on screen, as an event, for pages that follow the step only. */
  lastView: string | undefined
  streams: Set<Stream>
  reports: Map<string, { report: StudentReport; sinceMs: number; heardMs: number }>
}

/** A failed request: its status and a sentence for whoever sent it. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

function asEvent(event: ClassEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`
}

function newCode(taken: (code: string) => boolean): string {
  for (;;) {
    const code = Array.from({ length: 5 }, () => classCodeAlphabet[randomInt(classCodeAlphabet.length)]).join(
      '',
    )
    if (!taken(code)) return code
  }
}

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  // JSON only: a cross-origin page cannot send it without a preflight, which this server refuses
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
    throw new Refusal(415, 'send JSON, with content-type application/json')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new Refusal(413, `the body is larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new Refusal(400, 'the body is not JSON')
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
  throw new Refusal(400, `${what} is malformed${where}: ${issue?.message ?? 'unexpected shape'}`)
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body))
}

export interface ClassRelay {
  /** Answers a request under /class and returns true; any other path is left to the caller. */
  handle(request: IncomingMessage, response: ServerResponse): boolean
  /** Classes, students' open pages and what the classes keep, for the benchmark. */
  stats(): { classes: number; streams: number; keptBytes: number }
  close(): void
}

/**
 * The relay. `addresses` says where other machines reach this server (none when it listens on
 * this machine only); the presenter puts the first on the projector.
 */
export function createClassRelay({
  addresses,
  now = () => Date.now(),
}: {
  addresses: () => string[]
  now?: () => number
}): ClassRelay {
  const classes = new Map<string, LiveClass>()

  const summary = (live: LiveClass): ClassSummary => ({
    code: live.code,
    lesson: live.lesson,
    presenter: live.presenter,
  })

  const write = (live: LiveClass, event: string, to: (stream: Stream) => boolean) => {
    for (const stream of live.streams) {
      if (!to(stream)) continue
      if (stream.response.writableLength > relayLimits.unreadBytesPerStream) {
        stream.response.end()
        live.streams.delete(stream)
        continue
      }
      stream.response.write(event)
    }
  }

  const announce = (live: LiveClass) =>
    write(live, asEvent({ kind: 'class', class: summary(live) }), () => true)

  const classAt = (code: string): LiveClass => {
    const live = classes.get(code)
    if (!live) throw new Refusal(404, `no class ${code} on this server: check the code on the projector`)
    return live
  }

  const authorise = (request: IncomingMessage, live: LiveClass) => {
    const token = /^Bearer ([0-9a-f]{64})$/.exec(request.headers.authorization ?? '')?.[1]
    if (!token) throw new Refusal(401, 'only the presenter’s window may do this: it holds the class’s token')
    if (!timingSafeEqual(digest(token), live.tokenDigest))
      throw new Refusal(403, 'this is not the class’s token: only its presenter may do this')
  }

  const keep = (live: LiveClass, message: RelayedMessage, event: string) => {
    if (message.kind === 'snapshot') {
      live.base = event
      live.log = []
      live.logBytes = 0
    } else {
      live.log.push(event)
      live.logBytes += event.length
    }
  }

  const publish = (live: LiveClass, messages: RelayedMessage[], checkpoint: RelayedMessage | undefined) => {
    live.lastActiveMs = now()
    for (const message of messages) {
      const event = asEvent({ kind: 'message', message })
      keep(live, message, event)
      const presenter = message.kind === 'bye' ? 'gone' : 'here'
      if (message.lesson !== live.lesson || presenter !== live.presenter) {
        live.lesson = message.lesson
        live.presenter = presenter
        announce(live)
      }
      write(live, event, (stream) => !stream.isStepsOnly)
      const view =
        message.kind === 'view' || message.kind === 'snapshot'
          ? asEvent({
              kind: 'message',
              message: {
                channel: message.channel,
                version: message.version,
                lesson: message.lesson,
                kind: 'view',
                view: message.view,
              },
            })
          : undefined
      if (view) {
        live.lastView = view
        write(live, view, (stream) => stream.isStepsOnly)
      }
    }
    if (checkpoint) keep(live, checkpoint, asEvent({ kind: 'message', message: checkpoint }))
  }

  const roster = (live: LiveClass): Roster => {
    const nowMs = now()
    const where = new Map<string, StudentWhere>()
    for (const stream of live.streams) {
      // a student with the lesson open and the class followed in another tab is following
      if (where.get(stream.student) !== 'following') where.set(stream.student, stream.where)
    }
    const groups = new Map<string, RosterGroup>()
    for (const [student, entry] of live.reports) {
      if (nowMs - entry.heardMs > relayLimits.reportLifetimeMs) {
        live.reports.delete(student)
        continue
      }
      const { lesson, step, outcome } = entry.report
      const key = `${lesson}/${step}/${outcome}`
      const group = groups.get(key) ?? { lesson, step, outcome, students: 0, longestMs: 0 }
      group.students += 1
      group.longestMs = Math.max(group.longestMs, nowMs - entry.sinceMs)
      groups.set(key, group)
    }
    const values = [...where.values()]
    return {
      following: values.filter((value) => value === 'following').length,
      trying: values.filter((value) => value === 'trying').length,
      groups: [...groups.values()].sort((a, b) => a.step - b.step || a.outcome.localeCompare(b.outcome)),
    }
  }

  const follow = (
    request: IncomingMessage,
    response: ServerResponse,
    live: LiveClass,
    query: URLSearchParams,
  ) => {
    const student = parsed(studentIdSchema, query.get('student'), 'the student')
    const where = parsed(studentWhereSchema, query.get('where') ?? 'following', 'where the student is')
    if (live.streams.size >= relayLimits.streamsPerClass)
      throw new Refusal(503, 'this class is full on this server')
    const stream: Stream = { response, student, where, isStepsOnly: query.get('only') === 'steps' }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    // a page whose connection broke (the server restarted, the laptop slept) asks again soon
    response.write('retry: 1000\n\n')
    response.write(asEvent({ kind: 'class', class: summary(live) }))
    if (stream.isStepsOnly) {
      if (live.lastView) response.write(live.lastView)
    } else {
      if (live.base) response.write(live.base)
      for (const event of live.log) response.write(event)
    }
    live.streams.add(stream)
    request.on('close', () => live.streams.delete(stream))
  }

  const route = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const parts = url.pathname.split('/').filter(Boolean)
    const method = request.method ?? 'GET'
    if (parts.length === 1) {
      if (method === 'GET') {
        const service: ClassService = { classes: true, addresses: addresses() }
        return sendJson(response, 200, service)
      }
      if (method === 'POST') {
        const { lesson } = parsed(
          openClassRequestSchema,
          await readJson(request, relayLimits.smallBodyBytes),
          'the class to open',
        )
        if (classes.size >= relayLimits.classes)
          throw new Refusal(503, 'this server holds as many classes as it may: close one first')
        const token = randomBytes(32).toString('hex')
        const code = newCode((candidate) => classes.has(candidate))
        classes.set(code, {
          code,
          tokenDigest: digest(token),
          lesson,
          presenter: 'here',
          lastActiveMs: now(),
          base: undefined,
          log: [],
          logBytes: 0,
          lastView: undefined,
          streams: new Set(),
          reports: new Map(),
        })
        const opened: OpenedClass = { code, token }
        return sendJson(response, 201, opened)
      }
      throw new Refusal(405, 'GET or POST /class')
    }
    const code = parsed(classCodeSchema, parts[1], 'the class code')
    const live = classAt(code)
    const action = parts.length === 2 ? '' : parts.slice(2).join('/')
    if (action === '' && method === 'GET') return sendJson(response, 200, summary(live))
    if (action === '' && method === 'DELETE') {
      authorise(request, live)
      for (const stream of live.streams) stream.response.end()
      classes.delete(code)
      response.writeHead(204).end()
      return
    }
    if (action === 'events' && method === 'GET') return follow(request, response, live, url.searchParams)
    if (action === 'publish' && method === 'POST') {
      authorise(request, live)
      const { messages, checkpoint } = parsed(
        publishRequestSchema,
        await readJson(request, relayLimits.publishBytes),
        'what the presenter published',
      )
      publish(live, messages, checkpoint)
      const answer: PublishAnswer = {
        wantsCheckpoint: live.log.length > relayLimits.keptMessages || live.logBytes > relayLimits.keptBytes,
      }
      return sendJson(response, 200, answer)
    }
    if (action === 'report' && method === 'POST') {
      const report = parsed(
        studentReportSchema,
        await readJson(request, relayLimits.smallBodyBytes),
        'the student’s report',
      )
      const nowMs = now()
      const before = live.reports.get(report.student)
      const isSame =
        before?.report.lesson === report.lesson &&
        before.report.step === report.step &&
        before.report.outcome === report.outcome
      live.reports.set(report.student, { report, sinceMs: isSame ? before.sinceMs : nowMs, heardMs: nowMs })
      response.writeHead(204).end()
      return
    }
    if (action === 'roster' && method === 'GET') {
      authorise(request, live)
      return sendJson(response, 200, roster(live))
    }
    throw new Refusal(404, `no ${method} ${url.pathname} here`)
  }

  const sweep = setInterval(() => {
    const nowMs = now()
    for (const live of classes.values()) {
      for (const stream of live.streams) stream.response.write(': still here\n\n')
      if (live.streams.size === 0 && nowMs - live.lastActiveMs > relayLimits.idleClassMs)
        classes.delete(live.code)
    }
  }, relayLimits.heartbeatMs)
  sweep.unref()

  return {
    handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (url.pathname !== '/class' && !url.pathname.startsWith('/class/')) return false
      route(request, response, url).catch((error: unknown) => {
        const status = error instanceof Refusal ? error.status : 500
        const message = error instanceof Error ? error.message : String(error)
        if (!response.headersSent) sendJson(response, status, { error: message })
        else response.end()
      })
      return true
    },
    stats() {
      let streams = 0
      let keptBytes = 0
      for (const live of classes.values()) {
        streams += live.streams.size
        keptBytes += (live.base?.length ?? 0) + live.logBytes
      }
      return { classes: classes.size, streams, keptBytes }
    },
    close() {
      clearInterval(sweep)
      for (const live of classes.values()) for (const stream of live.streams) stream.response.end()
      classes.clear()
    },
  }
}
