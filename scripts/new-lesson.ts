// `npm run lesson:new -- NN-slug`: starts a lesson in content/lessons/NN-slug/ — a lesson.mdx,
// a setup.sql and a scenario.yaml of one step whose one claim holds — that passes
// `npm run content:check` and `npm run lessons:check` as it is. Never overwrites anything.
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// the loader's rule for a lesson folder (lib/scenario/lesson.ts)
const lessonFolder = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/

/** The lesson made, or why none was: one line an author reads. */
export type NewLessonResult = { ok: true; folder: string; files: string[] } | { ok: false; error: string }

/** The starting files of a lesson with this slug, by file name. */
export function draftLessonFiles(slug: string): Record<string, string> {
  const title = slug.charAt(0).toUpperCase() + slug.slice(1).replace(/-/g, ' ')
  return {
    'lesson.mdx': `---
title: ${title}
summary: What the learner will be able to do, in one line for the course index.
durationMinutes: 10
---

Say what goes wrong in production, and for whom, before showing how to avoid it.

A block written \`\`\`sql runnable is a console on the lesson's database (setup.sql):

\`\`\`sql runnable
select id, name from items order by id limit 5;
\`\`\`

The workbench below replays scenario.yaml: app versions serving traffic while each step lands.
`,
    'setup.sql': `-- The lesson's starting database: its schema and deterministic seed data, built into a
-- snapshot so the browser never runs initdb.
create table items (
  id bigint generated always as identity primary key,
  name text not null
);

insert into items (name)
select 'Item ' || n from generate_series(1, 100) as n;
`,
    'scenario.yaml': `# yaml-language-server: $schema=../../scenario.schema.json
# The versions that send traffic and the steps that land under it: see docs/scenarios.md.
seed: ${slug}
requestsPerSecond: 20
tables:
  items: 100_000 # rows in production, for the cost model
versions:
  - id: v1
    connections: 5
    timeout: 5s
    endpoints:
      - name: GET /items/:id
        sql: select id, name from items where id = $1
        params: [{ int: [1, 100] }]
steps:
  - id: serve
    title: v1 serves traffic
    deploy: { v1: 100 }
    expect:
      versions: { v1: ok }
`,
  }
}

/**
 * Makes `lessonsDir/name/` with a lesson's starting files. Refuses a name that is not
 * `NN-slug`, and a number or slug another lesson has; an existing file is never replaced.
 */
export async function createLesson(lessonsDir: string, name: string): Promise<NewLessonResult> {
  const parts = lessonFolder.exec(name)
  if (!parts) {
    return {
      ok: false,
      error: `"${name}" is not NN-slug: two digits, a dash, then lowercase words joined by dashes (07-add-index)`,
    }
  }
  const [, number, slug] = parts
  const folders = await readdir(lessonsDir).catch(() => undefined)
  if (!folders) return { ok: false, error: `${lessonsDir} is not a folder of lessons` }
  for (const folder of folders.sort()) {
    const taken = lessonFolder.exec(folder)
    if (taken?.[1] === number) return { ok: false, error: `number ${number} is taken by ${folder}` }
    if (taken?.[2] === slug) return { ok: false, error: `slug ${slug} is taken by ${folder}` }
  }
  const folderPath = join(lessonsDir, name)
  try {
    // without `recursive`, mkdir fails on a folder that exists; `wx` on a file that does
    await mkdir(folderPath)
    const files = draftLessonFiles(slug)
    for (const [file, text] of Object.entries(files)) {
      await writeFile(join(folderPath, file), text, { flag: 'wx' })
    }
    return { ok: true, folder: name, files: Object.keys(files) }
  } catch (error) {
    return { ok: false, error: `could not create ${folderPath}: ${(error as Error).message}` }
  }
}

// run as a script (npm run lesson:new), not imported by its test
// run as a script, not imported (a symlinked checkout names the same file two ways)
if (realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1] ?? '.')) {
  const names = process.argv.slice(2)
  const result =
    names.length === 1
      ? await createLesson(join(process.cwd(), 'content', 'lessons'), names[0])
      : ({ ok: false, error: 'usage: npm run lesson:new -- NN-slug' } as const)
  if (!result.ok) {
    console.error(`error: ${result.error}`)
    process.exit(1)
  }
  console.log(
    `created content/lessons/${result.folder}/ (${result.files.join(', ')}): run npm run dev and open /learn/${result.folder.slice(3)}`,
  )
}
