import remarkGfm from 'remark-gfm'
import { remarkRunnableSql } from './runnable-sql'

/**
 * How lesson MDX is read, the same at build time and by the content check: GitHub's Markdown
 * (tables, strikethrough, autolinks) and ```sql runnable blocks made into SQL consoles.
 */
export const lessonRemarkPlugins = [remarkGfm, remarkRunnableSql]
