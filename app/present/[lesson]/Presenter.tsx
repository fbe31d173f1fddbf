'use client'

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import {
  foldTerminalOutput,
  openPresenterChannel,
  type PresenterView,
  type TerminalSize,
} from '@/app/_components/presenter/presenter-channel'
import { LessonWorkbench, type LessonWorkbenchData } from '@/app/_components/lesson/LessonWorkbench'
import type { TerminalOutput } from '@/app/_components/terminal/terminal-look'
import { initialLiveState, reduceLiveState, type LiveAction } from '@/app/_components/workbench/use-workbench'
import {
  createCommandSource,
  type WorkbenchCommand,
  type WorkbenchEvent,
} from '@/app/_components/workbench/workbench-host'
import '@/app/_components/presenter/presenter.css'

/** The presenter's keys: their values (KeyboardEvent.key, letters in lower case), names, and what they do. */
const keys: { values: string[]; names: string[]; does: string; command: WorkbenchCommand | 'help' }[] = [
  {
    values: ['ArrowRight', 'PageDown'],
    names: ['→', 'PageDown'],
    does: 'next step',
    command: { type: 'go', to: 'next' },
  },
  {
    values: ['ArrowLeft', 'PageUp'],
    names: ['←', 'PageUp'],
    does: 'previous step',
    command: { type: 'go', to: 'previous' },
  },
  { values: ['r'], names: ['R'], does: 'run the step', command: { type: 'run' } },
  { values: ['n'], names: ['N'], does: 'run it the naive way', command: { type: 'run', how: 'naive' } },
  { values: ['Home'], names: ['Home'], does: 'reset the lesson', command: { type: 'reset' } },
  {
    values: [' ', 'p'],
    names: ['Space', 'P'],
    does: 'play or pause traffic',
    command: { type: 'toggle traffic' },
  },
  { values: ['?'], names: ['?'], does: 'show or hide these keys', command: 'help' },
]

const commandForKey = new Map(
  keys.flatMap((entry) => entry.values.map((value) => [value, entry.command] as const)),
)

// keys typed into the editor, the terminal or a field are the learner's text, not commands
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('.xterm, .cm-editor') !== null
  )
}

/**
 * The presenter's window: the workbench in large type, driven from the keyboard, with the
 * lesson's speaker notes for the step at hand. Everything it shows is sent to the audience
 * window over a BroadcastChannel, which draws the same state without running a database.
 */
export function Presenter({
  workbench,
  lessonTitle,
  notes,
}: {
  workbench: LessonWorkbenchData
  lessonTitle: string
  notes: ReactNode
}) {
  const lesson = workbench.lesson
  const commands = useMemo(() => createCommandSource(), [])
  // the bar shows the step only: the SQL, which changes with every keystroke, is kept in a ref
  // for the audience, so typing does not draw the presenter's window twice
  const [current, setCurrent] = useState(0)
  const [audiences, setAudiences] = useState<ReadonlySet<string>>(new Set())
  const [isHelpShown, setIsHelpShown] = useState(false)
  const channel = useRef<ReturnType<typeof openPresenterChannel> | undefined>(undefined)
  // the presenter folds the same actions it sends, to hand a late audience the state so far
  const mirrored = useRef(initialLiveState)
  const terminal = useRef('')
  const terminalSize = useRef<TerminalSize | undefined>(undefined)
  const viewRef = useRef<PresenterView>({ current: 0, sql: '' })

  useEffect(() => {
    const opened = openPresenterChannel(lesson)
    channel.current = opened
    const sendSnapshot = () =>
      opened.send({
        kind: 'snapshot',
        state: mirrored.current,
        view: viewRef.current,
        terminal: terminal.current,
        ...(terminalSize.current && { size: terminalSize.current }),
      })
    const stop = opened.listen((message) => {
      if (message.kind === 'hello' || message.kind === 'here')
        setAudiences((current) => new Set(current).add(message.id))
      if (message.kind === 'hello') sendSnapshot()
      if (message.kind === 'bye' && message.from === 'audience')
        setAudiences((current) => new Set([...current].filter((id) => id !== message.id)))
    })
    // an audience window left open across a reload starts again from this window's state
    sendSnapshot()
    const sayBye = () => opened.send({ kind: 'bye', from: 'presenter', id: 'presenter' })
    window.addEventListener('pagehide', sayBye)
    return () => {
      sayBye()
      stop()
      window.removeEventListener('pagehide', sayBye)
      opened.close()
      channel.current = undefined
    }
  }, [lesson])

  const onLiveAction = useCallback((action: LiveAction) => {
    mirrored.current = reduceLiveState(mirrored.current, action)
    channel.current?.send({ kind: 'action', action })
  }, [])
  const onTerminalOutput = useCallback((output: TerminalOutput) => {
    if (output.kind === 'size') terminalSize.current = { cols: output.cols, rows: output.rows }
    terminal.current = foldTerminalOutput(terminal.current, output)
    channel.current?.send({ kind: 'terminal', output })
  }, [])
  const onEvent = useCallback((event: WorkbenchEvent) => {
    if (event.type !== 'view') return
    const next = { current: event.current, sql: event.sql }
    viewRef.current = next
    setCurrent(next.current)
    channel.current?.send({ kind: 'view', view: next })
  }, [])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target))
        return
      const command = commandForKey.get(event.key.length === 1 ? event.key.toLowerCase() : event.key)
      if (!command) return
      // a button reached by keyboard is pressed by Space as usual; one just clicked with the
      // mouse (Next, Previous) is not :focus-visible, and Space then pauses rather than goes on
      if (
        event.key === ' ' &&
        event.target instanceof HTMLButtonElement &&
        event.target.matches(':focus-visible')
      )
        return
      event.preventDefault()
      if (command === 'help') setIsHelpShown((shown) => !shown)
      else commands.send(command)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [commands])

  const step = workbench.steps[current]
  const stepId = step?.id ?? ''
  return (
    <main className="presenter">
      <header className="presenter-bar">
        <div>
          <p className="presenter-lesson">{lessonTitle} · presenter</p>
          <h1 className="presenter-step">
            {step ? `Step ${current + 1} of ${workbench.steps.length}: ${step.title}` : 'Every step has run'}
          </h1>
        </div>
        <div className="presenter-controls" role="group" aria-label="Presenter controls">
          <button
            type="button"
            className="secondary"
            onClick={() => commands.send({ type: 'go', to: 'previous' })}
          >
            ← Previous
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => commands.send({ type: 'go', to: 'next' })}
          >
            Next →
          </button>
          <button
            type="button"
            onClick={() =>
              window.open(
                `/present/${lesson}/audience`,
                `cutover-audience-${lesson}`,
                'popup,width=1280,height=800',
              )
            }
          >
            Open the audience window
          </button>
          <span className="presenter-audience" role="status">
            {audiences.size === 0
              ? 'Audience window: not open'
              : audiences.size === 1
                ? 'Audience window: in step'
                : `${audiences.size} audience windows: in step`}
          </span>
          <button
            type="button"
            className="secondary"
            aria-expanded={isHelpShown}
            onClick={() => setIsHelpShown((shown) => !shown)}
          >
            Keys
          </button>
        </div>
      </header>
      {isHelpShown && (
        <section className="presenter-keys" aria-label="Keys">
          <ul>
            {keys.map((entry) => (
              <li key={entry.does}>
                {entry.names.map((name, index) => (
                  <span key={name}>
                    {index > 0 && ' or '}
                    <kbd>{name}</kbd>
                  </span>
                ))}{' '}
                {entry.does}
              </li>
            ))}
          </ul>
          <p className="muted">
            Keys act outside the editor and the terminal; Esc then Tab leaves the terminal.
          </p>
        </section>
      )}
      <div className="presenter-main">
        <LessonWorkbench
          {...workbench}
          panels={['traffic', 'terminal', 'versions', 'sessions', 'deploy', 'audit', 'schema']}
          progressScope="presenter"
          followsStepInUrl={false}
          commands={commands}
          onEvent={onEvent}
          onLiveAction={onLiveAction}
          onTerminalOutput={onTerminalOutput}
          terminalFontSize={18}
        />
        <aside className="speaker-notes" aria-label="Speaker notes">
          <h2>Speaker notes</h2>
          {/* notes for other steps are hidden, not removed: the lesson's notes are rendered once */}
          <style>{`.speaker-notes [data-step]:not([data-step=""]):not([data-step="${cssString(stepId)}"]){display:none}`}</style>
          {notes}
        </aside>
      </div>
    </main>
  )
}

// a step id inside a CSS string: quotes and backslashes escaped
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&').replace(/[\n\r]/g, '')
}
