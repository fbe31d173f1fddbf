import type { ComponentProps } from 'react'

/** A code block in lesson prose: focusable, so a keyboard can scroll a long line into view. */
export function CodeBlock(props: ComponentProps<'pre'>) {
  return <pre {...props} tabIndex={0} />
}
