// The content's Node-only face: reading lessons from disk and compiling their MDX, for the
// build, server components, scripts and tests.
export { loadLessons, describeProblem, lessonMetaSchema } from './lesson'
export { lessonRemarkPlugins, remarkOnlySpeakerNotes } from './mdx-plugins'
