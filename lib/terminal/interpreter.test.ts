import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from '../engine/node'
import { completeLine, commonPrefix, readCompletionNames } from './completion'
import { databaseBackend } from './database-backend'
import { PsqlInterpreter } from './interpreter'
import { LineEditor, parseHistory, type EditorEffect } from './line-editor'
import type { OperatorControls, OperatorView } from './console-backend'
import { canaryShares, runOperatorCommand } from './operator-commands'
import { scanInput } from './sql-input'

async function type(console: PsqlInterpreter, ...lines: string[]) {
  let out = ''
  let err = ''
  for (const line of lines)
    await console.submitLine(line, (text, stream) => (stream === 'out' ? (out += text) : (err += text)))
  return { out, err }
}

describe('the psql interpreter', () => {
  let database: PgliteDatabase
  let console: PsqlInterpreter
  before(async () => {
    database = await openDatabase()
    await database.runScript(
      'create table accounts (id int primary key, owner text not null, balance numeric(10,2));' +
        "insert into accounts values (1, 'ada', 10.50), (2, 'alan', null);",
    )
    console = new PsqlInterpreter(databaseBackend(database, async () => undefined))
  })
  after(() => database.close())

  it('waits for the semicolon across lines, showing the continuation prompt', async () => {
    assert.equal(console.prompt, 'postgres=> ')
    const first = await type(console, 'select id, owner')
    assert.equal(first.out, '')
    assert.equal(console.prompt, 'postgres-> ')
    await type(console, "from accounts where owner = 'it''s")
    assert.equal(console.prompt, "postgres'> ")
    const done = await type(console, "' or id = 1 order by id;")
    assert.equal(done.out, ' id | owner \n----+-------\n  1 | ada\n(1 row)\n\n')
    assert.equal(console.prompt, 'postgres=> ')
  })

  it('shows the transaction in the prompt: open, then failed, then ended', async () => {
    await type(console, 'begin;')
    assert.equal(console.prompt, 'postgres=*> ')
    const failed = await type(console, 'select nope from accounts;')
    assert.match(
      failed.err,
      /^ERROR: {2}column "nope" does not exist\nLINE 1: select nope from accounts;\n {15}\^\n/,
    )
    assert.equal(console.prompt, 'postgres=!> ')
    const refused = await type(console, 'select 1;')
    assert.match(refused.err, /current transaction is aborted/)
    const ended = await type(console, 'rollback;')
    assert.equal(ended.out, 'ROLLBACK\n')
    assert.equal(console.prompt, 'postgres=> ')
  })

  it('puts the caret under the error on the line it is on', async () => {
    const { err } = await type(console, 'select id,', '  balance +', "  'x'::int", 'from accounts;')
    assert.equal(
      err,
      'ERROR:  invalid input syntax for type integer: "x"\nLINE 3:   \'x\'::int\n          ^\n',
    )
  })

  it('prints NULL as nothing and right-aligns numbers, and expanded display with \\x', async () => {
    const aligned = await type(console, 'select * from accounts order by id;')
    assert.equal(
      aligned.out,
      ' id | owner | balance \n----+-------+---------\n  1 | ada   |   10.50\n  2 | alan  |        \n(2 rows)\n\n',
    )
    const expanded = await type(console, '\\x', 'select * from accounts where id = 2;', '\\x off')
    assert.equal(
      expanded.out,
      'Expanded display is on.\n-[ RECORD 1 ]-\nid      | 2\nowner   | alan\nbalance | \n\nExpanded display is off.\n',
    )
  })

  it('describes a table with \\d NAME and lists tables with \\dt', async () => {
    const table = await type(console, '\\d accounts')
    assert.match(table.out, /Table "public.accounts"/)
    assert.match(table.out, / owner {3}\| text {10}\| {11}\| not null \| \n/)
    assert.match(table.out, /Indexes:\n {4}"accounts_pkey" PRIMARY KEY, btree \(id\)\n/)
    const tables = await type(console, '\\dt')
    assert.match(tables.out, /List of tables\n[\s\S]* public \| accounts \| table \| postgres\n\(1 row\)/)
    const missing = await type(console, '\\dv')
    assert.equal(missing.err, 'Did not find any views.\n')
  })

  it('times statements with \\timing and rejects an unknown meta-command', async () => {
    const timed = await type(console, '\\timing on', 'select 1 as one;', '\\timing off')
    assert.match(timed.out, /^Timing is on\.\n[\s\S]*\nTime: \d+\.\d{3} ms\nTiming is off\.\n$/)
    const unknown = await type(console, '\\frobnicate')
    assert.equal(unknown.err, 'invalid command \\frobnicate\nTry \\? for help.\n')
  })

  it('says operator commands need a simulation when there is none', async () => {
    const { err } = await type(console, 'deploy v2')
    assert.match(err, /no simulation runs here/)
  })

  it('quits on \\q', async () => {
    assert.equal(await console.submitLine('\\q', () => undefined), 'quit')
  })

  it('completes meta-commands, keywords, tables and columns', async () => {
    const names = {
      ...(await readCompletionNames((sql) => database.run(sql))),
      versions: ['v1', 'v2'],
      sessions: [7],
    }
    assert.deepEqual(completeLine('\\d', true, names).candidates, [
      '\\d',
      '\\df',
      '\\di',
      '\\ds',
      '\\dt',
      '\\dv',
    ])
    assert.deepEqual(completeLine('select * from acc', false, names), { from: 14, candidates: ['accounts'] })
    assert.deepEqual(completeLine('select own', false, names).candidates, ['owner'])
    assert.deepEqual(completeLine('sel', true, names).candidates, ['select'])
    assert.deepEqual(completeLine('SEL', true, names).candidates, ['SELECT'])
    assert.deepEqual(completeLine('deploy v', true, names).candidates, ['v1', 'v2'])
    assert.deepEqual(completeLine('terminate ', true, names).candidates, ['7'])
    assert.equal(commonPrefix(['orders', 'orders_id_seq']), 'orders')
  })
})

describe('reading SQL input', () => {
  it('ends statements only at semicolons outside quotes, comments and parentheses', () => {
    assert.deepEqual(scanInput("select ';' as a; select $$;$$;").statements, [
      "select ';' as a;",
      'select $$;$$;',
    ])
    assert.equal(scanInput('select (1;').state, '(')
    assert.equal(scanInput('select /* ; ').state, '*')
    assert.equal(scanInput('select $x$ ;').state, '$')
    assert.equal(scanInput('select "a;').state, '"')
    assert.deepEqual(scanInput('select 1; select').rest, ' select')
  })
})

describe('the line editor', () => {
  const written = (effects: EditorEffect[]) =>
    effects.flatMap((effect) => (effect.kind === 'write' ? [effect.text] : [])).join('')
  const submitted = (effects: EditorEffect[]) =>
    effects.flatMap((effect) => (effect.kind === 'submit' ? [effect.line] : []))

  it('submits lines, recalls them with the arrows, and skips repeated ones', () => {
    const editor = new LineEditor('> ')
    assert.deepEqual(submitted(editor.handle('select 1;\rselect 1;\rselect 2;\r')), [
      'select 1;',
      'select 1;',
      'select 2;',
    ])
    assert.deepEqual(editor.history, ['select 1;', 'select 2;'])
    editor.handle('\x1b[A\x1b[A')
    assert.equal(editor.text, 'select 1;')
    editor.handle('\x1b[B\x1b[B')
    assert.equal(editor.text, '')
  })

  it('edits in the middle of the line and moves with Home, End and Ctrl+W', () => {
    const editor = new LineEditor('> ')
    editor.handle('select 2')
    editor.handle('\x1b[D\x7f1')
    assert.equal(editor.text, 'select12')
    editor.handle('\x1b[F\x17')
    assert.equal(editor.text, '')
    assert.match(written(editor.handle('abc\x1b[H')), /\x1b\[3D$/)
  })

  it('turns Ctrl+C into an interrupt, Ctrl+D on an empty line into end of input, and Tab into a completion', () => {
    const editor = new LineEditor('> ')
    assert.deepEqual(editor.handle('abc\x03').at(-1), { kind: 'interrupt', lineWasEmpty: false })
    assert.equal(editor.text, '')
    // at an empty prompt Ctrl+C may mean more: a running step stops
    assert.deepEqual(editor.handle('\x03').at(-1), { kind: 'interrupt', lineWasEmpty: true })
    assert.deepEqual(editor.handle('\x04'), [{ kind: 'end of input' }])
    assert.deepEqual(editor.handle('sel\t').at(-1), { kind: 'complete', line: 'sel' })
  })

  it('keeps only a well-formed stored history', () => {
    assert.deepEqual(parseHistory('["select 1;"]'), ['select 1;'])
    assert.deepEqual(parseHistory('{"not":"a list"}'), [])
    assert.deepEqual(parseHistory('not json'), [])
  })
})

// a view of two versions and no traffic to speak of, with what a test sets
function viewWith(fields: Partial<OperatorView>): OperatorView {
  return {
    nowMs: 0,
    speed: 1,
    versions: [
      { id: 'v1', label: 'v1' },
      { id: 'v2', label: 'v2' },
    ],
    deployment: {},
    requestsPerSecond: 50,
    databaseState: 'up',
    sessions: [],
    steps: [],
    nextStep: 0,
    endpoints: [],
    ...fields,
  }
}

// levers that only show the view: acting is not part of these tests
function readOnly(view: OperatorView): OperatorControls {
  const refuse = () => Promise.reject(new Error('not part of this test'))
  return {
    view: () => view,
    deploy: refuse,
    setDatabase: refuse,
    terminate: refuse,
    setRequestRate: refuse,
    setSpeed: refuse,
    runNextStep: refuse,
    cancelStep: refuse,
  }
}

describe('operator commands', () => {
  it('gives a canary its share and scales the running versions into the rest', () => {
    assert.deepEqual(canaryShares({ v1: 100 }, 'v2', 10), { v1: 90, v2: 10 })
    assert.deepEqual(canaryShares({ v1: 50, v2: 50 }, 'v3', 20), { v1: 40, v2: 40, v3: 20 })
    // thirds do not round to 100 by themselves: the largest share takes the difference
    const thirds = canaryShares({ v1: 34, v2: 33, v3: 33 }, 'v4', 5)
    assert.equal(
      Object.values(thirds).reduce((sum, share) => sum + share, 0),
      100,
    )
  })

  it('refuses a canary that would leave traffic with no version to serve it', async () => {
    const deployed: Record<string, number>[] = []
    const operator = {
      ...readOnly(viewWith({ deployment: {} })),
      deploy: async (shares: Record<string, number>) => void deployed.push(shares),
    }
    assert.deepEqual(await runOperatorCommand('canary v2 10', operator), {
      error:
        'canary: nothing else runs to take the other 90% of traffic; deploy a version first, e.g. deploy v1\n',
    })
    assert.deepEqual(deployed, [])
  })

  it('rolls back to the deployment before this one, whoever made it, and says when there is none', async () => {
    // the levers record what they are asked; the simulation behind them is tested in lib/scenario
    const deployed: Record<string, number>[] = []
    const operatorWith = (previousDeployment?: Record<string, number>): OperatorControls => {
      const view = viewWith({
        deployment: { v1: 90, v2: 10 },
        ...(previousDeployment && { previousDeployment }),
      })
      return { ...readOnly(view), deploy: async (shares) => void deployed.push(shares) }
    }
    assert.deepEqual(await runOperatorCommand('rollback', operatorWith({ v1: 100 })), {
      text: 'rolled back to v1 100%\n',
    })
    assert.deepEqual(deployed, [{ v1: 100 }])
    assert.deepEqual(await runOperatorCommand('rollback', operatorWith()), {
      error: 'rollback: no earlier deployment to go back to\n',
    })
    assert.equal(deployed.length, 1)
  })

  it('reports in status only the deployed versions’ endpoints, as the grid does, and a fallback as one', async () => {
    const view = viewWith({
      deployment: { v2: 100 },
      databaseState: 'down',
      endpoints: [
        { version: 'v1', endpoint: 'GET /', last: 'ok' },
        { version: 'v2', endpoint: 'GET /', last: 'degraded' },
      ],
    })
    const answer = await runOperatorCommand('status', readOnly(view))
    assert.ok('text' in answer)
    const endpointLines = answer.text.split('\n').filter((line) => line.startsWith('  '))
    assert.deepEqual(endpointLines, ['  v2 GET /: fallback (the database is not answering)'])
  })

  it('lists the steps as the page does: a step that broke things is not done', async () => {
    const view = viewWith({
      steps: ['Deploy', 'Expand', 'Backfill', 'Contract'].map((title) => ({ id: title, title })),
      nextStep: 3,
      stepOutcomes: ['applied', 'passed', 'broke things'],
    })
    const answer = await runOperatorCommand('step list', readOnly(view))
    assert.deepEqual(answer, {
      text: ' 1. Deploy  [applied]\n 2. Expand  [passed]\n 3. Backfill  [broke things]\n 4. Contract  [next]\n',
    })
  })

  it('makes the database hang with db hang, ends it with db start, and refuses to hang a stopped one', async () => {
    let view = viewWith({})
    const asked: string[] = []
    const operator: OperatorControls = {
      ...readOnly(view),
      view: () => view,
      setDatabase: async (state) => {
        asked.push(state)
        view = { ...view, databaseState: state === 'hang' ? 'hanging' : state === 'stop' ? 'down' : 'up' }
      },
    }
    const answers = []
    for (const line of ['db hang', 'status', 'db start', 'db stop', 'db hang'])
      answers.push(await runOperatorCommand(line, operator))
    assert.deepEqual(
      // each command's line about the database (status says more)
      answers.map((answer) =>
        'text' in answer ? answer.text.split('\n').find((line) => line.startsWith('database')) : answer.error,
      ),
      [
        'database hanging: it runs, but nothing sent to it gets an answer until db start',
        'database       hanging (running, answering nothing)',
        'database answering again',
        'database stopped',
        'db hang: the database is stopped; only a running one can hang (db start first)\n',
      ],
    )
    assert.deepEqual(asked, ['hang', 'start', 'stop'])
    assert.deepEqual(
      completeLine('db ', true, { relations: [], columns: [], versions: [], sessions: [] }).candidates,
      ['hang', 'start', 'stop'],
    )
  })
})
