import type { Scenario } from './scenario'

/** A node of a lesson's MDX tree, as far as the notes need it. */
export interface MdxNode {
  type: string
  name?: string | null
  value?: unknown
  attributes?: MdxAttribute[]
  children?: MdxNode[]
  position?: { start: { line: number } }
}

interface MdxAttribute {
  type: 'mdxJsxAttribute' | 'mdxJsxExpressionAttribute'
  name?: string
  value?: string | { type: string; value: string } | null
}

/** A `<SpeakerNotes>` element as the lesson's MDX tree holds it: a block of its own, or inline. */
export interface SpeakerNotesNode extends MdxNode {
  type: 'mdxJsxFlowElement' | 'mdxJsxTextElement'
  name: 'SpeakerNotes'
}

/** Something wrong with one `<SpeakerNotes>` or `<AfterRun>`, at its line in the MDX body (from 1). */
export interface SpeakerNotesProblem {
  line?: number
  field: 'SpeakerNotes' | 'SpeakerNotes.step' | 'SpeakerNotes.projector' | 'AfterRun'
  message: string
}

/**
 * How the projector lays out its panels: the traffic and the terminal beside the versions
 * (`overview`, the default), the blocking chain large (`locks`), the invariants beside the
 * versions (`data`), or the terminal large (`terminal`). A step's notes may name the one the
 * projector takes when the presenter arrives at the step: `<SpeakerNotes step="…" projector="locks">`.
 */
export const projectorLayouts = ['overview', 'locks', 'data', 'terminal'] as const
export type ProjectorLayout = (typeof projectorLayouts)[number]

/** The live panels a notes' text can point the class at, by the names the panels carry. */
export type ProjectorPanel = 'traffic' | 'versions' | 'sessions' | 'invariants' | 'terminal'

/** The panels each layout shows (with the step's SQL and verdict, always). */
export const projectorPanels: Record<ProjectorLayout, readonly ProjectorPanel[]> = {
  overview: ['traffic', 'terminal', 'versions'],
  locks: ['sessions', 'terminal'],
  data: ['invariants', 'versions', 'traffic'],
  terminal: ['terminal', 'versions'],
}

// a panel is mentioned by its heading's name, as the class sees it on the projector; the
// terminal also by a command the notes type into it
const panelNames: [ProjectorPanel, RegExp][] = [
  ['traffic', /\bTraffic\b/],
  ['versions', /Versions × endpoints/],
  ['sessions', /Sessions and locks/],
  ['invariants', /\bInvariants\b/],
  ['terminal', /\b[Tt]erminal\b/],
]

/** The panels a note points at: by name in its text, and the terminal by a `<TerminalSnippet>`. */
export function panelsMentioned(node: MdxNode): Set<ProjectorPanel> {
  const found = new Set<ProjectorPanel>()
  const visit = (child: MdxNode) => {
    if (isElementNamed(child, 'TerminalSnippet')) found.add('terminal')
    if (child.type === 'text' && typeof child.value === 'string')
      for (const [panel, name] of panelNames) if (name.test(child.value)) found.add(panel)
    for (const grandchild of child.children ?? []) visit(grandchild)
  }
  visit(node)
  return found
}

/** The layouts a note tells the presenter to switch to by key: "press 2" is `locks`. */
function layoutsPressed(node: MdxNode): ProjectorLayout[] {
  const pressed = new Set<ProjectorLayout>()
  const visit = (child: MdxNode) => {
    if (child.type === 'text' && typeof child.value === 'string')
      for (const match of child.value.matchAll(/\bpress ([1-4])\b/gi))
        pressed.add(projectorLayouts[Number(match[1]) - 1]!)
    for (const grandchild of child.children ?? []) visit(grandchild)
  }
  visit(node)
  return [...pressed]
}

/** The projector layout a step's notes name, by step id: a step not named takes `overview`. */
export function projectorLayoutsByStep(notes: SpeakerNotesNode[]): Record<string, ProjectorLayout> {
  const byStep: Record<string, ProjectorLayout> = {}
  for (const note of notes) {
    const step = attributeValue(note, 'step')
    const layout = attributeValue(note, 'projector')
    if (step && (projectorLayouts as readonly string[]).includes(layout ?? ''))
      byStep[step] = layout as ProjectorLayout
  }
  return byStep
}

function attributeValue(node: MdxNode, name: string): string | undefined {
  const value = node.attributes?.find((attribute) => attribute.name === name)?.value
  return typeof value === 'string' ? value : undefined
}

function isSpeakerNotes(node: MdxNode): node is SpeakerNotesNode {
  return isElementNamed(node, 'SpeakerNotes')
}

function isElementNamed(node: MdxNode, name: string): boolean {
  return (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === name
}

/**
 * Every `<SpeakerNotes>` in the tree, blocks and inline ones, in document order, wherever they
 * stand (in a list, a quote, another element); notes inside notes are part of the outer ones.
 */
export function findSpeakerNotes(tree: MdxNode): SpeakerNotesNode[] {
  const found: SpeakerNotesNode[] = []
  const visit = (node: MdxNode) => {
    if (isSpeakerNotes(node)) found.push(node)
    // children are read, never set: a leaf (text, an MDX expression) given its own
    // `children` breaks the compiler, as remarkRunnableSql notes
    else for (const child of node.children ?? []) visit(child)
  }
  visit(tree)
  return found
}

/**
 * What is wrong with a lesson's notes: a `step` that names none of its scenario's steps (or a
 * step at all, with no scenario), a `step` the build cannot read, any other attribute, a note
 * inline in a paragraph, and an `<AfterRun>` the presenter could not place (see
 * `checkAfterRun`). `scenario` is null when the lesson's scenario has problems of its own,
 * already reported: then the step ids are not checked.
 */
export function checkSpeakerNotes(
  notes: SpeakerNotesNode[],
  scenario: Scenario | undefined | null,
): SpeakerNotesProblem[] {
  const problems: SpeakerNotesProblem[] = []
  const stepIds = scenario?.steps.map((step) => step.id)
  for (const note of notes) {
    const line = note.position?.start.line
    const report = (field: SpeakerNotesProblem['field'], message: string) =>
      problems.push({ ...(line !== undefined && { line }), field, message })
    if (note.type === 'mdxJsxTextElement') {
      // the presenter shows only notes that are blocks: an inline one would be lost without a word
      report(
        'SpeakerNotes',
        'inline in a paragraph: put <SpeakerNotes> on lines of its own, with a blank line before it',
      )
    }
    for (const attribute of note.attributes ?? []) {
      if (attribute.type === 'mdxJsxExpressionAttribute') {
        report('SpeakerNotes', `takes only step="…" and projector="…"; found {${String(attribute.value)}}`)
      } else if (attribute.name === 'projector') {
        if (
          typeof attribute.value !== 'string' ||
          !(projectorLayouts as readonly string[]).includes(attribute.value)
        )
          report(
            'SpeakerNotes.projector',
            `is one of ${projectorLayouts.join(', ')}, written as a string; found ${typeof attribute.value === 'string' ? `"${attribute.value}"` : 'an expression or nothing'}`,
          )
        else if (attribute.value === 'data' && scenario && (scenario.invariants ?? []).length === 0)
          report('SpeakerNotes.projector', '"data" shows the invariants, and this lesson has none')
      } else if (attribute.name !== 'step') {
        report('SpeakerNotes', `takes only step="…" and projector="…"; found ${attribute.name}`)
      } else if (typeof attribute.value !== 'string') {
        // an expression is only known when the page runs, too late for the build to check it
        report(
          'SpeakerNotes.step',
          attribute.value
            ? `write the step as a string, step="add-column", not as an expression {${attribute.value.value}}`
            : 'has no value: write step="add-column", or leave step out for notes on the whole lesson',
        )
      } else if (scenario === undefined) {
        report(
          'SpeakerNotes.step',
          `names step "${attribute.value}", but this lesson has no scenario.yaml and so no steps; leave step out for notes on the whole lesson`,
        )
      } else if (stepIds && !stepIds.includes(attribute.value)) {
        report(
          'SpeakerNotes.step',
          `no step "${attribute.value}" in scenario.yaml; its steps are ${stepIds.join(', ')}`,
        )
      }
    }
    problems.push(...checkAfterRun(note))
    problems.push(...checkPanelsShown(note))
  }
  return problems
}

/**
 * A step's notes point the class at panels the projector shows at that step: the layout the
 * notes name, or `overview`. Notes on the whole lesson are advice for the presenter, not read.
 */
function checkPanelsShown(note: SpeakerNotesNode): SpeakerNotesProblem[] {
  if (!attributeValue(note, 'step')) return []
  const named = attributeValue(note, 'projector')
  const layout = (projectorLayouts as readonly string[]).includes(named ?? '')
    ? (named as ProjectorLayout)
    : 'overview'
  const mentioned = [...panelsMentioned(note)]
  // a note may tell the presenter to change the layout on the way ("press 4 for the terminal")
  const shown = new Set([layout, ...layoutsPressed(note)].flatMap((each) => projectorPanels[each]))
  const missing = mentioned.filter((panel) => !shown.has(panel))
  if (missing.length === 0) return []
  const fits = projectorLayouts.filter((candidate) =>
    mentioned.every((panel) => projectorPanels[candidate].includes(panel)),
  )
  const line = note.position?.start.line
  return [
    {
      ...(line !== undefined && { line }),
      field: 'SpeakerNotes.projector',
      message: `the notes point at ${missing.join(' and ')}, which the projector's ${layout} layout does not show (it shows ${projectorPanels[layout].join(', ')}); ${
        fits.length > 0
          ? `name a layout that shows every panel the notes mention: projector="${fits.join('" or "')}"`
          : 'no layout shows every panel they mention: point at fewer, or split the point across steps'
      }`,
    },
  ]
}

/**
 * An `<AfterRun>` splits a step's notes in two: what to say before the step runs, above it,
 * and what to point at once it has run, inside it. The presenter can place it only as the last
 * block of notes with a `step`, once, without attributes and not empty.
 */
function checkAfterRun(note: SpeakerNotesNode): SpeakerNotesProblem[] {
  const blocks = (note.children ?? []).filter((child) => isElementNamed(child, 'AfterRun'))
  const hasStep = (note.attributes ?? []).some((attribute) => attribute.name === 'step')
  return blocks.flatMap((block, index) => {
    const line = block.position?.start.line ?? note.position?.start.line
    const report = (message: string): SpeakerNotesProblem => ({
      ...(line !== undefined && { line }),
      field: 'AfterRun',
      message,
    })
    const found: SpeakerNotesProblem[] = []
    if (!hasStep)
      found.push(
        report('notes on the whole lesson have no run to come after: put <AfterRun> in notes with step="…"'),
      )
    if (index > 0) found.push(report(`one <AfterRun> a note: this note has ${blocks.length}`))
    else if (note.children?.at(-1) !== block)
      found.push(
        report('must be the last block of its notes: what to say before the run comes first, above it'),
      )
    if ((block.attributes ?? []).length > 0) found.push(report('takes no attributes: <AfterRun>…</AfterRun>'))
    if ((block.children ?? []).length === 0)
      found.push(report('is empty: write what to point at once the step has run, or leave <AfterRun> out'))
    return found
  })
}

/**
 * Every `<AfterRun>` that is not a block of its own directly inside `<SpeakerNotes>`: in the
 * prose, inline in a paragraph, or deeper in a note (in a list). The presenter would show it
 * nowhere, or not as the part after the run.
 */
export function checkStrayAfterRuns(tree: MdxNode): SpeakerNotesProblem[] {
  const problems: SpeakerNotesProblem[] = []
  const visit = (node: MdxNode, isInNotes: boolean) => {
    if (isElementNamed(node, 'AfterRun') && !(isInNotes && node.type === 'mdxJsxFlowElement')) {
      const line = node.position?.start.line
      problems.push({
        ...(line !== undefined && { line }),
        field: 'AfterRun',
        message:
          node.type === 'mdxJsxTextElement'
            ? 'inline in a paragraph: put <AfterRun> on lines of its own, with a blank line before it'
            : 'outside <SpeakerNotes step="…">: it holds what to say once that step has run, so it goes directly inside those notes, as their last block',
      })
    }
    for (const child of node.children ?? []) visit(child, isSpeakerNotes(node))
  }
  visit(tree, false)
  return problems
}
