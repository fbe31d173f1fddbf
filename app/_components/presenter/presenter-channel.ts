import { z } from 'zod'
import { projectorLayouts, type ProjectorLayout } from '@/lib/scenario'
import type { TerminalOutput } from '../terminal/terminal-look'
import type { LiveAction, LiveState } from '../workbench/use-workbench'

/**
 * The step on the projector and the SQL in the presenter's editor for it; once the step has
 * run, what it ran (the editor's SQL, the naive way's or the solution's), which the projector
 * shows instead: the screen never pairs one SQL with another's outcome.
 */
export interface PresenterView {
  current: number
  sql: string
  ran?: { how: 'yours' | 'naive' | 'solution'; text: string }
}

/**
 * What the presenter's window tells the audience windows, and what they say back: `hello` asks
 * for a snapshot, `here` answers one (a presenter that reloaded learns who is watching), and
 * `bye` says a window closed. Audience windows name themselves with a random id.
 */
export type PresenterMessage =
  | { kind: 'hello'; id: string }
  | { kind: 'here'; id: string }
  | {
      kind: 'snapshot'
      state: LiveState
      view: PresenterView
      terminal: string
      size?: TerminalSize
      screen?: ProjectorScreen
      look?: ProjectorLook
      joining?: ClassJoining | null
    }
  | { kind: 'action'; action: LiveAction }
  | { kind: 'view'; view: PresenterView }
  | { kind: 'terminal'; output: TerminalOutput }
  | { kind: 'bye'; from: 'presenter' | 'audience'; id: string }
  | { kind: 'screen'; screen: ProjectorScreen }
  | { kind: 'look'; look: ProjectorLook }
  | { kind: 'joining'; joining: ClassJoining | null }

/** A live class the presenter opened, as the projector shows it: its code and where to join. */
export interface ClassJoining {
  code: string
  url: string
}

/** What the projector shows: the lesson live, a black screen, or the panels held as they were. */
export type ProjectorScreen = 'live' | 'black' | 'frozen'

/**
 * How the projector lays out its panels, which the presenter picks for the moment: the traffic
 * and the terminal beside the versions (`overview`), the blocking chain large (`locks`), the
 * invariants beside the versions (`data`), or the terminal large (`terminal`); and the type's
 * size, as a factor of the size that fits a 1280 px wide projector.
 */
export interface ProjectorLook {
  layout: ProjectorLayout
  typeScale: number
}

// the layouts are the lesson's too: a step's notes name the one the projector takes there
export { projectorLayouts, type ProjectorLayout } from '@/lib/scenario'

/** The smallest and largest type the presenter can set, and a step between. */
export const typeScaleLimits = { min: 0.8, max: 1.6, step: 0.1 }

/** The presenter's terminal in characters: the mirror takes the same, so redrawn lines land right. */
export interface TerminalSize {
  cols: number
  rows: number
}

const viewSchema = z.strictObject({
  current: z.number().int().nonnegative(),
  sql: z.string(),
  ran: z.strictObject({ how: z.enum(['yours', 'naive', 'solution']), text: z.string() }).optional(),
})

// The live state and its actions come from our own presenter window (BroadcastChannel is
// same-origin), folded by the same reducer. Their shape is checked at the top and in the fields
// that key the panels (versions, steps, times); the rest of each item is taken as it came.
const liveStateSchema = z.looseObject({
  phase: z.enum(['waiting', 'opening', 'live', 'failed']),
  nowMs: z.number(),
  speed: z.union([z.literal(0), z.literal(1), z.literal(10)]),
  metrics: z.array(z.looseObject({ second: z.number(), version: z.string() })),
  markers: z.array(z.looseObject({ index: z.number(), atMs: z.number() })),
  audit: z.array(z.looseObject({ atMs: z.number(), what: z.string() })),
  requests: z.array(z.looseObject({ id: z.number() })),
  endpoints: z.array(z.looseObject({ version: z.string(), endpoint: z.string() })),
  sessions: z.array(z.looseObject({ owner: z.union([z.string(), z.number()]) })),
  moreSessions: z.number(),
  invariants: z.array(z.looseObject({ atMs: z.number(), name: z.string() })),
  deployment: z.record(z.string(), z.number()),
  nextStep: z.number().int(),
  runningStep: z.number().int().optional(),
  verdicts: z.record(z.string(), z.looseObject({ step: z.number(), passed: z.boolean() })),
})

const liveActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('replace'), state: liveStateSchema }),
  z.strictObject({
    type: z.literal('opening'),
    resuming: z.boolean().optional(),
    atBuiltStart: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('opened'),
    opened: z.looseObject({ step: z.number().int(), nowMs: z.number() }),
    speed: z.union([z.literal(0), z.literal(1), z.literal(10)]),
    resumed: z.boolean(),
    undoneReset: z.strictObject({ verdicts: liveStateSchema.shape.verdicts }).optional(),
  }),
  z.strictObject({ type: z.literal('failed'), problem: z.string() }),
  z.strictObject({ type: z.literal('problem'), problem: z.string().optional() }),
  z.strictObject({
    type: z.literal('batch'),
    batch: z.looseObject({ type: z.literal('workbench'), nowMs: z.number(), metrics: z.array(z.unknown()) }),
  }),
  z.strictObject({
    type: z.literal('verdict'),
    verdict: z.looseObject({ type: z.literal('verdict'), step: z.number().int(), passed: z.boolean() }),
  }),
  z.strictObject({ type: z.literal('running'), step: z.number().int() }),
  z.strictObject({ type: z.literal('schema'), schema: z.looseObject({ tables: z.array(z.unknown()) }) }),
  z.strictObject({ type: z.literal('speed'), speed: z.union([z.literal(0), z.literal(1), z.literal(10)]) }),
])

// Every field a live action may carry is one the schema knows: a field added to LiveAction and
// not here fails to compile, rather than every audience and student silently dropping it.
type SchemaAction = z.infer<typeof liveActionSchema>
type FieldsTheSchemaMisses = {
  [T in LiveAction['type']]: Exclude<
    keyof Extract<LiveAction, { type: T }>,
    keyof Extract<SchemaAction, { type: T }>
  >
}[LiveAction['type']]
export const everyLiveActionFieldIsKnown: [FieldsTheSchemaMisses] extends [never]
  ? true
  : FieldsTheSchemaMisses = true

const screenSchema = z.enum(['live', 'black', 'frozen'])
const lookSchema = z.strictObject({
  layout: z.enum(projectorLayouts),
  typeScale: z.number().min(typeScaleLimits.min).max(typeScaleLimits.max),
})

const joiningSchema = z.strictObject({
  code: z.string().regex(/^[A-HJ-NP-Z2-9]{5}$/),
  url: z.url({ protocol: /^https?$/ }).max(200),
})

const envelope = { channel: z.literal('cutover-presenter'), version: z.literal(1), lesson: z.string() }

/** A message on the presenter's channel, as it must be; anything else is dropped. */
export const presenterMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...envelope, kind: z.literal('hello'), id: z.string().max(64) }),
  z.strictObject({ ...envelope, kind: z.literal('here'), id: z.string().max(64) }),
  z.strictObject({
    ...envelope,
    kind: z.literal('snapshot'),
    state: liveStateSchema,
    view: viewSchema,
    terminal: z.string(),
    size: z.strictObject({ cols: z.number().int().positive(), rows: z.number().int().positive() }).optional(),
    screen: screenSchema.optional(),
    look: lookSchema.optional(),
    joining: joiningSchema.nullable().optional(),
  }),
  z.strictObject({ ...envelope, kind: z.literal('screen'), screen: screenSchema }),
  z.strictObject({ ...envelope, kind: z.literal('look'), look: lookSchema }),
  z.strictObject({ ...envelope, kind: z.literal('joining'), joining: joiningSchema.nullable() }),
  z.strictObject({ ...envelope, kind: z.literal('action'), action: liveActionSchema }),
  z.strictObject({ ...envelope, kind: z.literal('view'), view: viewSchema }),
  z.strictObject({
    ...envelope,
    kind: z.literal('terminal'),
    output: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('write'), text: z.string() }),
      z.strictObject({ kind: z.literal('clear') }),
      z.strictObject({
        kind: z.literal('size'),
        cols: z.number().int().positive(),
        rows: z.number().int().positive(),
      }),
    ]),
  }),
  z.strictObject({
    ...envelope,
    kind: z.literal('bye'),
    from: z.enum(['presenter', 'audience']),
    id: z.string().max(64),
  }),
])

/** The channel a lesson's presenter and audience windows share, within one browser. */
export function openPresenterChannel(lesson: string) {
  const channel = new BroadcastChannel(`cutover-presenter:${lesson}`)
  return {
    send(message: PresenterMessage) {
      channel.postMessage({ channel: 'cutover-presenter', version: 1, lesson, ...message })
    },
    /** Hears well-formed messages for this lesson only. */
    listen(listener: (message: PresenterMessage) => void): () => void {
      const onMessage = (event: MessageEvent) => {
        const parsed = readPresenterMessage(event.data, lesson)
        if (parsed) listener(parsed)
      }
      channel.addEventListener('message', onMessage)
      return () => channel.removeEventListener('message', onMessage)
    },
    close() {
      channel.close()
    },
  }
}

/**
 * The course's own channel, across lessons: a presenter window says which lesson it presents,
 * and an audience window showing another lesson follows it there.
 */
export function openCourseChannel() {
  const channel = new BroadcastChannel('cutover-presenter')
  return {
    announce(lesson: string) {
      channel.postMessage({ channel: 'cutover-presenter', version: 1, kind: 'presenting', lesson })
    },
    /** Hears which lesson a presenter window now presents. */
    listen(listener: (lesson: string) => void): () => void {
      const onMessage = (event: MessageEvent) => {
        const lesson = readPresentedLesson(event.data)
        if (lesson) listener(lesson)
      }
      channel.addEventListener('message', onMessage)
      return () => channel.removeEventListener('message', onMessage)
    },
    close() {
      channel.close()
    },
  }
}

const presentingSchema = z.strictObject({
  channel: z.literal('cutover-presenter'),
  version: z.literal(1),
  kind: z.literal('presenting'),
  // a lesson's slug: it becomes part of the address the audience window goes to
  lesson: z.string().regex(/^[a-z0-9-]{1,64}$/),
})

/** The lesson a course channel message says a presenter now presents, or undefined for anything else. */
export function readPresentedLesson(data: unknown): string | undefined {
  const parsed = presentingSchema.safeParse(data)
  return parsed.success ? parsed.data.lesson : undefined
}

/** A channel message for this lesson, or undefined for anything malformed or for another lesson. */
export function readPresenterMessage(data: unknown, lesson: string): PresenterMessage | undefined {
  const parsed = presenterMessageSchema.safeParse(data)
  if (!parsed.success || parsed.data.lesson !== lesson) return undefined
  const message: Record<string, unknown> = { ...parsed.data }
  for (const key of ['channel', 'version', 'lesson']) delete message[key]
  return message as PresenterMessage
}

/** How much terminal output a late audience window is sent: the screen and a long scrollback. */
export const keptTerminalChars = 200_000

/** The terminal's output so far, as a late audience window replays it. */
export function foldTerminalOutput(kept: string, output: TerminalOutput): string {
  if (output.kind === 'size') return kept
  if (output.kind === 'clear') return ''
  const next = kept + output.text
  if (next.length <= keptTerminalChars) return next
  // cut at a line's start, so no escape sequence is cut in half
  const cut = next.indexOf('\n', next.length - keptTerminalChars)
  return cut === -1 ? '' : next.slice(cut + 1)
}
