import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { initialLiveState } from '../app/_components/workbench/use-workbench'
import type { ClassEvent } from '../app/_components/class/class-protocol'
import { createClassRelay, relayLimits, type ClassRelay } from './class-relay'
import { openClassStream } from './class-stream'

const envelope = { channel: 'cutover-presenter', version: 1, lesson: 'lock-queue' } as const
const snapshot = (current: number, lesson = 'lock-queue') => ({
  ...envelope,
  lesson,
  kind: 'snapshot',
  state: initialLiveState,
  view: { current, sql: 'select 1;' },
  terminal: '',
})
const view = (current: number) => ({
  ...envelope,
  kind: 'view',
  view: { current, sql: `-- step ${current}` },
})

let server: Server
let relay: ClassRelay
let base: string
let clockMs = 1_000_000

before(async () => {
  relay = createClassRelay({ addresses: () => ['http://192.0.2.7:3000'], now: () => clockMs })
  server = createServer((request, response) => {
    if (!relay.handle(request, response)) response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  relay.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function post(path: string, body: unknown, token?: string) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
}

async function openClass(lesson = 'lock-queue') {
  const response = await post('/class', { lesson })
  assert.equal(response.status, 201)
  return (await response.json()) as { code: string; token: string }
}

/** A student's page: the events of a class's stream as they come, each checked by the schema. */
async function follow(code: string, query = 'student=abcdefgh1') {
  const events: ClassEvent[] = []
  const waiters: (() => void)[] = []
  const stream = await openClassStream(`${base}/class/${code}/events?${query}`, (event) => {
    events.push(event)
    for (const wake of waiters.splice(0)) wake()
  })
  assert.equal(stream.status, 200)
  return {
    events,
    /** Waits until `count` events have come, and returns them all. */
    async upTo(count: number): Promise<ClassEvent[]> {
      while (events.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
      return events
    },
    close: stream.close,
  }
}

const kinds = (events: ClassEvent[]) =>
  events.map((event) => (event.kind === 'class' ? `class ${event.class.lesson}` : event.message.kind))

describe('the class relay', () => {
  it('says it runs classes, with the addresses other machines reach it at', async () => {
    const response = await fetch(`${base}/class`)
    assert.deepEqual(await response.json(), { classes: true, addresses: ['http://192.0.2.7:3000'] })
  })

  it('gives a following student the class, then the presenter’s messages in the order they were sent', async () => {
    const { code, token } = await openClass()
    assert.match(code, /^[A-HJ-NP-Z2-9]{5}$/)
    const student = await follow(code)
    const published = await post(
      `/class/${code}/publish`,
      { messages: [snapshot(0), view(1), view(2)] },
      token,
    )
    assert.equal(published.status, 200)
    assert.deepEqual(await published.json(), { wantsCheckpoint: false })
    const events = await student.upTo(4)
    assert.deepEqual(kinds(events), ['class lock-queue', 'snapshot', 'view', 'view'])
    assert.deepEqual(
      events
        .slice(2)
        .map(
          (event) => event.kind === 'message' && event.message.kind === 'view' && event.message.view.current,
        ),
      [1, 2],
    )
    student.close()
  })

  it('hands a student who joins late the latest snapshot and what came since, and a checkpoint to nobody following', async () => {
    const { code, token } = await openClass()
    await post(`/class/${code}/publish`, { messages: [snapshot(0), view(1), snapshot(3), view(4)] }, token)
    const late = await follow(code)
    assert.deepEqual(kinds(await late.upTo(3)), ['class lock-queue', 'snapshot', 'view'])
    const firstSnapshot = late.events[1]
    assert.ok(firstSnapshot?.kind === 'message' && firstSnapshot.message.kind === 'snapshot')
    assert.equal(firstSnapshot.message.view.current, 3)

    await post(`/class/${code}/publish`, { messages: [view(5)], checkpoint: snapshot(5) }, token)
    await late.upTo(4)
    const later = await follow(code, 'student=abcdefgh2')
    assert.deepEqual(kinds(await later.upTo(2)), ['class lock-queue', 'snapshot'])
    // the one following already got the view, not the checkpoint
    assert.deepEqual(kinds(late.events), ['class lock-queue', 'snapshot', 'view', 'view'])
    late.close()
    later.close()
  })

  it('refuses a publish without the presenter’s token, with another class’s, or of an audience’s own message', async () => {
    const { code, token } = await openClass()
    const other = await openClass()
    const student = await follow(code)
    const forged = await post(`/class/${code}/publish`, { messages: [view(9)] })
    assert.equal(forged.status, 401)
    assert.match(((await forged.json()) as { error: string }).error, /presenter/)
    assert.equal((await post(`/class/${code}/publish`, { messages: [view(9)] }, other.token)).status, 403)
    const hello = await post(
      `/class/${code}/publish`,
      { messages: [{ ...envelope, kind: 'hello', id: 'x' }] },
      token,
    )
    assert.equal(hello.status, 400)
    assert.match(((await hello.json()) as { error: string }).error, /malformed at messages\.0/)
    const extraField = await post(
      `/class/${code}/publish`,
      { messages: [{ ...view(9), run: 'rm -rf' }] },
      token,
    )
    assert.equal(extraField.status, 400)
    const asText = await fetch(`${base}/class/${code}/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ messages: [view(9)] }),
    })
    assert.equal(asText.status, 415)
    // then a real one: the stream carries it and none of the refused
    await post(`/class/${code}/publish`, { messages: [view(2)] }, token)
    const events = await student.upTo(2)
    assert.deepEqual(kinds(events), ['class lock-queue', 'view'])
    assert.ok(events[1]?.kind === 'message' && events[1].message.kind === 'view')
    assert.equal(events[1].message.view.current, 2)
    student.close()
  })

  it('follows the presenter to another lesson and says when the presenter’s window closed', async () => {
    const { code, token } = await openClass()
    const student = await follow(code)
    await post(`/class/${code}/publish`, { messages: [snapshot(0, 'split-column')] }, token)
    await post(
      `/class/${code}/publish`,
      { messages: [{ ...envelope, lesson: 'split-column', kind: 'bye', from: 'presenter', id: 'p' }] },
      token,
    )
    const events = await student.upTo(5)
    assert.deepEqual(kinds(events), [
      'class lock-queue',
      'class split-column',
      'snapshot',
      'class split-column',
      'bye',
    ])
    assert.ok(events[3]?.kind === 'class')
    assert.equal(events[3].class.presenter, 'gone')
    assert.deepEqual(await (await fetch(`${base}/class/${code}`)).json(), {
      code,
      lesson: 'split-column',
      presenter: 'gone',
    })
    student.close()
  })

  it('sends a page that follows the step only the step on screen, never the live panels', async () => {
    const { code, token } = await openClass()
    await post(`/class/${code}/publish`, { messages: [snapshot(2)] }, token)
    const bar = await follow(code, 'student=abcdefgh3&where=trying&only=steps')
    const first = await bar.upTo(2)
    assert.deepEqual(kinds(first), ['class lock-queue', 'view'])
    await post(
      `/class/${code}/publish`,
      { messages: [{ ...envelope, kind: 'action', action: { type: 'running', step: 2 } }, view(3)] },
      token,
    )
    assert.deepEqual(kinds(await bar.upTo(3)), ['class lock-queue', 'view', 'view'])
    bar.close()
  })

  it('asks for a checkpoint once it keeps many messages since the last snapshot', async () => {
    const { code, token } = await openClass()
    const many = Array.from({ length: relayLimits.keptMessages + 1 }, (_, index) => view(index))
    const answer = await post(`/class/${code}/publish`, { messages: many }, token)
    assert.deepEqual(await answer.json(), { wantsCheckpoint: true })
    const after = await post(`/class/${code}/publish`, { messages: [], checkpoint: snapshot(7) }, token)
    assert.deepEqual(await after.json(), { wantsCheckpoint: false })
  })

  it('counts students following and trying, and the reports of those who opted in, by step and outcome', async () => {
    const { code, token } = await openClass()
    const pages = [
      await follow(code, 'student=studentaa1'),
      await follow(code, 'student=studentaa2'),
      await follow(code, 'student=studentaa3&where=trying&only=steps'),
      // the same student with the class in one tab and the lesson in another is following
      await follow(code, 'student=studentaa1&where=trying&only=steps'),
    ]
    const report = (student: string, step: number, outcome: string) =>
      post(`/class/${code}/report`, { student, lesson: 'lock-queue', step, outcome })
    assert.equal((await report('studentaa1', 2, 'passed')).status, 204)
    assert.equal((await report('studentaa2', 2, 'passed')).status, 204)
    assert.equal((await report('studentaa3', 2, 'failed')).status, 204)
    clockMs += 150_000
    await report('studentaa3', 2, 'failed') // still stuck: the time counts from the first
    await report('studentaa1', 2, 'passed')
    await report('studentaa2', 2, 'passed')
    const malformed = await post(`/class/${code}/report`, {
      student: 'studentaa3',
      lesson: 'lock-queue',
      step: -1,
      outcome: 'passed',
    })
    assert.equal(malformed.status, 400)
    assert.equal((await fetch(`${base}/class/${code}/roster`)).status, 401)
    const roster = await (
      await fetch(`${base}/class/${code}/roster`, { headers: { authorization: `Bearer ${token}` } })
    ).json()
    assert.deepEqual(roster, {
      following: 2,
      trying: 1,
      groups: [
        { lesson: 'lock-queue', step: 2, outcome: 'failed', students: 1, longestMs: 150_000 },
        { lesson: 'lock-queue', step: 2, outcome: 'passed', students: 2, longestMs: 150_000 },
      ],
    })
    // a report not renewed goes, as a student who left
    clockMs += relayLimits.reportLifetimeMs + 1
    for (const page of pages) page.close()
    // the server hears the pages close when their connections end: ask until it has, or 2 s
    const readRoster = async () =>
      (await (
        await fetch(`${base}/class/${code}/roster`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { following: number; trying: number }
    let later = await readRoster()
    for (let asked = 1; later.following + later.trying > 0 && asked < 200; asked++) later = await readRoster()
    assert.deepEqual(later, { following: 0, trying: 0, groups: [] })
  })

  it('answers an unknown code, a malformed one and a closed class with a sentence', async () => {
    const missing = await fetch(`${base}/class/ZZZZZ`)
    assert.equal(missing.status, 404)
    assert.match(((await missing.json()) as { error: string }).error, /no class ZZZZZ/)
    assert.equal((await fetch(`${base}/class/hello`)).status, 400)
    const { code, token } = await openClass()
    assert.equal((await fetch(`${base}/class/${code}`, { method: 'DELETE' })).status, 401)
    const closed = await fetch(`${base}/class/${code}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(closed.status, 204)
    assert.equal((await fetch(`${base}/class/${code}`)).status, 404)
  })
})
