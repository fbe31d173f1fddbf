export {
  loadLessons,
  describeProblem,
  lessonMetaSchema,
  type Lesson,
  type LessonMeta,
  type LessonProblem,
} from './lesson'
export { scenarioSchema, pathsOf, toSimScenario, type Scenario, type ScenarioPath } from './scenario'
