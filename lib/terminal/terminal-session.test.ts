import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type PgliteDatabase } from '../engine/node'
import type { ConsoleBackend } from './console-backend'
import { databaseBackend } from './database-backend'
import { TerminalSession, wrapAtWords } from './terminal-session'

describe('a terminal session', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    await database.runScript('create table accounts (id int primary key, owner text not null);')
  })
  after(() => database.close())

  // a session drawing into a string, over the database (as `around` changes it)
  async function openTerminal(around = (backend: ConsoleBackend) => backend, history: string[] = []) {
    const screen = { text: '', clears: 0, cancels: 0, saved: [] as string[][] }
    const backend = around(databaseBackend(database, async () => void screen.cancels++))
    const session = new TerminalSession(
      backend,
      { write: (text) => (screen.text += text), clear: () => void screen.clears++ },
      { lines: history, save: (lines) => void screen.saved.push([...lines]) },
    )
    await session.start(['Hello.\n', 'Type \\? for help.\n\n'])
    // what typing `data` draws
    const draw = async (data: string) => {
      screen.text = ''
      await session.type(data)
      return screen.text
    }
    return { session, screen, draw }
  }

  it('greets, echoes what is typed and prints the result with the terminal’s line ends', async () => {
    const { screen, draw } = await openTerminal()
    assert.equal(screen.text, 'Hello.\r\nType \\? for help.\r\n\r\npostgres=> ')
    assert.equal(
      await draw('select 1 as one;\r'),
      'select 1 as one;\r\n one \r\n-----\r\n   1\r\n(1 row)\r\n\r\npostgres=> ',
    )
  })

  it('saves the history after each line and brings the last line back with the up arrow', async () => {
    const { session, screen, draw } = await openTerminal(undefined, ['select 0;'])
    await session.type('select 1;\r')
    assert.deepEqual(screen.saved, [['select 0;', 'select 1;']])
    assert.equal(await draw('\x1b[A'), '\r\x1b[Kpostgres=> select 1;')
  })

  it('clears the screen on clear and returns to the main prompt; inside a statement it is SQL', async () => {
    const { screen, draw } = await openTerminal()
    assert.equal(await draw('clear\r'), 'clear\r\npostgres=> ')
    assert.equal(screen.clears, 1)
    await draw('select 1 as\r')
    assert.equal(
      await draw('clear;\r'),
      'clear;\r\n clear \r\n-------\r\n     1\r\n(1 row)\r\n\r\npostgres=> ',
    )
    assert.equal(screen.clears, 1)
  })

  it('closes the session on \\q and starts a new one on Enter', async () => {
    const { session, draw } = await openTerminal()
    await session.type('\\x\r')
    assert.equal(await draw('\\q\r'), '\\q\r\nSession closed. Press Enter to start a new one.\r\n')
    assert.equal(await draw('\r'), '\r\nNew session.\r\npostgres=> ')
    // the new session has psql's defaults again: aligned output, not expanded
    assert.match(await draw('select 1 as one;\r'), /\r\n one \r\n-----\r\n/)
  })

  it('ends the session on Ctrl+D at an empty line, and drops the typed statement on Ctrl+C', async () => {
    const { session, draw } = await openTerminal()
    await session.type('select\r')
    assert.equal(await draw('1\x03'), '1^C\r\npostgres=> ')
    assert.equal(await draw('\x04'), 'Session closed. Press Enter to start a new one.\r\n')
  })

  it('completes a relation with Tab, and lists the choices on a second Tab', async () => {
    const { session, draw } = await openTerminal()
    assert.equal(
      await draw('select * from acc\t'),
      'select * from acc\r\x1b[Kpostgres=> select * from accounts ',
    )
    await session.type('\x15')
    assert.equal(await draw('\\d\t'), '\\d')
    assert.equal(await draw('\t'), '\r\n\\d  \\df  \\di  \\ds  \\dt  \\dv\r\npostgres=> \\d')
  })

  it('clears the screen on Ctrl+L and draws the prompt and the line again', async () => {
    const { session, screen, draw } = await openTerminal()
    await session.type('select')
    assert.equal(await draw('\x0c'), '\r\x1b[Kpostgres=> select')
    assert.equal(screen.clears, 1)
  })

  it('types a snippet’s beginning in place of the line, without running it, for the reader to finish', async () => {
    const { session, screen, draw } = await openTerminal()
    await session.type('select')
    screen.text = ''
    await session.typeCommand('select 6 * ')
    assert.equal(screen.text.slice(screen.text.lastIndexOf('\r')), '\r\x1b[Kpostgres=> select 6 * ')
    assert.equal(
      await draw('7 as answer;\r'),
      '7 as answer;\r\n answer \r\n--------\r\n     42\r\n(1 row)\r\n\r\npostgres=> ',
    )
  })

  it('keeps what is typed while a statement runs for after it, and cancels it on Ctrl+C', async () => {
    let release = () => undefined as void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { session, screen } = await openTerminal((backend) => ({
      ...backend,
      execute: async (sql) => (await gate, backend.execute(sql)),
    }))
    const running = session.type('select 1 as one;\r')
    await session.type('select 2 as two;\r')
    await session.runCommand('\\x')
    await session.type('\x03')
    assert.equal(screen.cancels, 1)
    release()
    await running
    assert.equal(
      screen.text.slice(screen.text.indexOf('select 1 as one;')),
      'select 1 as one;\r\nCancel request sent\r\n one \r\n-----\r\n   1\r\n(1 row)\r\n\r\n' +
        'postgres=> select 2 as two;\r\n two \r\n-----\r\n   2\r\n(1 row)\r\n\r\n' +
        'postgres=> \\x\r\nExpanded display is on.\r\npostgres=> ',
    )
  })
})

describe('wrapping help at words', () => {
  it('breaks a long line at a space, its rest under where the description begins', () => {
    const line = '  canary VERSION PERCENT  send PERCENT of traffic to VERSION, the rest to what runs now'
    assert.equal(
      wrapAtWords(line, 60),
      [
        '  canary VERSION PERCENT  send PERCENT of traffic to',
        '                          VERSION, the rest to what runs now',
      ].join('\n'),
    )
    // on a narrow screen a hang past half the width would leave no room: four under the indent
    assert.equal(
      wrapAtWords(line, 40),
      [
        '  canary VERSION PERCENT  send PERCENT',
        '      of traffic to VERSION, the rest to',
        '      what runs now',
      ].join('\n'),
    )
  })

  it('keeps short lines, and hangs a line without a description under its own indent', () => {
    assert.equal(
      wrapAtWords('short\n  a line of many words that runs past the edge', 20),
      ['short', '  a line of many', '  words that runs', '  past the edge'].join('\n'),
    )
  })
})

describe('a terminal on a narrow screen', () => {
  let database: PgliteDatabase
  before(async () => {
    database = await openDatabase()
    await database.runScript(
      'create table accounts (id int primary key, owner text not null, opened_at timestamptz, note text);',
    )
  })
  after(() => database.close())

  // a session on a screen `columns` wide, greeted; `drawn` empties what it drew so far
  async function openOn(columns: number) {
    let text = ''
    const session = new TerminalSession(
      databaseBackend(database, async () => undefined),
      { write: (drawn) => (text += drawn), clear: () => undefined, columns },
      { lines: [], save: () => undefined },
    )
    await session.start(['Hello.\n'])
    const drawn = () => {
      const all = text
      text = ''
      return all
    }
    return { session, drawn }
  }

  it('wraps its greeting at words to the screen, so no word is cut at the edge', async () => {
    let text = ''
    const session = new TerminalSession(
      databaseBackend(database, async () => undefined),
      { write: (drawn) => (text += drawn), clear: () => undefined, columns: 72 },
      { lines: [], save: () => undefined },
    )
    await session.start([
      'PostgreSQL 18 (PGlite) in your browser, inside the simulation: time and concurrency are simulated.\n',
    ])
    const lines = text.split('\r\n')
    assert.ok(lines.every((line) => line.length <= 72))
    assert.equal(lines[0], 'PostgreSQL 18 (PGlite) in your browser, inside the simulation: time and')
    assert.match(lines[1] ?? '', /^concurrency are simulated\.$/)
  })

  it('starts in \\x auto and says so: a table wider than the screen prints a record a row, a narrow one stays aligned', async () => {
    const { session, drawn } = await openOn(40)
    const greeting = drawn()
    // wrapped at words to the 40 columns, as help is
    assert.match(
      greeting.replace(/\s+/g, ' '),
      /A narrow screen: tables wider than its 40 columns print a record a row \(\\x auto;/,
    )
    assert.ok(greeting.split('\r\n').every((line) => line.length <= 40))
    await session.type('\\d accounts\r')
    assert.match(drawn(), /-\[ RECORD 1 \]-+\r\nColumn +\| id\r\n/)
    await session.type('select 1 as one;\r')
    assert.match(drawn(), /\r\n one \r\n-----\r\n   1\r\n/)
  })

  it('keeps psql’s aligned tables on a laptop’s screen', async () => {
    const { session, drawn } = await openOn(88)
    assert.doesNotMatch(drawn(), /narrow screen/)
    await session.type('\\d accounts\r')
    assert.match(drawn(), /Column +\| +Type/)
  })
})
