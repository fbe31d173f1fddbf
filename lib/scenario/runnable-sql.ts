interface MdastNode {
  type: string
  lang?: string | null
  meta?: string | null
  value?: string
  children?: MdastNode[]
  name?: string
  attributes?: { type: 'mdxJsxAttribute'; name: string; value: string }[]
}

/**
 * A remark plugin: a fenced block written ```` ```sql runnable ```` becomes `<SqlBox initial="…" />`,
 * so lesson authors write plain Markdown and the SQL keeps its indentation.
 */
export function remarkRunnableSql() {
  return (tree: MdastNode) => {
    const visit = (node: MdastNode) => {
      // leaves (text, MDX expressions) are left as they are: an own `children: undefined`
      // breaks the compiler on an expression like {'…'}
      if (!node.children) return
      node.children = node.children.map((child) => {
        if (child.type === 'code' && child.lang === 'sql' && /\brunnable\b/.test(child.meta ?? '')) {
          return {
            type: 'mdxJsxFlowElement',
            name: 'SqlBox',
            attributes: [{ type: 'mdxJsxAttribute', name: 'initial', value: child.value ?? '' }],
            children: [],
          }
        }
        visit(child)
        return child
      })
    }
    visit(tree)
  }
}
