import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { openDatabase } from '../engine/node'
import { checkLessonScenario } from './check-lessons'
import { scenarioSchema } from './scenario'

// a small table, v1 writing to it, and an index to build as the step after v1's deploy: the
// naive build and the concurrent one both leave writes alone at this size, unless claims say so
const lessonWithIndexStep = (indexStep: string) =>
  scenarioSchema.parse(
    parseYaml(`
seed: 7
tables: { users: 1_000 }
versions:
  - id: v1
    endpoints:
      - { name: POST /user, sql: "insert into users (name) values ('x')" }
steps:
  - id: deploy
    title: Deploy v1
    deploy: { v1: 100 }
  - id: index
    title: Index names
${indexStep}
`),
  )

const lessonWith = (naiveExpect: string) =>
  lessonWithIndexStep(`    naive:
      migrate: create index users_name on users (name)
      expect: ${naiveExpect}
    safe:
      migrate: create index concurrently users_name on users (name)
      expect: { versions: { v1: ok } }`)

async function openStart() {
  const database = await openDatabase()
  await database.run('create table users (id serial primary key, name text)')
  return database
}

async function naiveClaims(naiveExpect: string) {
  const verdicts = await checkLessonScenario({ slug: 'test', scenario: lessonWith(naiveExpect) }, openStart)
  const detour = verdicts.find((verdict) => verdict.path === 'naive')!
  return detour.steps[0].expectations.map(({ claim, held }) => [claim, held])
}

describe('checking a lesson', () => {
  it('fails a naive way whose claims the safe way meets too, and passes one the safe way does not', async () => {
    assert.deepEqual(await naiveClaims('{ versions: { v1: ok } }'), [
      ['v1 serves every request', true],
      ['the safe way does not meet these claims', false],
    ])
    assert.deepEqual(await naiveClaims('{ result: { fails: 42P07 } }'), [
      ['the step fails with 42P07', false],
      ['the safe way does not meet these claims', true],
    ])
  })
})

describe('checking an exercise', () => {
  const exercise = (starter: string) =>
    lessonWithIndexStep(`    starter: "${starter}"
    migrate: create index concurrently users_name on users (name)
    expect: { versions: { v1: ok }, result: succeeds }`)
  const starterClaim = async (starter: string) => {
    const verdicts = await checkLessonScenario({ slug: 'test', scenario: exercise(starter) }, openStart)
    const starterRun = verdicts.find((verdict) => verdict.path === 'starter')!
    assert.deepEqual(starterRun.detour, { index: 1, id: 'index' })
    return starterRun.steps[0].expectations.map(({ claim, held }) => [claim, held])
  }

  it('fails a lesson whose exercise opens solved, and passes one whose starter fails the step', async () => {
    assert.deepEqual(await starterClaim('create index users_name on users (nme)'), [
      ['the starter, run as the editor opens, does not pass the step', true],
    ])
    assert.deepEqual(await starterClaim('create index users_name on users (name)'), [
      ['the starter, run as the editor opens, does not pass the step', false],
    ])
  })
})
