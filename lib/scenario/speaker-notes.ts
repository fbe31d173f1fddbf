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
