import 'server-only'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Lesson } from '@/lib/scenario'
import { describeProblem, loadLessons } from '@/lib/scenario/node'

const lessonsDir = join(process.cwd(), 'content', 'lessons')
let loaded: { stamp: string; lessons: Promise<Lesson[]> } | undefined

/**
 * The course's lessons in order, read once per build (in `next dev`, again after a lesson's
 * file changed); a malformed lesson fails the build.
 */
export async function courseLessons(): Promise<Lesson[]> {
  // next dev keeps this module between requests, and nothing it imports changes with content/
  const stamp = process.env.NODE_ENV === 'development' ? await stampLessonFiles() : ''
  if (loaded?.stamp !== stamp) {
    loaded = {
      stamp,
      lessons: loadLessons(lessonsDir).then(({ lessons, problems }) => {
        if (problems.length > 0)
          throw new Error(`malformed lessons:\n${problems.map(describeProblem).join('\n')}`)
        return lessons
      }),
    }
  }
  return loaded.lessons
}

// every path under content/lessons with its modification time: a few dozen stats per request
// (an editor's temporary file can vanish between the two calls)
async function stampLessonFiles(): Promise<string> {
  const paths = await readdir(lessonsDir, { recursive: true })
  const times = await Promise.all(
    paths.map((path) =>
      stat(join(lessonsDir, path)).then(
        ({ mtimeMs }) => mtimeMs,
        () => 'gone',
      ),
    ),
  )
  return paths.map((path, index) => `${path}@${times[index]}`).join('\n')
}

/**
 * A lesson's number in the course: its folder's two digits, so the numbers match the
 * curriculum's even while lessons between them are unwritten; 0 is the playground.
 */
export function lessonNumber(lesson: Pick<Lesson, 'folder'>): number {
  return Number(lesson.folder.slice(0, 2))
}
