import remarkGfm from 'remark-gfm'
import { remarkRunnableSql } from './runnable-sql'
import { findSpeakerNotes, type MdxNode } from './speaker-notes'

/**
 * How lesson MDX is read, the same at build time and by the content check: GitHub's Markdown
 * (tables, strikethrough, autolinks) and ```sql runnable blocks made into SQL consoles.
 */
export const lessonRemarkPlugins = [remarkGfm, remarkRunnableSql]

/**
 * A remark plugin for the presenter, after `lessonRemarkPlugins`: the lesson keeps only its
 * `<SpeakerNotes>` blocks, wherever they stood, in document order; the prose, and notes inline
 * in a paragraph (which the build refuses), are dropped.
 */
export function remarkOnlySpeakerNotes() {
  return (tree: MdxNode) => {
    tree.children = findSpeakerNotes(tree).filter((note) => note.type === 'mdxJsxFlowElement')
  }
}
