import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { compile } from '@mdx-js/mdx'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { lessonRemarkPlugins } from './mdx-plugins'
import { scenarioSchema, type Scenario } from './scenario'
import {
  checkSpeakerNotes,
  checkStrayAfterRuns,
  findSpeakerNotes,
  projectorLayoutsByStep,
  type ProjectorLayout,
  type MdxNode,
  type SpeakerNotesNode,
  type SpeakerNotesProblem,
} from './speaker-notes'

/** The frontmatter every `lesson.mdx` starts with. */
export const lessonMetaSchema = z
  .object({
    title: z.string().trim().min(1).describe('The lesson title, shown on the index and as the page heading.'),
    summary: z
      .string()
      .trim()
      .min(1)
      .max(160)
      .describe('One line for the course index: what the learner will be able to do.'),
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(240)
      .describe('How long the lesson takes, in whole minutes.'),
  })
  .strict()

export type LessonMeta = z.infer<typeof lessonMetaSchema>

/** A lesson as found in `content/lessons/NN-slug/`. */
export interface Lesson {
  /** The URL name: the folder name without its order prefix (`01-two-versions` → `two-versions`). */
  slug: string
  /** The folder name, which fixes the lesson's place in the course. */
  folder: string
  meta: LessonMeta
  /** The MDX body, without its frontmatter. */
  body: string
  /** SQL that builds the lesson's starting database (schema and seed data). */
  setupSql: string
  /** The lesson's `scenario.yaml`, when it has one: versions, traffic and steps to replay. */
  scenario?: Scenario
  /** The projector layout each step's speaker notes name (`projector="…"`); other steps take `overview`. */
  projectorByStep: Record<string, ProjectorLayout>
}

/** Something wrong with a lesson, naming the file and, where there is one, the field. */
export interface LessonProblem {
  file: string
  field?: string
  message: string
}

/** Formats a problem as one line: `file: field: message`. */
export function describeProblem(problem: LessonProblem): string {
  return [problem.file, problem.field, problem.message].filter(Boolean).join(': ')
}

const lessonFolder = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/
const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/

/**
 * Reads every lesson under `lessonsDir` in folder order and validates it. Problems come back
 * as data, all of them at once, so an author sees every mistake in one run.
 */
export async function loadLessons(
  lessonsDir: string,
  root = process.cwd(),
): Promise<{ lessons: Lesson[]; problems: LessonProblem[] }> {
  const lessons: Lesson[] = []
  const problems: LessonProblem[] = []
  const folders = (await readdir(lessonsDir)).sort()
  for (const folder of folders) {
    const folderPath = join(lessonsDir, folder)
    if (!(await stat(folderPath)).isDirectory()) continue
    const name = lessonFolder.exec(folder)
    if (!name) {
      problems.push({
        file: relative(root, folderPath),
        message:
          'a lesson folder is named NN-slug: two digits, a dash, then lowercase words joined by dashes',
      })
      continue
    }
    const lesson = await loadLesson(folderPath, folder, name[2], relative(root, folderPath), problems)
    if (lesson) lessons.push(lesson)
  }
  const seen = new Map<string, string>()
  for (const lesson of lessons) {
    const other = seen.get(lesson.slug)
    if (other) {
      problems.push({ file: `content/lessons/${lesson.folder}`, message: `same slug as ${other}` })
    }
    seen.set(lesson.slug, lesson.folder)
  }
  return { lessons, problems }
}

async function loadLesson(
  folderPath: string,
  folder: string,
  slug: string,
  shownPath: string,
  problems: LessonProblem[],
): Promise<Lesson | undefined> {
  const mdxFile = `${shownPath}/lesson.mdx`
  const sqlFile = `${shownPath}/setup.sql`
  const source = await readFile(join(folderPath, 'lesson.mdx'), 'utf8').catch(() => undefined)
  if (source === undefined) {
    problems.push({ file: mdxFile, message: 'missing: every lesson folder needs a lesson.mdx' })
    return undefined
  }
  const setupSql = await readFile(join(folderPath, 'setup.sql'), 'utf8').catch(() => undefined)
  if (setupSql === undefined) {
    problems.push({ file: sqlFile, message: 'missing: every lesson folder needs a setup.sql' })
  }

  const match = frontmatter.exec(source)
  if (!match) {
    problems.push({
      file: mdxFile,
      field: 'frontmatter',
      message: 'missing: start the file with a --- block',
    })
    return undefined
  }
  let data: unknown
  try {
    data = parseYaml(match[1])
  } catch (error) {
    problems.push({
      file: mdxFile,
      field: 'frontmatter',
      message: `not valid YAML: ${(error as Error).message}`,
    })
    return undefined
  }
  const meta = lessonMetaSchema.safeParse(data ?? {})
  if (!meta.success) {
    for (const issue of meta.error.issues) {
      problems.push({ file: mdxFile, field: issue.path.join('.') || 'frontmatter', message: issue.message })
    }
  }
  const body = source.slice(match[0].length)
  // a line of the body is reported as a line of the file, frontmatter counted
  const bodyLineOffset = match[0].split('\n').length - 1
  const mdxFileAt = (line: number | undefined) =>
    line === undefined ? mdxFile : `${mdxFile}:${line + bodyLineOffset}`
  // read first: the speaker notes name its steps
  const scenario = await loadScenario(
    join(folderPath, 'scenario.yaml'),
    `${shownPath}/scenario.yaml`,
    problems,
  )
  const notes: SpeakerNotesNode[] = []
  const strayAfterRuns: SpeakerNotesProblem[] = []
  try {
    await compile(body, {
      remarkPlugins: [
        ...lessonRemarkPlugins,
        () => (tree: MdxNode) => {
          notes.push(...findSpeakerNotes(tree))
          strayAfterRuns.push(...checkStrayAfterRuns(tree))
        },
      ],
    })
  } catch (error) {
    const place = error as { line?: number; reason?: string; message: string }
    problems.push({ file: mdxFileAt(place.line), field: 'body', message: place.reason ?? place.message })
    return undefined
  }
  const noteProblems = [...checkSpeakerNotes(notes, scenario), ...strayAfterRuns].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0),
  )
  for (const { line, field, message } of noteProblems)
    problems.push({ file: mdxFileAt(line), field, message })
  if (!meta.success || setupSql === undefined || scenario === null || noteProblems.length > 0)
    return undefined
  return {
    slug,
    folder,
    meta: meta.data,
    body,
    setupSql,
    ...(scenario && { scenario }),
    projectorByStep: projectorLayoutsByStep(notes),
  }
}

// undefined: the lesson has no scenario; null: it has one with problems (already reported)
async function loadScenario(
  path: string,
  shownFile: string,
  problems: LessonProblem[],
): Promise<Scenario | undefined | null> {
  const source = await readFile(path, 'utf8').catch(() => undefined)
  if (source === undefined) return undefined
  let data: unknown
  try {
    data = parseYaml(source)
  } catch (error) {
    problems.push({ file: shownFile, message: `not valid YAML: ${(error as Error).message}` })
    return null
  }
  const parsed = scenarioSchema.safeParse(data ?? {})
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues) {
    problems.push({ file: shownFile, field: issue.path.join('.') || '(top level)', message: issue.message })
  }
  return null
}
