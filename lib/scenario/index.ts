export {
  loadLessons,
  describeProblem,
  lessonMetaSchema,
  type Lesson,
  type LessonMeta,
  type LessonProblem,
} from './lesson'
