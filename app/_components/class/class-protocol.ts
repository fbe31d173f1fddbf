import { z } from 'zod'
import { presenterMessageSchema } from '../presenter/presenter-channel'

/**
 * A live class: what the presenter's window, the students' pages and the relay that joins them
 * say to each other over HTTP, checked on both ends with these schemas.
 *
 * The relay is our own `npm start` server (scripts/class-relay.ts); the messages are the
 * presenter channel's own, so a student's page draws them as the projector does. Nothing in it
 * is specific to our server: a hosted deployment could publish the same messages to a pub/sub
 * service (docs/architecture.md, "Class mode").
 *
 * - `GET /class` → {@link ClassService}: whether this server runs classes, and its addresses.
 * - `POST /class` {@link openClassRequestSchema} → {@link OpenedClass}: a code and a secret token.
 * - `GET /class/<code>` → {@link ClassSummary}: the lesson it is at (anyone with the code).
 * - `POST /class/<code>/publish` with `Authorization: Bearer <token>`,
 *   {@link publishRequestSchema} → {@link PublishAnswer}: the presenter's messages, in order.
 * - `GET /class/<code>/events?student=<id>&where=following|trying[&only=steps]`: a stream of
 *   server-sent events, each one {@link classEventSchema}.
 * - `POST /class/<code>/report` {@link studentReportSchema}: a student who opted in says where they are.
 * - `GET /class/<code>/roster` with the token → {@link Roster}.
 */

/** Five characters a class is joined with; no 0/O or 1/I, which a room misreads from a projector. */
export const classCodeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
export const classCodeSchema = z.string().regex(/^[A-HJ-NP-Z2-9]{5}$/)
/** The presenter's secret: 32 random bytes in hex, kept in the presenter's tab only. */
export const classTokenSchema = z.string().regex(/^[0-9a-f]{64}$/)
/** A student's tab names itself with a random id, so a reload is the same student. */
export const studentIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/)
/** A lesson's slug: it becomes part of the address a student's page goes to. */
export const lessonSlugSchema = z.string().regex(/^[a-z0-9-]{1,64}$/)

export const classServiceSchema = z.strictObject({
  classes: z.literal(true),
  /** Addresses other machines reach this server at (empty when it listens on this machine only). */
  addresses: z.array(z.string().url()).max(16),
})
export type ClassService = z.infer<typeof classServiceSchema>

export const openClassRequestSchema = z.strictObject({ lesson: lessonSlugSchema })
export const openedClassSchema = z.strictObject({ code: classCodeSchema, token: classTokenSchema })
export type OpenedClass = z.infer<typeof openedClassSchema>

export const classSummarySchema = z.strictObject({
  code: classCodeSchema,
  lesson: lessonSlugSchema,
  presenter: z.enum(['here', 'gone']),
})
export type ClassSummary = z.infer<typeof classSummarySchema>

/**
 * What the presenter's window relays: the messages it sends its audience windows, bar the
 * audience's own (`hello`, `here`, and `bye` from an audience). A student cannot say these.
 */
export const relayedMessageSchema = presenterMessageSchema.refine(
  (message) =>
    message.kind !== 'hello' &&
    message.kind !== 'here' &&
    (message.kind !== 'bye' || message.from === 'presenter') &&
    lessonSlugSchema.safeParse(message.lesson).success,
  { message: 'only the presenter’s own messages, for a lesson by its slug, are relayed' },
)
export type RelayedMessage = z.infer<typeof relayedMessageSchema>

export const publishRequestSchema = z.strictObject({
  /** In the order the presenter sent them; a `snapshot` among them starts the state afresh. */
  messages: z.array(relayedMessageSchema).max(1000),
  /**
   * The presenter's whole state now, for students who join later only: the relay keeps it in
   * place of what it kept so far, and sends it to nobody following already.
   */
  checkpoint: relayedMessageSchema
    .refine((message) => message.kind === 'snapshot', { message: 'a checkpoint is a snapshot' })
    .optional(),
})
export type PublishRequest = z.infer<typeof publishRequestSchema>

export const publishAnswerSchema = z.strictObject({
  /** The relay keeps much since the last snapshot: a checkpoint would let it forget that. */
  wantsCheckpoint: z.boolean(),
})
export type PublishAnswer = z.infer<typeof publishAnswerSchema>

/** One event on a class's stream: the class itself (first, and when it changes), or a message. */
export const classEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('class'), class: classSummarySchema }),
  z.strictObject({ kind: z.literal('message'), message: relayedMessageSchema }),
])
export type ClassEvent = z.infer<typeof classEventSchema>

export const studentWhereSchema = z.enum(['following', 'trying'])
export type StudentWhere = z.infer<typeof studentWhereSchema>

/**
 * What a student who opted in tells the presenter, and nothing else: the step of their latest
 * verdict (or the step at hand before any) and how it went. No name: the roster counts.
 */
export const studentReportSchema = z.strictObject({
  student: studentIdSchema,
  lesson: lessonSlugSchema,
  step: z.number().int().nonnegative().max(999),
  outcome: z.enum(['not run', 'passed', 'failed']),
})
export type StudentReport = z.infer<typeof studentReportSchema>

/** Students who reported the same step and outcome, and how long the longest has been so. */
export const rosterGroupSchema = z.strictObject({
  lesson: lessonSlugSchema,
  step: z.number().int().nonnegative(),
  outcome: studentReportSchema.shape.outcome,
  students: z.number().int().positive(),
  longestMs: z.number().nonnegative(),
})
export type RosterGroup = z.infer<typeof rosterGroupSchema>

export const rosterSchema = z.strictObject({
  /** Students whose page is open on the class now, following it or trying on their own. */
  following: z.number().int().nonnegative(),
  trying: z.number().int().nonnegative(),
  /** Those who opted in, by step and outcome. */
  groups: z.array(rosterGroupSchema),
})
export type Roster = z.infer<typeof rosterSchema>

/** A roster in a sentence for the presenter's bar: "7 joined: 5 following, 2 trying; …". */
export function describeRoster(roster: Roster, stepTitle: (lesson: string, step: number) => string): string {
  const joined = roster.following + roster.trying
  const head =
    joined === 0
      ? 'No student has joined yet'
      : `${joined} joined: ${roster.following} following, ${roster.trying} trying on their own`
  const groups = roster.groups.map((group) => {
    const step = stepTitle(group.lesson, group.step)
    if (group.outcome === 'passed') return `${group.students} passed ${step}`
    const minutes = Math.floor(group.longestMs / 60_000)
    const stuck = minutes >= 1 ? ` for ${minutes} min` : ''
    return group.outcome === 'failed'
      ? `${group.students} stuck on ${step}${stuck}`
      : `${group.students} at ${step}, not run${stuck}`
  })
  return [head, ...groups].join(' · ')
}

/** The code in a form a student may have typed: trimmed and in capitals. */
export function normaliseClassCode(typed: string): string {
  return typed.trim().toUpperCase().replace(/[\s-]/g, '')
}
