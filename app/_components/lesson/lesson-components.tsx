import type { MDXComponents } from 'mdx/types'
import { TerminalSnippet } from '@/app/_components/terminal/TerminalSnippet'
import { Answer } from './Answer'
import { CodeBlock } from './CodeBlock'
import { InYourFramework } from './InYourFramework'
import { AfterRun, SpeakerNotes } from './SpeakerNotes'
import { SqlBox } from './SqlBox'

/** The one registry of what lesson MDX can use: authors write plain tags, these render them. */
export const lessonComponents: MDXComponents = {
  AfterRun,
  Answer,
  InYourFramework,
  SpeakerNotes,
  SqlBox,
  TerminalSnippet,
  pre: CodeBlock,
}
