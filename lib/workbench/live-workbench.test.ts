import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database, Snapshot } from '../engine'
import { openDatabase } from '../engine/node'
import type { Lesson } from '../scenario'
import type { ConsoleReply, LiveSqlResult } from './events'
import { openFirstLesson, openWorkbench } from './workbench-fixture'

describe('the workbench in the worker', () => {
  let lesson: Lesson, start: Snapshot, database: Database
  before(async () => ({ lesson, start, database } = await openFirstLesson()))
  after(() => database.close())

  it('terminating the index build ends it with 57P01 and lets the writes through again', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'run', step: 1, how: 'naive' })
      let migration: number | undefined
      for (let i = 0; i < 20 && migration === undefined; i++) {
        await workbench.tick()
        migration = workbench
          .batches()
          .at(-1)!
          .sessions.find((session) => session.kind === 'migration')?.owner
      }
      assert.ok(migration !== undefined)
      assert.equal(await workbench.call({ action: 'terminate', owner: migration }), true)
      const verdict = await workbench.tickUntilVerdict()
      assert.ok(verdict.result.ok === false)
      assert.equal(verdict.result.error.code, '57P01')
      for (let i = 0; i < 8; i++) await workbench.tick()
      const last = workbench.batches().at(-1)!
      assert.deepEqual(
        last.sessions.filter((session) => session.state === 'waiting'),
        [],
      )
      const lastSecond = last.metrics.at(-1) ?? workbench.batches().at(-2)!.metrics.at(-1)!
      assert.ok(lastSecond.ok > 0 && lastSecond.timeouts === 0, JSON.stringify(lastSecond))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('says what the simulator does not model: in the console’s answer and in the batch, with the reason', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({
        action: 'console',
        id: 7,
        sql: "set idle_in_transaction_session_timeout = '5s'",
      })
      for (let i = 0; i < 3; i++) await workbench.tick()
      const reply = workbench.messages.find(
        (message) => (message as ConsoleReply).type === 'console' && (message as ConsoleReply).id === 7,
      ) as ConsoleReply
      assert.ok(reply.result.ok)
      assert.match(reply.notModelled ?? '', /idle_in_transaction_session_timeout/)
      const notes = workbench.batches().flatMap((batch) => batch.notModelled)
      assert.deepEqual(
        notes.map((note) => [note.session, note.sql]),
        [['console', "set idle_in_transaction_session_timeout = '5s'"]],
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('stops and starts the database and shifts traffic outside the steps, remembering the deployment before', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'database', state: 'stop' })
      for (let i = 0; i < 3; i++) await workbench.tick()
      const down = workbench.batches().at(-1)!
      assert.equal(down.databaseState, 'down')
      assert.ok(down.requests.length > 0 && down.requests.every((request) => request.code === '08006'))
      await workbench.call({ action: 'database', state: 'start' })
      await workbench.call({ action: 'deploy', shares: { 'v1.0.0': 50 } })
      for (let i = 0; i < 3; i++) await workbench.tick()
      const up = workbench.batches().at(-1)!
      assert.equal(up.databaseState, 'up')
      assert.deepEqual(up.deployment, { 'v1.0.0': 50 })
      // what `rollback` goes back to: the step's deployment, made before this one
      assert.deepEqual(up.previousDeployment, { 'v1.0.0': 100 })
      assert.ok(up.requests.every((request) => request.outcome === 'ok'))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('makes the database hang outside the steps: the batch says so, and no request is answered until it times out', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'database', state: 'hang' })
      for (let i = 0; i < 3; i++) await workbench.tick()
      const hanging = workbench.batches().at(-1)!
      assert.equal(hanging.databaseState, 'hanging')
      assert.deepEqual(hanging.requests, [])
      await workbench.call({ action: 'database', state: 'start' })
      for (let i = 0; i < 3; i++) await workbench.tick()
      const answering = workbench.batches().slice(-3)
      assert.equal(answering.at(-1)!.databaseState, 'up')
      assert.ok(answering.some((batch) => batch.requests.some((request) => request.outcome === 'ok')))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('runs console SQL among the traffic and answers it by id', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'sql', id: 7, sql: 'select count(*) from users where id <= 3' })
      await workbench.tick()
      const answers = workbench.messages.filter(
        (message): message is LiveSqlResult => (message as LiveSqlResult).type === 'sql',
      )
      assert.deepEqual(
        answers.map(({ id, ok, last }) => [id, ok, last?.ok && last.rows]),
        [[7, true, [['3']]]],
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('saves a restore point holding the learner’s write before it answers, so a Stop cannot lose it', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({
        action: 'sql',
        id: 8,
        sql: "insert into users (name, email) values ('Edgar Codd', 'ted@example.org')",
      })
      await workbench.tick()
      const kinds = workbench.messages.map((message) => (message as { type: string }).type)
      const answerAt = kinds.indexOf('sql')
      const savedAt = kinds.lastIndexOf('restore point', answerAt)
      assert.ok(answerAt > savedAt && savedAt > 0, `restore point, then answer: ${kinds.join(', ')}`)
      const saved = workbench.messages[savedAt] as { snapshot: Snapshot }
      const restored = await openDatabase({ snapshot: saved.snapshot })
      try {
        const found = await restored.run("select name from users where email = 'ted@example.org'")
        assert.deepEqual(found.ok && found.rows, [['Edgar Codd']])
      } finally {
        await restored.close()
      }
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('resumes on the database as it is, the earlier steps counted as applied, without replaying them', async () => {
    const first = await openWorkbench(lesson, database, start, 1)
    await first.call({ action: 'stop' })
    await database.run("insert into users (name, email) values ('Edgar Codd', 'ted@example.org')")
    const workbench = await openWorkbench(lesson, database, start, 1, [], { deployment: { 'v1.0.0': 100 } })
    try {
      await workbench.tick()
      const batch = workbench.batches().at(-1)!
      assert.deepEqual([batch.nextStep, batch.deployment, batch.markers], [1, { 'v1.0.0': 100 }, []])
      const kept = await database.run("select name from users where email = 'ted@example.org'")
      assert.deepEqual(kept.ok && kept.rows, [['Edgar Codd']])
      await workbench.call({ action: 'run', step: 1, how: 'solution' })
      const verdict = await workbench.tickUntilVerdict()
      assert.deepEqual([verdict.step, verdict.passed], [1, true])
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('resumes on a database saved before (a reset undone): restored first, and saved as the restore point', async () => {
    const first = await openWorkbench(lesson, database, start, 1)
    await first.call({ action: 'stop' })
    await database.run("insert into users (name, email) values ('Grace Hopper', 'grace@example.org')")
    const saved = await database.snapshot()
    // the reset: the lesson's start again, without her
    const reset = await openWorkbench(lesson, database, start, 0)
    await reset.call({ action: 'stop' })
    const workbench = await openWorkbench(lesson, database, start, 1, [], {
      database: saved,
      deployment: { 'v1.0.0': 100 },
    })
    try {
      await workbench.tick()
      assert.equal(workbench.batches().at(-1)!.nextStep, 1)
      const kept = await database.run("select name from users where email = 'grace@example.org'")
      assert.deepEqual(kept.ok && kept.rows, [['Grace Hopper']])
      assert.ok(workbench.messages.some((message) => (message as { type: string }).type === 'restore point'))
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('remembers across a resume the deployment rollback goes back to', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1, [], {
      deployment: { 'v1.0.0': 90, 'v1.1.0': 10 },
      previousDeployment: { 'v1.0.0': 100 },
    })
    try {
      await workbench.tick()
      assert.deepEqual(workbench.batches().at(-1)?.previousDeployment, { 'v1.0.0': 100 })
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('refuses to run a step out of turn', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await assert.rejects(workbench.call({ action: 'run', step: 2, how: 'solution' }), /step 2 is next/)
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('keeps a console transaction open across statements: its lock stops the writes until it is terminated', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    const replies = () =>
      workbench.messages.filter(
        (message): message is ConsoleReply => (message as ConsoleReply).type === 'console',
      )
    const consoleSays = async (sql: string) => {
      const before = replies().length
      await workbench.call({ action: 'console', id: before + 1, sql })
      for (let i = 0; i < 50 && replies().length === before; i++) await workbench.tick()
      return replies()[before]
    }
    try {
      assert.equal((await consoleSays('begin')).transaction, 'open')
      const locked = await consoleSays('lock table orders in share mode')
      assert.deepEqual([locked.result.ok, locked.transaction], [true, 'open'])
      // inside the transaction it sees its own work, before anything commits
      const counted = await consoleSays('select count(*) from orders')
      assert.ok(counted.result.ok && Number(counted.result.rows[0][0]) >= 1000, JSON.stringify(counted))
      for (let i = 0; i < 20; i++) await workbench.tick()
      const held = workbench.batches().at(-1)!
      const mine = held.sessions.find((session) => session.kind === 'console')!
      assert.equal(mine.state, 'idle in transaction')
      assert.equal(held.consoleTransaction, 'open')
      const blocked = held.sessions.filter((session) => session.state === 'waiting')
      assert.ok(blocked.length > 0 && blocked.every((session) => session.blockedBy.includes(mine.owner)))
      assert.equal(await workbench.call({ action: 'terminate', owner: mine.owner }), true)
      for (let i = 0; i < 60; i++) await workbench.tick()
      assert.equal(
        workbench
          .batches()
          .at(-1)!
          .sessions.filter((session) => session.state === 'waiting').length,
        0,
      )
      const gone = await consoleSays('select 1')
      assert.ok(!gone.result.ok)
      assert.deepEqual([gone.result.error.code, gone.result.error.severity], ['57P01', 'FATAL'])
      const again = await consoleSays('select 1 as back')
      assert.deepEqual([again.result.ok, again.transaction], [true, 'idle'])
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('cancels a console statement waiting for its lock, and stops and restarts the traffic', async () => {
    const workbench = await openWorkbench(lesson, database, start, 1)
    try {
      await workbench.call({ action: 'run', step: 1, how: 'naive' })
      for (let i = 0; i < 3; i++) await workbench.tick()
      // LOCK TABLE outside a block is refused at once (25P01), as Postgres does; inside one it waits
      await workbench.call({ action: 'console', id: 1, sql: 'begin' })
      await workbench.call({ action: 'console', id: 2, sql: 'lock table orders in exclusive mode' })
      for (let i = 0; i < 3; i++) await workbench.tick()
      assert.equal(await workbench.call({ action: 'console cancel' }), true)
      await workbench.tick()
      const reply = workbench.messages.find(
        (message) => (message as ConsoleReply).type === 'console' && (message as ConsoleReply).id === 2,
      ) as ConsoleReply
      assert.ok(!reply.result.ok && reply.result.error.code === '57014')
      await workbench.call({ action: 'traffic', requestsPerSecond: 0 })
      for (let i = 0; i < 80; i++) await workbench.tick()
      const quiet = workbench.batches().slice(-10)
      assert.equal(quiet.at(-1)!.requestsPerSecond, 0)
      assert.equal(quiet.flatMap((batch) => batch.requests).length, 0)
      await workbench.call({ action: 'traffic', requestsPerSecond: 100 })
      for (let i = 0; i < 5; i++) await workbench.tick()
      assert.ok(
        workbench
          .batches()
          .slice(-5)
          .flatMap((batch) => batch.requests).length > 0,
      )
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })
})

describe('stopping a step in the worker', () => {
  let lesson: Lesson, start: Snapshot, database: Database
  before(async () => ({ lesson, start, database } = await openFirstLesson('lock-queue')))
  after(() => database.close())
  // lock-queue's upgrade without a lock_timeout: it queues behind the page left idle in transaction
  const waitingUpgrade = 'begin;\nalter table users add column first text;\ncommit;'

  it('cancels the statement the migration waits on: the verdict says cancelled by you, names it, and the clock goes on', async () => {
    const workbench = await openWorkbench(lesson, database, start, 2)
    try {
      await workbench.call({ action: 'run', step: 2, how: 'yours', sql: waitingUpgrade })
      for (let tick = 0; tick < 4; tick++) await workbench.tick()
      assert.equal(workbench.batches().at(-1)?.runningStep, 2)
      const stopped = await workbench.call({ action: 'cancel step' })
      assert.deepEqual(stopped, { step: 2, statement: 'alter table users add column first text' })
      const verdict = await workbench.tickUntilVerdict(3)
      assert.deepEqual(
        [
          verdict.passed,
          verdict.cancelled,
          verdict.expectations,
          verdict.result.ok === false && verdict.result.error.code,
        ],
        [false, { by: 'you', statement: 'alter table users add column first text' }, [], '57014'],
      )
      const stoppedAtMs = workbench.batches().at(-1)!.nowMs
      await workbench.tick()
      const batch = workbench.batches().at(-1)!
      assert.deepEqual(
        [batch.runningStep, batch.nextStep, batch.stepOutcomes[2]],
        [undefined, 3, 'cancelled'],
      )
      assert.ok(batch.nowMs > stoppedAtMs, 'the clock moves on')
      assert.ok(
        workbench
          .batches()
          .some((each) =>
            each.audit.some((entry) => /step 3 cancelled by you while running: alter table/.test(entry.what)),
          ),
      )
      const columns = await database.run(
        "select count(*) from information_schema.columns where column_name = 'first'",
      )
      assert.deepEqual(columns.ok && columns.rows, [['0']])
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('answers a Stop with no step running with null', async () => {
    const workbench = await openWorkbench(lesson, database, start, 2)
    try {
      assert.equal(await workbench.call({ action: 'cancel step' }), null)
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('tells the page which statement it is about to run for real, before it runs it', async () => {
    const workbench = await openWorkbench(lesson, database, start, 2)
    try {
      await workbench.call({ action: 'run', step: 2, how: 'yours', sql: waitingUpgrade })
      await workbench.tick()
      const notices = workbench.messages.filter(
        (message) =>
          (message as { type?: string }).type === 'real work' &&
          (message as { session?: string }).session === 'migration',
      )
      assert.deepEqual(notices, [
        { type: 'real work', session: 'migration', sql: 'alter table users add column first text', step: 2 },
      ])
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })

  it('resumes a step stopped by replacing the worker as cancelled: its verdict with the first tick, the next step next', async () => {
    const workbench = await openWorkbench(lesson, database, start, 2, [], {
      deployment: { 'v1.0.0': 100 },
      cancelled: {
        step: 2,
        how: 'yours',
        by: 'budget',
        statement: 'select count(*) from generate_series(1, 1e10)',
      },
    })
    try {
      await workbench.tick()
      const verdict = workbench.verdicts().at(-1)!
      assert.deepEqual(
        [verdict.step, verdict.passed, verdict.cancelled],
        [
          2,
          false,
          { by: 'budget', statement: 'select count(*) from generate_series(1, 1e10)', restarted: true },
        ],
      )
      const batch = workbench.batches().at(-1)!
      assert.deepEqual(
        [batch.nextStep, batch.stepOutcomes[2], batch.runningStep],
        [3, 'cancelled', undefined],
      )
      // the step after it runs under its own number
      await workbench.call({ action: 'run', step: 3, how: 'solution' })
      await workbench.tick()
      assert.equal(workbench.batches().at(-1)?.runningStep, 3)
    } finally {
      await workbench.call({ action: 'stop' })
    }
  })
})
