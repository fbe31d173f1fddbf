/**
 * Speaker notes are for the instructor's presenter view, so the page a learner reads leaves
 * their text out. A step's notes close that step's prose: an empty marker stays, so a link to
 * the next step can open the prose where that step begins (see `proseSectionOf`).
 */
export function SpeakerNotes({ step }: { step?: string }) {
  return step ? <span hidden data-notes-after-step={step} /> : null
}

/**
 * The part of a step's notes for once the step has run. The learner's page never reaches it
 * (its notes leave their text out); it is registered so the lesson's MDX renders there too.
 */
export function AfterRun() {
  return null
}
