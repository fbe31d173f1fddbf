/**
 * Where a lesson's prose begins to tell step `index` (0-based) of `stepIds`: its "Step N"
 * heading when the lesson has one, else the text right after the speaker notes of the
 * closest step before it (notes close their step's prose). Undefined for the first step
 * without a heading: its prose is the lesson's start.
 */
export function proseSectionOf(
  prose: ParentNode,
  stepIds: readonly string[],
  index: number,
): Element | undefined {
  const number = new RegExp(`^Step ${index + 1}\\b`)
  const heading = [...prose.querySelectorAll('h2, h3')].find((candidate) =>
    number.test(candidate.textContent?.trim() ?? ''),
  )
  if (heading) return heading
  for (let before = index - 1; before >= 0; before--) {
    const notes = prose.querySelector(`[data-notes-after-step="${CSS.escape(stepIds[before])}"]`)
    if (notes) return notes.nextElementSibling ?? notes.parentElement ?? undefined
  }
  return undefined
}
