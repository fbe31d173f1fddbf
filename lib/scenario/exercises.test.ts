import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { isExercise, retryPolicyOf, starterOf } from './exercises'
import { scenarioSchema } from './scenario'

describe('a retry line in a migration', () => {
  it('sets attempts, the first wait and doubling', () => {
    assert.deepEqual(
      retryPolicyOf(
        "set lock_timeout = '1s';\n-- retry on lock_timeout: 3 attempts, 1s apart, doubling\nbegin;",
      ),
      {
        ok: true,
        retry: { attempts: 3, backoffMs: 1000, factor: 2 },
      },
    )
  })

  it('waits the same each time without doubling, and 500 ms without a wait', () => {
    assert.deepEqual(retryPolicyOf('-- retry on lock_timeout: 5 attempts, 250ms apart'), {
      ok: true,
      retry: { attempts: 5, backoffMs: 250, factor: 1 },
    })
    assert.deepEqual(retryPolicyOf('--retry on lock_timeout: 1 attempt'), {
      ok: true,
      retry: { attempts: 1, backoffMs: 500, factor: 1 },
    })
  })

  it('is absent from a migration without one: no retries', () => {
    assert.deepEqual(retryPolicyOf('-- give up after a second\nset lock_timeout = 1000;'), { ok: true })
  })

  it('that does not read is a problem naming the line, never a migration without retries', () => {
    const policy = retryPolicyOf('-- retry on lock_timeout: three times please')
    assert.equal(policy.ok, false)
    assert.match(!policy.ok ? policy.problem : '', /not "-- retry on lock_timeout: three times please"/)
    assert.equal(retryPolicyOf('-- retry on lock_timeout: 0 attempts').ok, false)
  })
})

const scenario = (steps: string) =>
  scenarioSchema.parse(
    parseYaml(`
seed: 1
versions: [{ id: v1, endpoints: [{ name: GET /, sql: select 1 }] }]
steps:
${steps}
`),
  )

describe('an exercise', () => {
  it('is a step whose editor opens on something other than its answer', () => {
    const lesson = scenario(`
  - id: plain
    title: Index
    naive: { migrate: create index i on t (a), expect: { result: fails } }
    safe: { migrate: create index concurrently i on t (a) }
  - id: commented
    title: The same index, told
    starter: |
      -- Build it without stopping writes.
      create index concurrently i on t (a);
    migrate: |
      create index concurrently i
        on t (a);
  - id: deploy
    title: Deploy
    deploy: { v1: 100 }
`)
    assert.equal(starterOf(lesson, 0), 'create index i on t (a)')
    assert.equal(isExercise(lesson, 0), true)
    // comments and wrapping aside, the starter is the answer: the learner runs the story's SQL
    assert.equal(isExercise(lesson, 1), false)
    assert.equal(isExercise(lesson, 2), false)
    assert.equal(starterOf(lesson, 2), '')
  })

  it('whose starter differs only by a retry line is one: the retries are the answer', () => {
    const lesson = scenario(`
  - id: retry
    title: Retry
    starter: alter table t add column b int;
    migrate: |
      -- retry on lock_timeout: 3 attempts
      alter table t add column b int;
`)
    assert.equal(isExercise(lesson, 0), true)
  })
})

describe('a scenario', () => {
  it('refuses a retry line that does not read, naming the field', () => {
    const parsed = scenarioSchema.safeParse(
      parseYaml(`
seed: 1
versions: [{ id: v1, endpoints: [{ name: GET /, sql: select 1 }] }]
steps:
  - id: m
    title: M
    migrate: "-- retry on lock_timeout: often\\nselect 1;"
`),
    )
    assert.equal(parsed.success, false)
    const issue = parsed.error?.issues[0]
    assert.deepEqual(issue?.path, ['steps', 0, 'migrate'])
    assert.match(issue?.message ?? '', /the retry line reads as/)
  })
})
