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

/** A lesson of the curriculum not written yet: the home page shows it as coming. */
export interface PlannedLesson {
  number: number
  title: string
  summary: string
}

/**
 * The curriculum's lessons still to come (../shared/design/curriculum.md), so the home page shows
 * the whole course and its numbers do not jump; a written lesson's folder takes its number.
 */
export const plannedLessons: PlannedLesson[] = [
  {
    number: 6,
    title: 'Adding columns',
    summary:
      'Nullable, a constant default, a volatile default that rewrites the table, and the ORM that drops the default.',
  },
  {
    number: 7,
    title: 'Backfills',
    summary:
      'One huge UPDATE against batches, each its own transaction, throttled, with its progress in view.',
  },
  {
    number: 8,
    title: 'NOT NULL safely',
    summary:
      'CHECK … NOT VALID, VALIDATE, then SET NOT NULL without a scan; PostgreSQL 18’s NOT NULL NOT VALID.',
  },
  {
    number: 9,
    title: 'Indexes',
    summary:
      'CREATE INDEX against CONCURRENTLY, an INVALID index found and rebuilt, UNIQUE via USING INDEX, REINDEX and DROP.',
  },
  {
    number: 10,
    title: 'Foreign keys and CHECK constraints',
    summary: 'NOT VALID and VALIDATE; a foreign key locks both of its tables.',
  },
  {
    number: 11,
    title: 'Renaming a column',
    summary: 'Dual writes with a trigger against versioned views.',
  },
  {
    number: 12,
    title: 'Contract',
    summary: 'Dropping columns and tables safely, ORM column caches, and why skipping a version breaks.',
  },
  {
    number: 13,
    title: 'Type changes and table renames',
    summary: 'Rewrite or binary-compatible; a shadow column and a swap; a compatibility view.',
  },
  {
    number: 15,
    title: 'Capstone',
    summary: 'A canary rollout of a multi-step change, gated by a scenario test.',
  },
]
