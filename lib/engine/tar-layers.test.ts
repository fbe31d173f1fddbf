import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildSnapshot, openDatabase } from './node'
import { layeredSnapshot, tarEnd, tarEntries, tarLayer } from './tar-layers'

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer())

describe('tar layers', () => {
  it('a layer holds only the files a later state changed, and the base with the layer opens as that state', async () => {
    const built = await buildSnapshot("create table notes (body text); insert into notes values ('first');")
    assert.equal(built.ok, true)
    if (!built.ok) return
    const base = await bytesOf(built.snapshot)
    const database = await openDatabase({ snapshot: built.snapshot })
    await database.run(
      "insert into notes values ('second'); create table later (id int); insert into later values (7)",
    )
    const after = await bytesOf(await database.snapshot())
    await database.close()

    const layer = tarLayer(base, after)
    const layerNames = tarEntries(layer).map((entry) => entry.name)
    assert.ok(
      layer.length < after.length / 4,
      `a layer of ${layer.length} bytes for a ${after.length}-byte state`,
    )
    assert.ok(layerNames.length > 0)
    // a file untouched since the base (template1's catalog) is not in the layer
    assert.equal(layerNames.includes('/base/1/1259'), false)
    assert.ok(tarEntries(after).length >= layerNames.length)

    const layered = layeredSnapshot(new Blob([base]), tarEnd(base), new Blob([layer]))
    const reopened = await openDatabase({ snapshot: layered })
    try {
      const notes = await reopened.run('select body from notes order by body')
      assert.deepEqual(notes.ok && notes.rows, [['first'], ['second']])
      const later = await reopened.run('select id from later')
      assert.deepEqual(later.ok && later.rows, [['7']])
    } finally {
      await reopened.close()
    }
  })

  it('a shipped snapshot has no WAL segment ahead of the one being written, and the database it opens to writes past it', async () => {
    const built = await buildSnapshot("create table notes (body text); insert into notes values ('first');")
    assert.equal(built.ok, true)
    if (!built.ok) return
    const segments = tarEntries(await bytesOf(built.snapshot)).filter((entry) =>
      /pg_wal\/[0-9A-F]{24}$/.test(entry.name),
    )
    assert.equal(segments.length, 1, segments.map((entry) => entry.name).join(', '))
    const database = await openDatabase({ snapshot: built.snapshot })
    try {
      // 1 MB segments: this crosses several, which Postgres makes as it gets to them
      const written = await database.run(
        "insert into notes select repeat('x', 200) from generate_series(1, 20000)",
      )
      assert.equal(written.ok, true)
      await database.run('checkpoint')
      const counted = await database.run('select count(*) from notes')
      assert.deepEqual(counted.ok && counted.rows, [['20001']])
      const again = await openDatabase({ snapshot: await database.snapshot() })
      const reopened = await again.run('select count(*) from notes')
      assert.deepEqual(reopened.ok && reopened.rows, [['20001']])
      await again.close()
    } finally {
      await database.close()
    }
  })

  it('names a malformed archive instead of reading past its end', () => {
    const header = new Uint8Array(512)
    header.set(new TextEncoder().encode('broken'), 0)
    header.set(new TextEncoder().encode('00000077777\0'), 124)
    assert.throws(() => tarEntries(header), /tar entry broken runs past the end/)
  })
})
