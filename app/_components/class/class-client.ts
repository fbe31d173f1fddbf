import type { z } from 'zod'
import type { PresenterMessage } from '../presenter/presenter-channel'
import {
  classCodeSchema,
  classEventSchema,
  classServiceSchema,
  classSummarySchema,
  openedClassSchema,
  publishAnswerSchema,
  rosterSchema,
  studentIdSchema,
  type ClassEvent,
  type ClassService,
  type ClassSummary,
  type OpenedClass,
  type PublishRequest,
  type RelayedMessage,
  type Roster,
  type StudentReport,
  type StudentWhere,
} from './class-protocol'

/**
 * The browser's side of a class (the protocol is in class-protocol.ts): the presenter's window
 * opens one and publishes to it, a student's page follows it and, if asked to, reports.
 * Every answer from the relay is checked by its schema; a failure is data, not a throw.
 */

/** An answer, or why there is none: `status` is the server's refusal, absent when it was not reached. */
export type ClassResult<T> = { ok: true; value: T } | { ok: false; problem: string; status?: number }

async function ask<T>(schema: z.ZodType<T>, path: string, init?: RequestInit): Promise<ClassResult<T>> {
  let response: Response
  try {
    response = await fetch(path, { cache: 'no-store', ...init })
  } catch {
    return { ok: false, problem: 'the course’s server cannot be reached' }
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const error = (body as { error?: unknown } | undefined)?.error
    return {
      ok: false,
      problem: typeof error === 'string' ? error : `the server answered ${response.status}`,
      status: response.status,
    }
  }
  const parsed = schema.safeParse(body)
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: 'the server’s answer is malformed' }
}

const asJson = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
  body: JSON.stringify(body),
})

/**
 * Whether this server runs classes: `npm start` does; a static host answers 404 (or its own
 * page), which is no class service, not an error.
 */
export async function readClassService(): Promise<ClassService | undefined> {
  const answer = await ask(classServiceSchema, '/class')
  return answer.ok ? answer.value : undefined
}

export function openClass(lesson: string): Promise<ClassResult<OpenedClass>> {
  return ask(openedClassSchema, '/class', asJson({ lesson }))
}

export function readClass(code: string): Promise<ClassResult<ClassSummary>> {
  return ask(classSummarySchema, `/class/${encodeURIComponent(code)}`)
}

export async function closeClass({ code, token }: OpenedClass): Promise<void> {
  await fetch(`/class/${code}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).catch(
    () => undefined,
  )
}

export function readRoster({ code, token }: OpenedClass): Promise<ClassResult<Roster>> {
  return ask(rosterSchema, `/class/${code}/roster`, { headers: { authorization: `Bearer ${token}` } })
}

export async function sendReport(code: string, report: StudentReport): Promise<void> {
  await fetch(`/class/${code}/report`, asJson(report)).catch(() => undefined)
}

const retryAfterMs = 1000

/** Where the presenter's messages stand: going out, or stopped with a reason. */
export type PublisherStatus = { kind: 'sending' } | { kind: 'stopped'; problem: string }

/**
 * Publishes the presenter's messages to its class, in order: one request at a time, and what
 * is sent meanwhile goes together in the next. When the relay says it keeps much, the next
 * request carries a checkpoint, the presenter's whole state now.
 */
export function createClassPublisher({
  opened,
  checkpoint,
  onStatus,
}: {
  opened: OpenedClass
  checkpoint(): PresenterMessage & { kind: 'snapshot' }
  onStatus(status: PublisherStatus): void
}) {
  let queued: RelayedMessage[] = []
  let isSending = false
  let wantsCheckpoint = false
  let isStopped = false
  let isLeaving = false
  let lessonNow = ''

  const flush = async () => {
    if (isSending || isStopped || (queued.length === 0 && !wantsCheckpoint)) return
    isSending = true
    const request: PublishRequest = { messages: queued }
    queued = []
    if (wantsCheckpoint)
      request.checkpoint = envelope(checkpoint(), lessonNow) as PublishRequest['checkpoint']
    const answer = await ask(
      publishAnswerSchema,
      `/class/${opened.code}/publish`,
      asJson(request, opened.token),
    )
    isSending = false
    // stopped meanwhile, or the page is going (a reload aborts what is in flight): not the class ending
    if (isStopped || isLeaving) return
    if (!answer.ok && answer.status === undefined) {
      // not reached (a blip on the network): the same messages go again, in order, soon
      queued = [...request.messages, ...queued]
      wantsCheckpoint ||= request.checkpoint !== undefined
      window.setTimeout(() => void flush(), retryAfterMs)
      return
    }
    if (!answer.ok) {
      // the class is gone (the server restarted) or refuses us: say so, and stop sending
      isStopped = true
      onStatus({ kind: 'stopped', problem: answer.problem })
      return
    }
    wantsCheckpoint = answer.value.wantsCheckpoint
    void flush()
  }

  return {
    send(message: PresenterMessage, lesson: string) {
      if (isStopped || message.kind === 'hello' || message.kind === 'here') return
      lessonNow = lesson
      queued.push(envelope(message, lesson))
      if (message.kind !== 'bye') {
        void flush()
        return
      }
      // a closing window's last words: sent with keepalive, which outlives the page
      const request: PublishRequest = { messages: queued }
      queued = []
      void fetch(`/class/${opened.code}/publish`, {
        ...asJson(request, opened.token),
        keepalive: true,
      }).catch(() => undefined)
    },
    stop() {
      isStopped = true
    },
    /** The page is going: its last words still go, but what its leaving aborts is no failure. */
    leaving() {
      isLeaving = true
    },
  }
}

function envelope(message: PresenterMessage, lesson: string): RelayedMessage {
  return { channel: 'cutover-presenter', version: 1, lesson, ...message } as RelayedMessage
}

/** A student's tab's name for itself: random, kept for the tab's life. */
export function studentId(): string {
  const key = 'cutover-class-student-id'
  const kept = window.sessionStorage.getItem(key)
  if (studentIdSchema.safeParse(kept).success) return kept!
  // randomUUID exists only in secure contexts, and a class is served over plain http
  const made = Array.from(crypto.getRandomValues(new Uint32Array(3)), (part) =>
    part.toString(36).padStart(7, '0'),
  ).join('')
  window.sessionStorage.setItem(key, made)
  return made
}

/**
 * Follows a class's stream. The browser reconnects by itself after a broken connection (the
 * relay asks for one second); a class that is gone answers 404, which ends the stream, and
 * `onEnd` then says why.
 */
export function followClass(
  code: string,
  { where, isStepsOnly = false }: { where: StudentWhere; isStepsOnly?: boolean },
  onEvent: (event: ClassEvent) => void,
  onEnd: (problem: string) => void,
): () => void {
  const query = new URLSearchParams({ student: studentId(), where, ...(isStepsOnly && { only: 'steps' }) })
  const source = new EventSource(`/class/${encodeURIComponent(code)}/events?${query}`)
  source.addEventListener('message', (event: MessageEvent<string>) => {
    let data: unknown
    try {
      data = JSON.parse(event.data)
    } catch {
      return
    }
    const parsed = classEventSchema.safeParse(data)
    if (parsed.success) onEvent(parsed.data)
  })
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) return
    void readClass(code).then((answer) =>
      onEnd(answer.ok ? 'the connection to the class broke: reload to follow again' : answer.problem),
    )
  })
  return () => source.close()
}

/** Where this tab's student stands in a class: its code, and whether they share their progress. */
export interface JoinedClass {
  code: string
  sharesProgress: boolean
}

const joinedKey = 'cutover-class-joined'
const presentedKey = 'cutover-class-presented'

export function readJoinedClass(): JoinedClass | undefined {
  try {
    const kept = JSON.parse(window.sessionStorage.getItem(joinedKey) ?? 'null') as Partial<JoinedClass> | null
    if (typeof kept?.code === 'string' && classCodeSchema.safeParse(kept.code).success)
      return { code: kept.code, sharesProgress: kept.sharesProgress === true }
  } catch {
    // a malformed entry is no class
  }
  return undefined
}

export function keepJoinedClass(joined: JoinedClass | undefined): void {
  if (joined) window.sessionStorage.setItem(joinedKey, JSON.stringify(joined))
  else window.sessionStorage.removeItem(joinedKey)
}

/** The class this presenter's tab opened, kept for the tab's life: a reload keeps leading it. */
export function readPresentedClass(): OpenedClass | undefined {
  try {
    const parsed = openedClassSchema.safeParse(
      JSON.parse(window.sessionStorage.getItem(presentedKey) ?? 'null'),
    )
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export function keepPresentedClass(opened: OpenedClass | undefined): void {
  if (opened) window.sessionStorage.setItem(presentedKey, JSON.stringify(opened))
  else window.sessionStorage.removeItem(presentedKey)
}

/** The address a student opens to join: the first network address the server gave, else this one's. */
export function joinAddress(service: ClassService, code: string): string {
  const origin = service.addresses[0] ?? window.location.origin
  return `${origin}/join?code=${code}`
}
