import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compile } from '@mdx-js/mdx'
import { lessonRemarkPlugins, remarkOnlySpeakerNotes } from './mdx-plugins'
import type { MdxNode } from './speaker-notes'

// the tree as the presenter's page gets it: each block left, by its name, step and words
async function presentedBlocks(body: string) {
  let presented: MdxNode | undefined
  await compile(body, {
    remarkPlugins: [
      ...lessonRemarkPlugins,
      remarkOnlySpeakerNotes,
      () => (tree: MdxNode) => {
        presented = tree
      },
    ],
  })
  const wordsOf = (node: MdxNode): string =>
    typeof node.value === 'string' ? node.value : (node.children ?? []).map(wordsOf).join('')
  return (presented?.children ?? []).map((node) => ({
    name: node.name,
    step: node.attributes?.find((attribute) => attribute.name === 'step')?.value,
    words: wordsOf(node).trim(),
  }))
}

describe('remarkOnlySpeakerNotes', () => {
  it('keeps only the speaker notes, from anywhere in the lesson, in document order', async () => {
    const blocks = await presentedBlocks(
      [
        '# Step 1',
        '<SpeakerNotes>\nThe whole **lesson**.\n</SpeakerNotes>',
        'Prose the learner reads, with <SpeakerNotes>an inline note</SpeakerNotes> in it.',
        '- a list\n\n  <SpeakerNotes step="serve">In a list item.</SpeakerNotes>',
        "```sql runnable\nselect 1;\n```\n\n<TerminalSnippet>{'select 1 <> 2;'}</TerminalSnippet>",
        '> <SpeakerNotes step="expand">\n> In a quote.\n> </SpeakerNotes>',
      ].join('\n\n'),
    )
    assert.deepEqual(blocks, [
      { name: 'SpeakerNotes', step: undefined, words: 'The whole lesson.' },
      { name: 'SpeakerNotes', step: 'serve', words: 'In a list item.' },
      { name: 'SpeakerNotes', step: 'expand', words: 'In a quote.' },
    ])
  })

  it('leaves an empty lesson where there are no notes', async () => {
    assert.deepEqual(await presentedBlocks("# Title\n\n<TerminalSnippet>{'status'}</TerminalSnippet>\n"), [])
  })
})
