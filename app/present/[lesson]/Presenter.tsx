'use client'

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import {
  foldTerminalOutput,
  openCourseChannel,
  openPresenterChannel,
  projectorLayouts,
  typeScaleLimits,
  type ClassJoining,
  type PresenterMessage,
  type PresenterView,
  type ProjectorLayout,
  type ProjectorLook,
  type ProjectorScreen,
  type TerminalSize,
} from '@/app/_components/presenter/presenter-channel'
import { useBrowserValue } from '@/app/_components/use-browser-value'
import { LessonWorkbench, type LessonWorkbenchData } from '@/app/_components/lesson/LessonWorkbench'
import type { TerminalOutput } from '@/app/_components/terminal/terminal-look'
import { initialLiveState, reduceLiveState, type LiveAction } from '@/app/_components/workbench/use-workbench'
import {
  createCommandSource,
  type ResetUndoOffer,
  type ResetUndoOutcome,
  type WorkbenchCommand,
  type WorkbenchEvent,
} from '@/app/_components/workbench/workbench-host'
import { PresenterClassControl, usePresenterClass } from '@/app/_components/class/PresenterClass'
import '@/app/_components/presenter/presenter.css'

/** The presenter's keys: their values (KeyboardEvent.key, letters in lower case), names, and what they do. */
const keys: {
  values: string[]
  names: string[]
  does: string
  command:
    | WorkbenchCommand
    | ProjectorLayout
    | 'help'
    | 'ask to reset'
    | 'undo the reset'
    | 'black'
    | 'freeze'
    | 'larger'
    | 'smaller'
}[] = [
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
  { values: ['Home'], names: ['Home'], does: 'reset the lesson (asks first)', command: 'ask to reset' },
  { values: ['u'], names: ['U'], does: 'undo the reset, while the bar offers it', command: 'undo the reset' },
  {
    values: [' ', 'p'],
    names: ['Space', 'P'],
    does: 'play or pause traffic',
    command: { type: 'toggle traffic' },
  },
  { values: ['b'], names: ['B'], does: 'black out the projector, or bring it back', command: 'black' },
  { values: ['.'], names: ['.'], does: 'freeze the projector, or let it follow again', command: 'freeze' },
  { values: ['1'], names: ['1'], does: 'projector: traffic, terminal and versions', command: 'overview' },
  { values: ['2'], names: ['2'], does: 'projector: the blocking chain large', command: 'locks' },
  { values: ['3'], names: ['3'], does: 'projector: invariants and versions', command: 'data' },
  { values: ['4'], names: ['4'], does: 'projector: the terminal large', command: 'terminal' },
  { values: ['+', '='], names: ['+'], does: 'larger type on the projector', command: 'larger' },
  { values: ['-'], names: ['−'], does: 'smaller type on the projector', command: 'smaller' },
  { values: ['?'], names: ['?'], does: 'show or hide these keys', command: 'help' },
]

// how long the bar offers to undo a reset, and says how an undo went
const undoOfferMs = 20_000
const undoNewsMs = 12_000

/** What the bar under the header says of the last reset: undo it, or how the undo went. */
interface ResetNews {
  text: string
  canUndo: boolean
}

// a clicker sends PageDown and PageUp: they move the class on whatever has focus, the terminal too
const clickerKeys = new Set(['PageDown', 'PageUp'])

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
 *
 * Running a step does not move the class on: the projector, the bar and the notes stay on the
 * step that ran, with its outcome and the SQL it ran, until the presenter goes on (→).
 */
export function Presenter({
  workbench,
  lessonTitle,
  durationMinutes,
  lessons,
  notes,
  projectorByStep,
}: {
  workbench: LessonWorkbenchData
  lessonTitle: string
  durationMinutes: number
  /** Every lesson a presenter can switch to, by slug, with its title. */
  lessons: { slug: string; title: string }[]
  notes: ReactNode
  /** The projector layout each step's notes name; a step not named takes `overview`. */
  projectorByStep: Record<string, ProjectorLayout>
}) {
  const lesson = workbench.lesson
  const commands = useMemo(() => createCommandSource(), [])
  // the step the page opens at: the address's (a reload lands where the presenter was)
  const isHydrated = useBrowserValue(() => true, false)
  const stepInUrl = useBrowserValue(
    () => new URLSearchParams(window.location.search).get('step') ?? undefined,
    undefined,
  )
  // the bar shows the step only: the SQL, which changes with every keystroke, is kept in a ref
  // for the audience, so typing does not draw the presenter's window twice
  const [atHand, setAtHand] = useState(0)
  // a step that ran stays on the projector until the presenter goes on
  const [held, setHeld] = useState<{ step: number; ran: NonNullable<PresenterView['ran']> } | undefined>()
  const [audiences, setAudiences] = useState<ReadonlySet<string>>(new Set())
  const [isHelpShown, setIsHelpShown] = useState(false)
  const [isAskingToReset, setIsAskingToReset] = useState(false)
  const [resetNews, setResetNews] = useState<ResetNews | undefined>()
  // the step the projector held when the lesson was reset: an undo holds it again
  const heldBeforeReset = useRef<typeof held>(undefined)
  const resetNewsRef = useRef(resetNews)
  const [screen, setScreen] = useState<ProjectorScreen>('live')
  const [typeScale, setTypeScale] = useState(1)
  // the layout the presenter picked, for the step it was picked at; elsewhere the notes' layout
  const [layoutChoice, setLayoutChoice] = useState<{ step: string; layout: ProjectorLayout } | undefined>()
  const shownStep = workbench.steps[held ? held.step : atHand]?.id ?? ''
  const look = useMemo<ProjectorLook>(
    () => ({
      layout:
        layoutChoice?.step === shownStep ? layoutChoice.layout : (projectorByStep[shownStep] ?? 'overview'),
      typeScale,
    }),
    [layoutChoice, projectorByStep, shownStep, typeScale],
  )
  const shownStepRef = useRef(shownStep)
  useEffect(() => {
    shownStepRef.current = shownStep
  }, [shownStep])
  const chooseLayout = useCallback(
    (layout: ProjectorLayout) => setLayoutChoice({ step: shownStepRef.current, layout }),
    [],
  )
  const lookRef = useRef(look)
  const channel = useRef<ReturnType<typeof openPresenterChannel> | undefined>(undefined)
  // the presenter folds the same actions it sends, to hand a late audience the state so far
  const mirrored = useRef(initialLiveState)
  const terminal = useRef('')
  const terminalSize = useRef<TerminalSize | undefined>(undefined)
  const editorRef = useRef<{ current: number; sql: string }>({ current: 0, sql: '' })
  const heldRef = useRef(held)
  const isOpenedRef = useRef(false)
  const screenRef = useRef(screen)
  const joiningRef = useRef<ClassJoining | null>(null)

  // what the projector shows: the held step with the SQL it ran, else the step at hand
  const viewNow = useCallback((): PresenterView => {
    const holding = heldRef.current
    if (holding) return { current: holding.step, sql: holding.ran.text, ran: holding.ran }
    return { ...editorRef.current }
  }, [])
  // the whole state, for an audience window that opens late and for a class's students
  const snapshotNow = useCallback(
    (): PresenterMessage & { kind: 'snapshot' } => ({
      kind: 'snapshot',
      state: mirrored.current,
      view: viewNow(),
      terminal: terminal.current,
      screen: screenRef.current,
      look: lookRef.current,
      joining: joiningRef.current,
      ...(terminalSize.current && { size: terminalSize.current }),
    }),
    [viewNow],
  )
  // what the audience windows hear goes to the class too, when one is open
  const publishToClass = useRef<(message: PresenterMessage) => void>(() => undefined)
  const sendToAudience = useCallback((message: PresenterMessage) => {
    channel.current?.send(message)
    publishToClass.current(message)
  }, [])
  const sendView = useCallback(
    () => sendToAudience({ kind: 'view', view: viewNow() }),
    [sendToAudience, viewNow],
  )
  const onJoining = useCallback(
    (joining: ClassJoining | null) => {
      joiningRef.current = joining
      sendToAudience({ kind: 'joining', joining })
    },
    [sendToAudience],
  )
  const liveClass = usePresenterClass({ lesson, snapshot: snapshotNow, onJoining })
  useEffect(() => {
    publishToClass.current = liveClass.publish
  }, [liveClass.publish])

  useEffect(() => {
    const opened = openPresenterChannel(lesson)
    channel.current = opened
    const sendSnapshot = () => opened.send(snapshotNow())
    const stop = opened.listen((message) => {
      if (message.kind === 'hello' || message.kind === 'here')
        setAudiences((current) => new Set(current).add(message.id))
      if (message.kind === 'hello') sendSnapshot()
      if (message.kind === 'bye' && message.from === 'audience')
        setAudiences((current) => new Set([...current].filter((id) => id !== message.id)))
    })
    // an audience window left open across a reload starts again from this window's state, and
    // one left on another lesson follows this window here
    sendSnapshot()
    const course = openCourseChannel()
    course.announce(lesson)
    const sayBye = () => sendToAudience({ kind: 'bye', from: 'presenter', id: 'presenter' })
    window.addEventListener('pagehide', sayBye)
    return () => {
      sayBye()
      stop()
      window.removeEventListener('pagehide', sayBye)
      opened.close()
      course.close()
      channel.current = undefined
    }
  }, [lesson, sendToAudience, snapshotNow])

  useEffect(() => {
    lookRef.current = look
    sendToAudience({ kind: 'look', look })
  }, [look, sendToAudience])

  useEffect(() => {
    screenRef.current = screen
    sendToAudience({ kind: 'screen', screen })
  }, [screen, sendToAudience])

  const onLiveAction = useCallback(
    (action: LiveAction) => {
      mirrored.current = reduceLiveState(mirrored.current, action)
      sendToAudience({ kind: 'action', action })
    },
    [sendToAudience],
  )
  const onTerminalOutput = useCallback(
    (output: TerminalOutput) => {
      if (output.kind === 'size') terminalSize.current = { cols: output.cols, rows: output.rows }
      terminal.current = foldTerminalOutput(terminal.current, output)
      sendToAudience({ kind: 'terminal', output })
    },
    [sendToAudience],
  )
  const release = useCallback(() => {
    heldRef.current = undefined
    setHeld(undefined)
  }, [])
  const onEvent = useCallback(
    (event: WorkbenchEvent) => {
      if (event.type === 'ready') {
        isOpenedRef.current = true
        const id = workbench.steps[event.step]?.id
        if (id) window.history.replaceState(null, '', `?step=${encodeURIComponent(id)}`)
      } else if (event.type === 'run') {
        const next = { step: event.step, ran: { how: event.how, text: event.text } }
        heldRef.current = next
        setHeld(next)
        // a run after a reset is new work: the workbench no longer keeps the reset's undo
        setResetNews((news) => (news?.canUndo ? undefined : news))
        sendView()
      } else if (event.type === 'reset') {
        release()
        sendView()
        setResetNews(newsOfReset(event.step, event.undo))
      } else if (event.type === 'reset undone') {
        const holding = heldBeforeReset.current
        heldBeforeReset.current = undefined
        if (event.outcome.ok && holding) {
          heldRef.current = holding
          setHeld(holding)
          sendView()
        }
        setResetNews(newsOfUndo(event.outcome))
      } else if (event.type === 'view') {
        editorRef.current = { current: event.current, sql: event.sql }
        setAtHand(event.current)
        // the workbench opened elsewhere (previous, undo, reset): the held step is gone
        const holding = heldRef.current
        if (holding && event.current !== holding.step && event.current !== holding.step + 1) release()
        // a reload opens where the presenter was: the step at hand is in the address, once the
        // workbench has opened at the step the address asked for
        const id = workbench.steps[event.current]?.id
        if (id && isOpenedRef.current)
          window.history.replaceState(null, '', `?step=${encodeURIComponent(id)}`)
        sendView()
      }
    },
    [release, sendView, workbench.steps],
  )

  const undoReset = useCallback(() => {
    if (!resetNewsRef.current?.canUndo) return
    resetNewsRef.current = { text: 'Undoing the reset…', canUndo: false }
    setResetNews(resetNewsRef.current)
    commands.send({ type: 'undo reset' })
  }, [commands])

  // the offer to undo lasts a while, then the bar clears; so does the news of an undo
  useEffect(() => {
    resetNewsRef.current = resetNews
    if (!resetNews) return
    const timer = window.setTimeout(
      () => setResetNews(undefined),
      resetNews.canUndo ? undoOfferMs : undoNewsMs,
    )
    return () => window.clearTimeout(timer)
  }, [resetNews])

  const goOn = useCallback(
    (to: 'next' | 'previous') => {
      // after a run, → shows the step the workbench is at; only then does it move on
      if (to === 'next' && heldRef.current && editorRef.current.current !== heldRef.current.step) {
        release()
        sendView()
        return
      }
      release()
      commands.send({ type: 'go', to })
    },
    [commands, release, sendView],
  )

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return
      const isClicker = clickerKeys.has(event.key)
      if (!isClicker && isTyping(event.target)) return
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
      // the terminal would scroll on PageUp and PageDown: the class moves on instead
      if (isClicker) event.stopPropagation()
      if (command === 'help') setIsHelpShown((shown) => !shown)
      else if (command === 'ask to reset') setIsAskingToReset(true)
      else if (command === 'undo the reset') undoReset()
      else if (command === 'black') setScreen((now) => (now === 'black' ? 'live' : 'black'))
      else if (command === 'freeze') setScreen((now) => (now === 'frozen' ? 'live' : 'frozen'))
      else if (command === 'larger' || command === 'smaller')
        setTypeScale((now) => nextTypeScale(now, command))
      else if (typeof command === 'string') chooseLayout(command)
      else if (command.type === 'go') goOn(command.to)
      else commands.send(command)
    }
    // capture: before the terminal, which takes the keys it is given
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [chooseLayout, commands, goOn, undoReset])

  const shown = held ? held.step : atHand
  const step = workbench.steps[shown]
  const stepId = step?.id ?? ''
  const nextStep = workbench.steps[shown + 1]
  return (
    <main className="presenter">
      <header className="presenter-bar">
        <div>
          <p className="presenter-lesson">
            <label>
              <span className="visually-hidden">Lesson</span>
              <select
                value={lesson}
                onChange={(event) => window.location.assign(`/present/${event.target.value}`)}
              >
                {lessons.map((entry) => (
                  <option key={entry.slug} value={entry.slug}>
                    {entry.slug === lesson ? lessonTitle : entry.title}
                  </option>
                ))}
              </select>
            </label>{' '}
            · presenter · <ClassTimer lesson={lesson} durationMinutes={durationMinutes} />
          </p>
          <h1 className="presenter-step">
            {step ? `Step ${shown + 1} of ${workbench.steps.length}: ${step.title}` : 'Every step has run'}
          </h1>
          <p className="presenter-next" data-testid="next-step">
            {held && atHand !== held.step
              ? `→ shows step ${atHand + 1}${workbench.steps[atHand] ? `: ${workbench.steps[atHand].title}` : ''}`
              : nextStep
                ? `Next: step ${shown + 2}, ${nextStep.title}`
                : 'This is the last step'}
          </p>
        </div>
        <div className="presenter-controls" role="group" aria-label="Presenter controls">
          <button type="button" className="secondary" onClick={() => goOn('previous')}>
            ← Previous
          </button>
          <button type="button" className="secondary" onClick={() => goOn('next')}>
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
            {screen === 'black' ? ' · blacked out (B)' : screen === 'frozen' ? ' · frozen (.)' : ''}
          </span>
          <ProjectorLookControls
            look={look}
            onLayout={chooseLayout}
            onTypeScale={(change) => setTypeScale((now) => nextTypeScale(now, change))}
          />
          <PresenterClassControl
            state={liveClass.state}
            stepTitle={(presented, index) =>
              presented === lesson ? `step ${index + 1}` : `${presented}, step ${index + 1}`
            }
            onOpen={() => void liveClass.open()}
            onClose={() => void liveClass.close()}
          />
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
      {isAskingToReset && (
        <ResetQuestion
          onReset={() => {
            setIsAskingToReset(false)
            heldBeforeReset.current = heldRef.current
            release()
            commands.send({ type: 'reset' })
          }}
          onKeep={() => setIsAskingToReset(false)}
        />
      )}
      <div className="presenter-reset-news" role="status" aria-label="Reset">
        {resetNews && (
          <p>
            {resetNews.text}
            {resetNews.canUndo && (
              <>
                {' · '}
                <button type="button" className="secondary" onClick={undoReset}>
                  Undo (U)
                </button>
              </>
            )}
          </p>
        )}
      </div>
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
            Keys act outside the editor and the terminal, except a clicker’s PageDown and PageUp, which act
            everywhere; Esc then Tab leaves the terminal. Running a step keeps it on the projector: → shows
            the next one.
          </p>
        </section>
      )}
      <div className="presenter-main">
        {isHydrated && (
          <LessonWorkbench
            {...workbench}
            {...(stepInUrl && { initialStep: stepInUrl })}
            panels={['traffic', 'terminal', 'versions', 'sessions', 'deploy', 'audit', 'schema']}
            progressScope="presenter"
            followsStepInUrl={false}
            commands={commands}
            onEvent={onEvent}
            onLiveAction={onLiveAction}
            onTerminalOutput={onTerminalOutput}
            terminalFontSize={18}
          />
        )}
        <aside
          className="speaker-notes"
          aria-label="Speaker notes"
          // a step's notes before its run say what to ask; once it runs (its own way or the
          // solution, not the naive way, which notes set up before the real run), what to point at
          data-phase={held && held.ran.how !== 'naive' ? 'after' : 'before'}
        >
          <h2>Speaker notes</h2>
          {/* notes for other steps are hidden, not removed: the lesson's notes are rendered once */}
          <style>{`.speaker-notes [data-step]:not([data-step=""]):not([data-step="${cssString(stepId)}"]){display:none}`}</style>
          {notes}
        </aside>
      </div>
    </main>
  )
}

const layoutNames: Record<ProjectorLayout, string> = {
  overview: 'Traffic, terminal, versions',
  locks: 'The blocking chain',
  data: 'Invariants and versions',
  terminal: 'The terminal',
}

function nextTypeScale(scale: number, change: 'larger' | 'smaller'): number {
  const { min, max, step } = typeScaleLimits
  const next = Math.round((scale + (change === 'larger' ? step : -step)) * 10) / 10
  return Math.min(max, Math.max(min, next))
}

/** What the projector shows and how large: the presenter picks for the moment in the lesson. */
function ProjectorLookControls({
  look,
  onLayout,
  onTypeScale,
}: {
  look: ProjectorLook
  onLayout(layout: ProjectorLayout): void
  onTypeScale(change: 'larger' | 'smaller'): void
}) {
  return (
    <span className="presenter-look" role="group" aria-label="Projector">
      <label>
        Projector{' '}
        <select value={look.layout} onChange={(event) => onLayout(event.target.value as ProjectorLayout)}>
          {projectorLayouts.map((layout) => (
            <option key={layout} value={layout}>
              {layoutNames[layout]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="secondary"
        title="Smaller type on the projector (−)"
        disabled={look.typeScale <= typeScaleLimits.min}
        onClick={() => onTypeScale('smaller')}
      >
        Smaller
      </button>
      <span className="presenter-type-scale">type {Math.round(look.typeScale * 100)}%</span>
      <button
        type="button"
        className="secondary"
        title="Larger type on the projector (+)"
        disabled={look.typeScale >= typeScaleLimits.max}
        onClick={() => onTypeScale('larger')}
      >
        Larger
      </button>
    </span>
  )
}

// what the bar says once the lesson was reset: how to undo it, or why it cannot be
function newsOfReset(step: number, undo: ResetUndoOffer): ResetNews {
  const what = `Lesson reset to step ${step + 1}`
  return undo.ok
    ? { text: what, canUndo: true }
    : { text: `${what}. It cannot be undone: ${undo.reason}.`, canUndo: false }
}

// what the bar says of an undo: what came back, and, exactly, what did not
function newsOfUndo(outcome: ResetUndoOutcome): ResetNews {
  if (!outcome.ok) return { text: `The reset could not be undone: ${outcome.reason}.`, canUndo: false }
  const lost = outcome.notRestored.length > 0 ? ` Not brought back: ${outcome.notRestored.join(', ')}.` : ''
  return {
    text: `Reset undone: back at step ${outcome.step + 1} with the database, the verdicts and the deployment as they were.${lost} The charts start again from here.`,
    canUndo: false,
  }
}

/** Home asks first: a reset forgets every step's verdict in front of the class, until it is undone. */
function ResetQuestion({ onReset, onKeep }: { onReset(): void; onKeep(): void }) {
  const keep = useRef<HTMLButtonElement>(null)
  useEffect(() => keep.current?.focus(), [])
  return (
    <div
      className="presenter-question"
      role="alertdialog"
      aria-label="Reset the lesson?"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onKeep()
      }}
    >
      <p>
        Reset the lesson to step 1? Every step’s verdict is forgotten; for {undoOfferMs / 1000} seconds after,
        U undoes it.
      </p>
      <button type="button" className="danger" onClick={onReset}>
        Reset the lesson
      </button>
      <button type="button" className="secondary" ref={keep} onClick={onKeep}>
        Keep going
      </button>
    </div>
  )
}

/**
 * Time since the class began (this lesson's presenter first opened in this tab) and what is left
 * of the lesson's length; a reload keeps the count. Its own component: its tick redraws only it.
 */
function ClassTimer({ lesson, durationMinutes }: { lesson: string; durationMinutes: number }) {
  const startedMs = useBrowserValue(() => classStartedMs(lesson), undefined)
  const [nowMs, setNowMs] = useState<number | undefined>(undefined)
  useEffect(() => {
    const timer = window.setInterval(() => setNowMs(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [])
  if (nowMs === undefined || startedMs === undefined) return null
  const elapsed = Math.max(0, Math.floor((nowMs - startedMs) / 1000))
  const left = durationMinutes * 60 - elapsed
  const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
  return (
    <span className="presenter-timer" data-testid="class-timer">
      {clock(elapsed)} elapsed ·{' '}
      {left >= 0 ? `${clock(left)} left of ${durationMinutes} min` : `${clock(-left)} over`}
    </span>
  )
}

// when this tab first presented the lesson, kept for the tab's life so a reload keeps counting
function classStartedMs(lesson: string): number {
  const key = `cutover-class-started:${lesson}`
  const stored = Number(window.sessionStorage.getItem(key))
  if (Number.isFinite(stored) && stored > 0) return stored
  const now = Date.now()
  window.sessionStorage.setItem(key, String(now))
  return now
}

// a step id inside a CSS string: quotes and backslashes escaped
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&').replace(/[\n\r]/g, '')
}
