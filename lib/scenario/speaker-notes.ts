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

/** Something wrong with one `<SpeakerNotes>`, at its line in the MDX body (from 1). */
export interface SpeakerNotesProblem {
  line?: number
  field: 'SpeakerNotes' | 'SpeakerNotes.step'
  message: string
}

function isSpeakerNotes(node: MdxNode): node is SpeakerNotesNode {
  return (
    (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'SpeakerNotes'
  )
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
 * step at all, with no scenario), a `step` the build cannot read, any other attribute, and a
 * note inline in a paragraph. `scenario` is null when the lesson's scenario has problems of its
 * own, already reported: then the step ids are not checked.
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
        report('SpeakerNotes', `takes only step="…"; found {${String(attribute.value)}}`)
      } else if (attribute.name !== 'step') {
        report('SpeakerNotes', `takes only step="…"; found ${attribute.name}`)
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
  }
  return problems
}
