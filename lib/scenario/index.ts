// The course's content: lessons and their scenarios, read, validated and checked. The loader
// needs Node; code bundled for the browser (the page, the worker) imports the module it needs.
export {
  loadLessons,
  describeProblem,
  lessonMetaSchema,
  type Lesson,
  type LessonMeta,
  type LessonProblem,
} from './lesson'
export { scenarioSchema, pathsOf, type Scenario, type ScenarioPath } from './scenario'
export { toSimScenario, toNaiveDetour } from './sim-scenario'
export { checkLessonScenario, lessonPaths, type LessonPath, type PathVerdict } from './check-lessons'
export { describePath, pathKey } from './path-label'
export { lessonRemarkPlugins, remarkOnlySpeakerNotes } from './mdx-plugins'
export { scenarioJsonSchemaFile, scenarioJsonSchemaText } from './json-schema'
export { parseSystemTestSpec, describeSpecProblem, type ParsedSpec, type SpecProblem } from './system-test'
