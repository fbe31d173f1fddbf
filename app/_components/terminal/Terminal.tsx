'use client'

import { useEffect, useId, useRef } from 'react'
import '@xterm/xterm/css/xterm.css'
import type { WorkerDatabase } from '@/lib/engine'
import { createSimulationClient, workbenchConsole, type ConsoleScenario } from '@/lib/workbench'
import { parseHistory, TerminalSession } from '@/lib/terminal'
import { onTerminalCommand } from './terminal-commands'
import type { TerminalOutput } from './terminal-look'
import { openXtermScreen } from './xterm-screen'
import './terminal.css'

const historyKey = 'cutover:terminal-history'

function readHistory(): string[] {
  try {
    return parseHistory(window.localStorage.getItem(historyKey))
  } catch {
    return []
  }
}

function saveHistory(history: readonly string[]): void {
  try {
    window.localStorage.setItem(historyKey, JSON.stringify(history))
  } catch {
    // storage may be off (private mode): history then lasts as long as the page
  }
}

/**
 * The workbench's terminal: xterm.js showing the psql-style interpreter, whose session
 * lives in the lesson's simulation. The interpreter does the work; this draws and types.
 */
export function Terminal({
  database,
  scenario,
  replaceWorker,
  onOutput,
  fontSize = 13,
}: {
  database: WorkerDatabase | undefined
  scenario: ConsoleScenario
  /** Stops a statement Postgres itself is running (the worker is replaced; traffic resumes). */
  replaceWorker: () => Promise<void>
  /** Told of everything drawn, in order. */
  onOutput?: (output: TerminalOutput) => void
  /** In CSS pixels; 13 by default, larger for a projector. */
  fontSize?: number
}) {
  const screen = useRef<HTMLDivElement>(null)
  const headingId = useId()
  const replaceWorkerRef = useRef(replaceWorker)
  const onOutputRef = useRef(onOutput)
  useEffect(() => {
    replaceWorkerRef.current = replaceWorker
    onOutputRef.current = onOutput
  }, [replaceWorker, onOutput])

  useEffect(() => {
    const element = screen.current
    if (!database || !element) return
    let isDisposed = false
    let dispose = () => undefined as void
    const tellOutput = (output: TerminalOutput) => onOutputRef.current?.(output)
    void openXtermScreen(element, fontSize, tellOutput, () => isDisposed).then((screen) => {
      if (!screen) return
      const backend = workbenchConsole(
        {
          ...createSimulationClient(database),
          run: (sql) => database.run(sql),
          replaceWorker: () => replaceWorkerRef.current(),
          onReplaced: (listener) => database.onReplaced(listener),
        },
        scenario,
      )
      const session = new TerminalSession(backend, screen, { lines: readHistory(), save: saveHistory })
      const stopData = screen.onData((data) => void session.type(data))
      const stopSnippets = onTerminalCommand((input) => {
        element.scrollIntoView({ block: 'nearest' })
        screen.focus()
        void (input.submits ? session.runCommand(input.text) : session.typeCommand(input.text))
      })
      void session.start([
        'PostgreSQL 18 (PGlite) in your browser, inside the simulation: time and concurrency are simulated.\n',
        'Type \\? for psql meta-commands, help for the operator commands (deploy, canary, sessions, ...).\n\n',
      ])
      element.dataset.ready = 'true'

      dispose = () => {
        stopSnippets()
        backend.close()
        stopData()
        screen.dispose()
        delete element.dataset.ready
      }
    })
    return () => {
      isDisposed = true
      dispose()
    }
  }, [database, fontSize, scenario])

  return (
    <section className="wb-panel terminal-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>Terminal</h3>
      <div className="terminal-screen" ref={screen} data-testid="terminal" />
      <p className="terminal-keys">
        Enter runs · ↑↓ history · Tab completes · Ctrl+C cancels · Esc then Tab leaves the terminal
      </p>
    </section>
  )
}
