/** Speaker notes are for the instructor's presenter view, so the page a learner reads leaves them out. */
export function SpeakerNotes(): null {
  return null
}
