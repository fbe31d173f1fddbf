/**
 * Runs in the page (hand it to `evaluate`): what is cut off under `root`, one line each — an
 * element that reaches past the window's right edge, or past an ancestor that clips it
 * (overflow hidden or clip), with no scrolling box between them to reach it by.
 */
export function findCutOff(root: Element): string[] {
  const width = document.documentElement.clientWidth
  const cutOff: string[] = []
  for (const element of [root, ...root.querySelectorAll('*')]) {
    const box = element.getBoundingClientRect()
    if (box.width === 0 || box.height === 0) continue
    // xterm draws each line in a row that clips it to the terminal's columns, and a line's last
    // glyph may pass its row by a pixel or two of letter-spacing rounding, which hides nothing;
    // whether the columns fit is the box of the rows, checked like any other
    if (element.parentElement?.parentElement?.classList.contains('xterm-rows')) continue
    let limit = width
    for (
      let ancestor = element.parentElement;
      ancestor && ancestor !== document.body;
      ancestor = ancestor.parentElement
    ) {
      const overflow = getComputedStyle(ancestor).overflowX
      if (overflow === 'auto' || overflow === 'scroll') {
        limit = Infinity
        break
      }
      if (overflow === 'hidden' || overflow === 'clip') {
        // a box of 1 px that hides its content on purpose (visually hidden text) cuts nothing a reader sees
        if (ancestor.getBoundingClientRect().width <= 1) limit = Infinity
        else limit = Math.min(limit, ancestor.getBoundingClientRect().right)
        break
      }
    }
    if (box.right > limit + 1) {
      const name = `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`
      cutOff.push(`${name}: right edge at ${Math.round(box.right)} px, room to ${Math.round(limit)} px`)
    }
  }
  return cutOff
}

/** Runs in the page: whether the page itself scrolls sideways. */
export function scrollsSideways(): boolean {
  return document.documentElement.scrollWidth > document.documentElement.clientWidth
}
