import 'server-only'
import { join } from 'node:path'
import { describeProblem, loadLessons, type Lesson } from '@/lib/scenario'

let loaded: Promise<Lesson[]> | undefined

/** The course's lessons in order, read once per build; a malformed lesson fails the build. */
export function courseLessons(): Promise<Lesson[]> {
  loaded ??= loadLessons(join(process.cwd(), 'content', 'lessons')).then(({ lessons, problems }) => {
    if (problems.length > 0)
      throw new Error(`malformed lessons:\n${problems.map(describeProblem).join('\n')}`)
    return lessons
  })
  return loaded
}

/**
 * A lesson's number in the course: its folder's two digits, so the numbers match the
 * curriculum's even while lessons between them are unwritten; 0 is the playground.
 */
export function lessonNumber(lesson: Pick<Lesson, 'folder'>): number {
  return Number(lesson.folder.slice(0, 2))
}
