import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { checkImport } from './lint-layers.js'

const root = join(import.meta.dirname, '..')
const file = (path: string) => join(root, path)

describe('the layer rule', () => {
  it('lets a layer import a lower layer through its index', () => {
    assert.equal(checkImport('../engine', file('lib/sim/simulation.ts')), undefined)
  })

  it('refuses a lower layer importing a higher one, naming the direction', () => {
    assert.match(
      checkImport('../scenario', file('lib/sim/simulation.ts')) ?? '',
      /^lib\/sim may not import lib\/scenario: imports point app → /,
    )
  })

  it('refuses a door that is not an entry, naming the entries', () => {
    assert.equal(
      checkImport('../engine/split-sql', file('lib/sim/simulation.ts')),
      'Enter lib/engine through lib/engine/index, lib/engine/node, lib/engine/worker-host, lib/engine/manifest, not lib/engine/split-sql.',
    )
  })

  it('lets a module import anything in its own layer', () => {
    assert.equal(checkImport('./lock-manager', file('lib/sim/simulation.ts')), undefined)
  })

  it('reads the @/ alias the app uses', () => {
    assert.equal(checkImport('@/lib/sim', file('app/_components/workbench/Workbench.tsx')), undefined)
    assert.match(checkImport('@/lib/sim/lock-manager', file('app/page.tsx')) ?? '', /^Enter lib\/sim through/)
  })

  it('keeps the real-server check out of the app but open to scripts', () => {
    assert.match(
      checkImport('@/lib/real-server/node', file('app/page.tsx')) ?? '',
      /^app\/ may not import lib\/real-server/,
    )
    assert.equal(checkImport('../lib/real-server/node', file('scripts/lessons-check.ts')), undefined)
  })

  it('ignores packages', () => {
    assert.equal(checkImport('zod', file('lib/sim/simulation.ts')), undefined)
  })
})
