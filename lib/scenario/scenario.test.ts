import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { scenarioJsonSchemaFile, scenarioJsonSchemaText } from './json-schema'
import { describeProblem, loadLessons } from './lesson'
import { pathsOf, scenarioSchema } from './scenario'
import { toNaiveDetour, toSimScenario } from './sim-scenario'

const scenarioYaml = `
seed: 7
tables: { users: 50_000_000 }
versions:
  - id: v1.0.0
    idleInTransactionAfterReads: true
    endpoints:
      - { name: GET /users, sql: select id from users where id = $1, params: [{ int: [1, 10] }] }
steps:
  - id: deploy
    title: Deploy v1.0.0
    deploy: { v1.0.0: 100 }
  - id: add-columns
    title: Add first and last
    naive:
      migrate: alter table users add column first text
      expect: { versions: { v1.0.0: times out } }
    safe:
      migrate: |
        set lock_timeout = '1s'; alter table users add column first text
        -- retry on lock_timeout: 5 attempts, 200ms apart, doubling
      within: 30s
      expect: { result: { fails: 55P03 } }
`

async function lessonWithScenario(scenario: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cutover-scenario-'))
  const folder = join(root, 'content', 'lessons', '03-locks')
  await mkdir(folder, { recursive: true })
  await writeFile(
    join(folder, 'lesson.mdx'),
    '---\ntitle: Locks\nsummary: One line.\ndurationMinutes: 5\n---\n\nText\n',
  )
  await writeFile(join(folder, 'setup.sql'), 'create table users (id int);')
  await writeFile(join(folder, 'scenario.yaml'), scenario)
  return root
}

describe('the scenario format', () => {
  it('turns each path of a scenario into the simulator’s input, with durations and row counts read as people write them', () => {
    const scenario = scenarioSchema.parse(parseYaml(scenarioYaml))
    assert.deepEqual(pathsOf(scenario), ['naive', 'safe'])
    const safe = toSimScenario(scenario, 'safe')
    assert.deepEqual(safe.tableRows, { users: 50_000_000 })
    assert.deepEqual(safe.steps[1].action, {
      kind: 'migrate',
      sql: "set lock_timeout = '1s'; alter table users add column first text\n-- retry on lock_timeout: 5 attempts, 200ms apart, doubling\n",
      retry: { attempts: 5, backoffMs: 200, factor: 2 },
    })
    assert.deepEqual([safe.steps[1].withinMs, safe.steps[1].expect], [30_000, { result: { fails: '55P03' } }])
    const naive = toSimScenario(scenario, 'naive')
    assert.deepEqual(naive.steps[1].expect, { versions: { 'v1.0.0': 'times out' } })
    assert.equal(naive.versions[0].idleInTransactionAfterReads, true)
  })

  it('refuses a claim about an endpoint its version does not have, naming the field', () => {
    const parsed = scenarioSchema.safeParse(
      parseYaml(
        scenarioYaml.replace(
          'expect: { versions: { v1.0.0: times out } }',
          "expect: { endpoints: { 'v1.0.0 POST /users': times out } }",
        ),
      ),
    )
    assert.deepEqual(
      !parsed.success && parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]),
      [['steps.1.naive.expect.endpoints.v1.0.0 POST /users', 'v1.0.0 has no endpoint named POST /users']],
    )
  })

  it('takes a naive way as a learner does: the safe steps before it, the naive step, and nothing after', () => {
    const scenario = scenarioSchema.parse(parseYaml(scenarioYaml))
    const detour = toNaiveDetour(scenario, 1)
    assert.deepEqual(
      detour.steps.map((step) => [step.id, step.action.kind, step.expect]),
      [
        ['deploy', 'deploy', {}],
        ['add-columns', 'migrate', { versions: { 'v1.0.0': 'times out' } }],
      ],
    )
    assert.deepEqual(detour.steps[1].action, {
      kind: 'migrate',
      sql: 'alter table users add column first text',
    })
  })

  it('names the file and the field of every mistake in a lesson’s scenario', async () => {
    const broken = scenarioYaml
      .replace('deploy: { v1.0.0: 100 }', 'deploy: { v9: 100 }')
      .replace('5 attempts, 200ms apart', '5 attempts, soon apart')
    const root = await lessonWithScenario(broken)
    const { lessons, problems } = await loadLessons(join(root, 'content', 'lessons'), root)
    assert.deepEqual(lessons, [])
    assert.deepEqual(problems.map(describeProblem), [
      'content/lessons/03-locks/scenario.yaml: steps.1.safe.migrate: the retry line reads as "-- retry on lock_timeout: 3 attempts, 1s apart, doubling" (1 to 100 attempts), not "-- retry on lock_timeout: 5 attempts, soon apart, doubling"',
      'content/lessons/03-locks/scenario.yaml: steps.0.deploy.v9: no version with id v9',
    ])
  })

  it('refuses a step with two actions, or a naive path without a safe one', async () => {
    const twoActions = scenarioSchema.safeParse(
      parseYaml(scenarioYaml.replace('deploy: { v1.0.0: 100 }', 'deploy: { v1.0.0: 100 }\n    advance: 5s')),
    )
    assert.deepEqual(
      !twoActions.success && twoActions.error.issues.map((issue) => [issue.path.join('.'), issue.message]),
      [
        [
          'steps.0.advance',
          'a step has exactly one action (deploy, migrate, database, openSession, endSession, terminate, advance, wait, assert, fail, systemTest); found deploy and advance',
        ],
      ],
    )
    const onlyNaive = scenarioSchema.safeParse(parseYaml(scenarioYaml.replace(/ {4}safe:[\s\S]*$/, '')))
    assert.deepEqual(!onlyNaive.success && onlyNaive.error.issues.map((issue) => issue.path.join('.')), [
      'steps.1.safe',
    ])
  })

  it('has its JSON Schema for editors generated from the zod schema and up to date (npm run schema)', async () => {
    assert.equal(await readFile(scenarioJsonSchemaFile, 'utf8'), scenarioJsonSchemaText())
  })
})
