/**
 * Speaker notes are for the instructor's presenter view, so the page a learner reads leaves
 * their text out. A step's notes close that step's prose: an empty marker stays, so a link to
 * the next step can open the prose where that step begins (see `proseSectionOf`).
 */
export function SpeakerNotes({ step }: { step?: string }) {
  return step ? <span hidden data-notes-after-step={step} /> : null
}
