import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  defaultEmbedPanels,
  embedEventSchema,
  embedHeightOf,
  parseEmbedOptions,
  readEmbedCommand,
} from './embed-protocol'

describe('embed options', () => {
  it('default to a playing step with the traffic chart, the version grid and the terminal', () => {
    assert.deepEqual(parseEmbedOptions(''), {
      ok: true,
      options: { theme: 'auto', panels: ['traffic', 'versions', 'terminal'], traffic: 'playing', speed: '1' },
    })
  })

  it('read the theme, the panels in order, paused traffic, the speed and the host’s origin', () => {
    assert.deepEqual(
      parseEmbedOptions(
        '?theme=dark&panels=sessions,traffic&traffic=paused&speed=10&origin=https://docs.example.com/guide',
      ),
      {
        ok: true,
        options: {
          theme: 'dark',
          panels: ['sessions', 'traffic'],
          traffic: 'paused',
          speed: '10',
          origin: 'https://docs.example.com',
        },
      },
    )
  })

  it('are all rejected when one is wrong, naming each problem', () => {
    const parsed = parseEmbedOptions(
      '?theme=neon&panels=traffic,chat&autoplay=1&traffic=paused&traffic=playing',
    )
    assert.equal(parsed.ok, false)
    assert.deepEqual(parsed.options, {
      theme: 'auto',
      panels: ['traffic', 'versions', 'terminal'],
      traffic: 'playing',
      speed: '1',
    })
    assert.deepEqual(!parsed.ok && parsed.problems, [
      'traffic: given more than once',
      'theme: Invalid option: expected one of "auto"|"light"|"dark"',
      'panels.1: no panel is called "chat"',
      'Unrecognized key: "autoplay"',
    ])
  })

  it('refuse an origin that is not http or https', () => {
    const parsed = parseEmbedOptions('?origin=javascript:alert(1)')
    assert.equal(parsed.ok, false)
  })
})

describe('embed messages', () => {
  it('take the three commands a host may send', () => {
    for (const type of ['run', 'reset', 'status'])
      assert.deepEqual(readEmbedCommand({ source: 'cutover-host', version: 1, type }), {
        source: 'cutover-host',
        version: 1,
        type,
      })
  })

  it('ignore anything else: strings, unknown types, extra fields, another version', () => {
    for (const message of [
      '{"source":"cutover-host","version":1,"type":"run"}',
      { source: 'cutover-host', version: 1, type: 'drop' },
      { source: 'cutover-host', version: 1, type: 'run', sql: 'drop table orders' },
      { source: 'cutover-host', version: 2, type: 'run' },
      { type: 'run' },
      null,
    ])
      assert.equal(readEmbedCommand(message), undefined)
  })

  it('to the host carry no SQL: an event with a field of its own is not an event', () => {
    const event = { source: 'cutover', version: 1, lesson: 'l', step: 's', type: 'step-passed' }
    assert.equal(embedEventSchema.safeParse(event).success, true)
    assert.equal(embedEventSchema.safeParse({ ...event, sql: 'select 1' }).success, false)
  })
})

describe('the snippet’s starting height', () => {
  it('is near what frames measured at 720 px: 1640 px for a step without an editor, 2003 px for lock-queue’s upgrade', () => {
    const near = (estimate: number, measured: number) => Math.abs(estimate - measured) / measured < 0.05
    // two-versions' first step deploys: no editor
    assert.ok(near(embedHeightOf(defaultEmbedPanels, 0), 1640))
    // lock-queue's upgrade: 8 lines of starter, a 5-line naive way and its label
    assert.ok(near(embedHeightOf(defaultEmbedPanels, 14), 2003))
  })

  it('grows with each panel and each line of SQL', () => {
    assert.ok(embedHeightOf(['traffic', 'sessions'], 0) > embedHeightOf(['traffic'], 0))
    assert.ok(embedHeightOf(['traffic'], 10) > embedHeightOf(['traffic'], 2))
  })
})
