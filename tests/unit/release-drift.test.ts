import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { openDatabase } from '../../lib/engine/node'

// release-discipline's drift check, which its prose says finds columns missing, differing or
// unknown to a release, and tables the release does not have
describe('the release-discipline drift check', () => {
  it('finds a column, a table and a default made by hand, and nothing on a prod that is the release', async () => {
    const setup = await readFile(
      join(process.cwd(), 'content/lessons/14-release-discipline/setup.sql'),
      'utf8',
    )
    const database = await openDatabase()
    try {
      assert.equal((await database.runScript(setup)).ok, true)
      const drift = async () => {
        const result = await database.run(
          "select problem, table_name, column_name from schema_drift('v1.0.0')",
        )
        assert.ok(result.ok)
        return result.rows
      }
      assert.deepEqual(await drift(), [])
      for (const sql of [
        'alter table events add column capacity text',
        'create table notes (body text)',
        "alter table events alter column room set default 'Lobby'",
      ])
        assert.equal((await database.run(sql)).ok, true)
      assert.deepEqual(await drift(), [
        ['not in the release', 'events', 'capacity'],
        ['differs', 'events', 'room'],
        ['table not in the release', 'notes', 'body'],
      ])
    } finally {
      await database.close()
    }
  })
})
