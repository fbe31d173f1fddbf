import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from '../engine/node'
import { databaseBackend } from './database-backend'
import { PsqlInterpreter } from './interpreter'

// Golden outputs of real psql against PGlite (see psql-fixtures/README.md). A
// `.psql18.out` carries psql 18's wording where it differs from the recorded psql 15.
const fixtures = join(import.meta.dirname, 'psql-fixtures')
// our \? lists the meta-commands this console has, not all of psql's
const notComparable = new Set(['39-help'])

function cases(): { name: string; commands: string[]; expected: string }[] {
  return readdirSync(fixtures)
    .filter((file) => file.endsWith('.in'))
    .sort()
    .map((file) => file.slice(0, -3))
    .filter((name) => !notComparable.has(name))
    .map((name) => {
      const psql18 = join(fixtures, `${name}.psql18.out`)
      const expected = readFileSync(existsSync(psql18) ? psql18 : join(fixtures, `${name}.out`), 'utf8')
      const commands = readFileSync(join(fixtures, `${name}.in`), 'utf8')
        .trimEnd()
        .split('\n--next--\n')
      return { name, commands, expected }
    })
}

// psql -c sends each command as it is; the console gets it line by line and runs it with \g
async function runLikePsqlC(console: PsqlInterpreter, commands: string[]): Promise<string> {
  let output = ''
  const write = (text: string) => void (output += text)
  for (const command of commands) {
    if (command.startsWith('\\')) {
      await console.submitLine(command, write)
      continue
    }
    for (const line of command.split('\n')) await console.submitLine(line, write)
    await console.submitLine('\\g', write)
  }
  return output
}

describe('the console prints what psql prints', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    const setup = await database.runScript(readFileSync(join(fixtures, 'setup.sql'), 'utf8'))
    assert.ok(setup.ok, setup.error?.message)
  })
  after(() => database.close())

  // the cases share one database and run in the order they were recorded in
  it('for every recorded query, error and meta-command, byte for byte', async () => {
    const mismatches: string[] = []
    for (const { name, commands, expected } of cases()) {
      const console = new PsqlInterpreter(databaseBackend(database, async () => undefined))
      const output = await runLikePsqlC(console, commands)
      const masked = output.replace(/^Time: \d+\.\d{3} ms.*$/m, 'Time: <ms>')
      const expectedMasked = expected.replace(/^Time: \d+\.\d{3} ms.*$/m, 'Time: <ms>')
      if (masked !== expectedMasked)
        mismatches.push(`${name}\n--- psql\n${expectedMasked}--- ours\n${masked}`)
    }
    assert.equal(mismatches.length, 0, mismatches.join('\n'))
  })
})
