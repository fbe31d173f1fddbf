import assert from 'node:assert/strict'
import { isExercise } from '../scenario'
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
      const scenario = lesson.scenario!
      // the whole lesson, each naive way, then each exercise as it opens
      assert.deepEqual(
        verdicts.map(({ path, detour }) => (detour ? `${path}:${detour.id}` : path)),
        [
          'safe',
          ...scenario.steps.filter((step) => step.naive).map((step) => `naive:${step.id}`),
          ...scenario.steps
            .filter((_, index) => isExercise(scenario, index))
            .map((step) => `starter:${step.id}`),
        ],
      )
      assert.throws(() => parseSimulationReply('check', [{ path: 'safe' }]), /not a lesson check’s verdicts/)
    } finally {
      await database.close()
    }
  })
})
