import { z } from 'zod'
import { panelIds, type PanelId } from '../workbench/panels'

/** What an embed shows when its query string says nothing. */
export const defaultEmbedPanels: readonly PanelId[] = ['traffic', 'versions', 'terminal']

const panelListSchema = z
  .string()
  .transform((text) => text.split(',').map((name) => name.trim()))
  .pipe(
    z
      .array(z.enum(panelIds, { error: (issue) => `no panel is called "${String(issue.input)}"` }))
      .min(1)
      .refine((names) => new Set(names).size === names.length, 'a panel is named twice'),
  )

/** The embed's options, read from its query string: `?theme=dark&panels=traffic,terminal&traffic=paused&speed=10`. */
export const embedOptionsSchema = z.strictObject({
  theme: z
    .enum(['auto', 'light', 'dark'])
    .default('auto')
    .describe('The colour scheme; auto follows the system.'),
  panels: panelListSchema
    .default([...defaultEmbedPanels])
    .describe('Which panels show, in this order, comma-separated.'),
  traffic: z
    .enum(['playing', 'paused'])
    .default('playing')
    .describe('Whether simulated traffic plays as soon as the step is ready.'),
  speed: z
    .enum(['1', '10'])
    .default('1')
    .describe('How fast virtual time runs: 1 is real time, 10 is ten times faster.'),
  origin: z
    .url({ protocol: /^https?$/ })
    .transform((url) => new URL(url).origin)
    .optional()
    .describe('The host page’s origin: events go only there, and commands are taken only from it.'),
})

export type EmbedOptions = z.infer<typeof embedOptionsSchema>

/** The options, or every problem with the query string: a bad option rejects them all. */
export function parseEmbedOptions(
  search: string,
): { ok: true; options: EmbedOptions } | { ok: false; problems: string[]; options: EmbedOptions } {
  const params = new URLSearchParams(search)
  const raw: Record<string, string> = {}
  const problems: string[] = []
  for (const [key, value] of params) {
    if (key in raw) problems.push(`${key}: given more than once`)
    raw[key] = value
  }
  const parsed = embedOptionsSchema.safeParse(raw)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.')
      problems.push(field ? `${field}: ${issue.message}` : issue.message)
    }
  }
  const defaults = embedOptionsSchema.parse({})
  return parsed.success && problems.length === 0
    ? { ok: true, options: parsed.data }
    : { ok: false, problems, options: defaults }
}

/**
 * About how tall the frame is in a 720 px column, in CSS pixels, with `panels` shown under a
 * step whose editor and naive way take `textLines` lines: the snippet's starting height, so a
 * frame the reader has not scrolled to yet (it loads lazily, then sends its size) is close to
 * its size already. Fitted to frames measured at 720 px on three lessons' steps.
 */
export function embedHeightOf(panels: readonly PanelId[], textLines: number): number {
  const height = panels.reduce(
    (total, panel) => total + embedPanelHeights[panel],
    embedBaseHeight + textLines * embedLineHeight,
  )
  return Math.round(height / 10) * 10
}

// the header, the step's heading, buttons and verdict; a line of SQL; then each panel with its gap
const embedBaseHeight = 560
const embedLineHeight = 28
const embedPanelHeights: Record<PanelId, number> = {
  traffic: 420,
  versions: 200,
  terminal: 450,
  deploy: 320,
  sessions: 300,
  invariants: 100,
  schema: 600,
  requests: 220,
  audit: 110,
}

/** How a step ended, as the host hears it. */
export const stepOutcomes = ['passed', 'broke things', 'not yet', 'cancelled'] as const

const fromFrame = {
  source: z.literal('cutover'),
  version: z.literal(1),
  lesson: z.string(),
  step: z.string(),
}

/**
 * What the embed tells its host page, by `postMessage`. Nothing else leaves the frame: never
 * the learner's SQL, nor what the database answered.
 */
export const embedEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...fromFrame, type: z.literal('ready'), title: z.string() }),
  z.strictObject({
    ...fromFrame,
    type: z.literal('step-run'),
    outcome: z.enum(stepOutcomes),
    how: z.enum(['yours', 'naive', 'solution']),
    claims: z.strictObject({ held: z.number().int(), total: z.number().int() }),
  }),
  z.strictObject({ ...fromFrame, type: z.literal('step-passed') }),
  z.strictObject({ ...fromFrame, type: z.literal('reset') }),
  z.strictObject({ ...fromFrame, type: z.literal('failed') }),
  z.strictObject({
    ...fromFrame,
    type: z.literal('status'),
    state: z.enum(['starting', 'failed', 'not run', 'running', 'passed', 'broke things', 'not yet']),
  }),
  z.strictObject({ ...fromFrame, type: z.literal('resize'), height: z.number().int().nonnegative() }),
])

export type EmbedEvent = z.infer<typeof embedEventSchema>

/**
 * What a host page may ask of the embed: run the step with what is in its editor, stop it
 * while it runs, reset it (stopping it first), or say where it stands. Any other message is
 * ignored.
 */
export const embedCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ source: z.literal('cutover-host'), version: z.literal(1), type: z.literal('run') }),
  z.strictObject({ source: z.literal('cutover-host'), version: z.literal(1), type: z.literal('stop') }),
  z.strictObject({ source: z.literal('cutover-host'), version: z.literal(1), type: z.literal('reset') }),
  z.strictObject({ source: z.literal('cutover-host'), version: z.literal(1), type: z.literal('status') }),
])

export type EmbedCommand = z.infer<typeof embedCommandSchema>

/** A host's message as a command, or undefined: anything malformed is ignored, never half-used. */
export function readEmbedCommand(data: unknown): EmbedCommand | undefined {
  const parsed = embedCommandSchema.safeParse(data)
  return parsed.success ? parsed.data : undefined
}
