/**
 * Where a lesson's prose begins to tell step `index` (0-based) of `stepIds`: its "Step N"
 * heading when the lesson has one, else the paragraph or list item that begins "Step N", else
 * the text right after the speaker notes of the closest step before it (notes close their
 * step's prose) — or, where those notes sit among other steps' notes, the section of the step
 * before. Undefined for the first step without any of these: its prose is the lesson's start.
 */
export function proseSectionOf(
  prose: ParentNode,
  stepIds: readonly string[],
  index: number,
): Element | undefined {
  const number = new RegExp(`^Step ${index + 1}\\b`)
  const begins = (selector: string) =>
    [...prose.querySelectorAll(selector)].find((candidate) =>
      number.test(candidate.textContent?.trim() ?? ''),
    )
  const told = begins('h2, h3') ?? begins('p, li')
  if (told) return told
  for (let before = index - 1; before >= 0; before--) {
    const notes = prose.querySelector(`[data-notes-after-step="${CSS.escape(stepIds[before])}"]`)
    if (!notes) continue
    const next = notes.nextElementSibling
    if (next && !next.matches('[data-notes-after-step]')) return next
    return proseSectionOf(prose, stepIds, before)
  }
  return undefined
}
