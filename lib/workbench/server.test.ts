import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ExtensionContext } from '../engine/worker-host'
import { parseSimulationReply } from './protocol'
import { createSimulationExtension } from './server'
import { openFirstLesson } from './workbench-fixture'

describe('the workbench in the worker', () => {
  it('rejects a malformed request with a zod error instead of half-using it', async () => {
    const extension = createSimulationExtension(() => undefined)
    await assert.rejects(extension({ action: 'speed', speed: 3 }, {} as ExtensionContext), /Invalid input/)
  })

  it('answers a lesson check with verdicts the page’s reply schema accepts', async () => {
    const { lesson, start, database } = await openFirstLesson()
    try {
      const extension = createSimulationExtension(() => undefined)
      const context = { database } as ExtensionContext
      const reply = await extension(
        { action: 'check', lesson: lesson.slug, scenario: lesson.scenario, start },
        context,
      )
      const verdicts = parseSimulationReply('check', reply)
      assert.deepEqual(
        verdicts.map(({ path, detour }) => detour?.id ?? path),
        ['safe', ...lesson.scenario!.steps.filter((step) => step.naive).map((step) => step.id)],
      )
      assert.throws(() => parseSimulationReply('check', [{ path: 'safe' }]), /not a lesson check’s verdicts/)
    } finally {
      await database.close()
    }
  })
})
