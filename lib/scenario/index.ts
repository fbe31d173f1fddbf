// The course's content as data: scenario schemas, the paths a lesson can take and their check.
// Safe to bundle for the page and the worker; reading lesson files needs Node (./node).
export type { Lesson, LessonMeta, LessonProblem } from './lesson'
export { scenarioSchema, pathsOf, type Scenario, type ScenarioPath } from './scenario'
export { toSimScenario, toNaiveDetour, migrateAction } from './sim-scenario'
export { isExercise, retryPolicyOf, solutionOf, starterOf, writtenPartOf } from './exercises'
export { checkLessonScenario, lessonPaths, type LessonPath, type PathVerdict } from './check-lessons'
export { checkProseSql, type ProseSqlVerdict, type StopRunaway } from './check-prose-sql'
export { proseSqlOf, restatedStepOf, type ProseSql } from './prose-sql'
export { projectorLayouts, projectorPanels, type ProjectorLayout, type ProjectorPanel } from './speaker-notes'
export { describePath, pathKey } from './path-label'
export { scenarioJsonSchemaFile, scenarioJsonSchemaText } from './json-schema'
export { parseSystemTestSpec, describeSpecProblem, type ParsedSpec, type SpecProblem } from './system-test'
export {
  statementLocksReferenceSchema,
  statementLocksReferenceFile,
  type StatementLockRecord,
  type StatementLocksReference,
} from './statement-locks'
export {
  costCalibrationSchema,
  costCalibrationFile,
  fitMicrosPerRow,
  type CostCalibration,
  type CostFit,
} from './cost-calibration'
