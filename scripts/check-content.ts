// `npm run content:check`: every lesson parses and its starting database builds; anything
// wrong is printed as `file: field: message` and the command fails.
import { join } from 'node:path'
import { buildSnapshot } from '../lib/engine/node'
import { describeProblem, loadLessons } from '../lib/scenario/node'

const root = process.cwd()
const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
const failures = problems.map(describeProblem)

for (const lesson of lessons) {
  const built = await buildSnapshot(lesson.setupSql)
  if (built.ok) console.log(`ok      ${lesson.folder}: ${lesson.meta.title}`)
  else failures.push(`content/lessons/${lesson.folder}/setup.sql: ${built.error}`)
}
for (const failure of failures) console.error(`error   ${failure}`)
console.log(`${lessons.length} lesson(s) checked, ${failures.length} problem(s)`)
process.exit(failures.length > 0 ? 1 : 0)
