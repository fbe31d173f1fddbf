import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { openDatabase } from '../engine/node'
import { checkProseSql } from './check-prose-sql'
import { proseSqlOf } from './prose-sql'
import { scenarioSchema } from './scenario'

const scenario = scenarioSchema.parse(
  parseYaml(`
seed: 7
versions:
  - id: v1
    endpoints:
      - { name: GET /user, sql: select id from users where id = 1 }
steps:
  - id: deploy
    title: Deploy v1
    deploy: { v1: 100 }
  - id: add-email
    title: Add email
    migrate: alter table users add column email text
`),
)

const body = [
  'Look first:',
  '```sql runnable shows="none"',
  'select id from users where id < 0;',
  '```',
  '<SpeakerNotes step="deploy">Deploy.</SpeakerNotes>',
  'A typo: <TerminalSnippet>select nmae from users;</TerminalSnippet>, and `status`:',
  '<TerminalSnippet>status</TerminalSnippet>',
  '```sql',
  'alter table users add column email text;',
  '```',
  '<SpeakerNotes step="add-email">The migration.</SpeakerNotes>',
  '```sql shows="someone@example.org"',
  'select email from users;',
  '```',
  '<InYourFramework title="an index">',
  '```sql example',
  'create index concurrently posts_status on posts (status);',
  '```',
  '</InYourFramework>',
].join('\n')

describe('the SQL in a lesson’s prose', () => {
  it('is each sql block and terminal snippet that is SQL, with the step whose notes come next; an example for another database is not', () => {
    assert.deepEqual(
      proseSqlOf(body, scenario).map(({ kind, line, beforeStep, shows }) => [kind, line, beforeStep, shows]),
      [
        ['sql', 2, 0, 'none'],
        ['terminal', 6, 1, undefined],
        ['sql', 8, 1, undefined],
        ['sql', 12, 2, 'someone@example.org'],
      ],
    )
  })

  it('runs where the learner meets it, and fails the check when it errs or does not show what the prose says', async () => {
    const openStart = async () => {
      const database = await openDatabase()
      await database.run('create table users (id serial primary key, name text)')
      return database
    }
    const verdicts = await checkProseSql({ body, setupSql: '', scenario }, openStart, () => {
      throw new Error('no runaway here')
    })
    assert.deepEqual(
      verdicts.map(({ line, before, claim, held }) => [line, before, claim, held]),
      [
        [2, 'deploy', 'runs, showing no row', true],
        [6, 'add-email', 'runs', false],
        [8, 'add-email', "restates step add-email's SQL", true],
        [12, 'the end', 'runs, showing “someone@example.org”', false],
      ],
    )
    assert.match(verdicts[1].actual, /^42703 column "nmae" does not exist/)
  })
})
