'use client'

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import {
  foldTerminalOutput,
  openPresenterChannel,
  type PresenterView,
} from '@/app/_components/presenter/presenter-channel'
import { LessonWorkbench } from '@/app/_components/lesson/LessonWorkbench'
import type { TerminalOutput } from '@/app/_components/terminal/Terminal'
import { initialLiveState, reduceLiveState, type LiveAction } from '@/app/_components/workbench/use-workbench'
import {
  createCommandSource,
  type WorkbenchCommand,
  type WorkbenchEvent,
  type WorkbenchProps,
} from '@/app/_components/workbench/Workbench'
import '@/app/_components/presenter/presenter.css'

type PresenterWorkbenchProps = Pick<
  WorkbenchProps,
  | 'lesson'
  | 'scenario'
  | 'steps'
  | 'versions'
  | 'endpoints'
  | 'invariants'
  | 'snapshotUrl'
  | 'requestsPerSecond'
>

/** The presenter's keys: what each does, as the help lists them. */
const keys: { keys: string[]; does: string; command: WorkbenchCommand | 'help' }[] = [
  { keys: ['→', 'PageDown'], does: 'next step', command: { type: 'go', to: 'next' } },
  { keys: ['←', 'PageUp'], does: 'previous step', command: { type: 'go', to: 'previous' } },
  { keys: ['R'], does: 'run the step', command: { type: 'run' } },
  { keys: ['N'], does: 'run it the naive way', command: { type: 'run', how: 'naive' } },
  { keys: ['Home'], does: 'reset the lesson', command: { type: 'reset' } },
  { keys: ['Space', 'P'], does: 'play or pause traffic', command: { type: 'toggle traffic' } },
  { keys: ['?'], does: 'show or hide these keys', command: 'help' },
]

const commandForKey: Record<string, WorkbenchCommand | 'help'> = {
  ArrowRight: { type: 'go', to: 'next' },
  PageDown: { type: 'go', to: 'next' },
  ArrowLeft: { type: 'go', to: 'previous' },
  PageUp: { type: 'go', to: 'previous' },
  r: { type: 'run' },
  n: { type: 'run', how: 'naive' },
  Home: { type: 'reset' },
  ' ': { type: 'toggle traffic' },
  p: { type: 'toggle traffic' },
  '?': 'help',
}

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
  workbench: PresenterWorkbenchProps
  lessonTitle: string
  notes: ReactNode
}) {
  const lesson = workbench.lesson
  const commands = useMemo(() => createCommandSource(), [])
  const [view, setView] = useState<PresenterView>({ current: 0, sql: '' })
  const [hasAudience, setHasAudience] = useState(false)
  const [isHelpShown, setIsHelpShown] = useState(false)
  const channel = useRef<ReturnType<typeof openPresenterChannel> | undefined>(undefined)
  // the presenter folds the same actions it sends, to hand a late audience the state so far
  const mirrored = useRef(initialLiveState)
  const terminal = useRef('')
  const viewRef = useRef(view)

  useEffect(() => {
    const opened = openPresenterChannel(lesson)
    channel.current = opened
    const sendSnapshot = () =>
      opened.send({
        kind: 'snapshot',
        state: mirrored.current,
        view: viewRef.current,
        terminal: terminal.current,
      })
    const stop = opened.listen((message) => {
      if (message.kind === 'hello') {
        setHasAudience(true)
        sendSnapshot()
      } else if (message.kind === 'bye') setHasAudience(false)
    })
    // an audience window left open across a reload starts again from this window's state
    sendSnapshot()
    const sayBye = () => opened.send({ kind: 'bye' })
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
    terminal.current = foldTerminalOutput(terminal.current, output)
    channel.current?.send({ kind: 'terminal', output })
  }, [])
  const onEvent = useCallback((event: WorkbenchEvent) => {
    if (event.type !== 'view') return
    const next = { current: event.current, sql: event.sql }
    viewRef.current = next
    setView(next)
    channel.current?.send({ kind: 'view', view: next })
  }, [])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target))
        return
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
      const command = commandForKey[key === '?' ? '?' : key]
      if (!command) return
      // Space on a focused button presses it; only elsewhere is it play and pause
      if (key === ' ' && event.target instanceof HTMLButtonElement) return
      event.preventDefault()
      if (command === 'help') setIsHelpShown((shown) => !shown)
      else commands.send(command)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [commands])

  const step = workbench.steps[view.current]
  const stepId = step?.id ?? ''
  return (
    <div className="presenter">
      <header className="presenter-bar">
        <div>
          <p className="presenter-lesson">{lessonTitle} · presenter</p>
          <p className="presenter-step" aria-live="polite">
            {step
              ? `Step ${view.current + 1} of ${workbench.steps.length}: ${step.title}`
              : 'Every step has run'}
          </p>
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
            {hasAudience ? 'Audience window: in step' : 'Audience window: not open'}
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
                {entry.keys.map((name, index) => (
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
    </div>
  )
}

// a step id inside a CSS string: quotes and backslashes escaped
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&').replace(/[\n\r]/g, '')
}
