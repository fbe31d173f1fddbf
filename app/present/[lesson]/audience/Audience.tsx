'use client'

import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react'
import {
  foldTerminalOutput,
  openCourseChannel,
  openPresenterChannel,
  readPresenterMessage,
  type ClassJoining,
  type PresenterMessage,
  type PresenterView,
  type ProjectorLayout,
  type ProjectorLook,
  type ProjectorScreen,
  type TerminalSize,
} from '@/app/_components/presenter/presenter-channel'
import type { TerminalOutput } from '@/app/_components/terminal/terminal-look'
import {
  TerminalMirror,
  type MirroredOutput,
  type TerminalFeed,
} from '@/app/_components/terminal/TerminalMirror'
import { encodeAttempt } from '@/app/_components/attempt-link'
import { FitBox } from '@/app/_components/presenter/FitBox'
import { QrCode } from '@/app/_components/presenter/QrCode'
import { InvariantChart, SessionsPanel, TrafficChart, VersionGrid } from '@/app/_components/workbench'
import { formatClock } from '@/app/_components/workbench/format'
import { initialLiveState, reduceLiveState, type LiveState } from '@/app/_components/workbench/use-workbench'
import { VerdictView } from '@/app/_components/workbench/VerdictView'
import { useBrowserValue } from '@/app/_components/use-browser-value'
import { followClass, keepJoinedClass, readJoinedClass } from '@/app/_components/class/class-client'
import { classCodeSchema } from '@/app/_components/class/class-protocol'
import type { WorkbenchProps } from '@/app/_components/workbench/Workbench'
import '@/app/_components/workbench/workbench.css'
import '@/app/_components/presenter/presenter.css'

/** The terminal's output as the audience window keeps it, for the mirror to replay and follow. */
function createTerminalFeed(): TerminalFeed & {
  take(output: TerminalOutput): void
  reset(text: string, size?: TerminalSize): void
  /** Holds the mirror as it is (a frozen projector); thawed, it redraws from what was kept. */
  freeze(isFrozen: boolean): void
} {
  let kept = ''
  let lastSize: TerminalSize | undefined
  let isFrozen = false
  const listeners = new Set<(output: MirroredOutput) => void>()
  const emit = (output: MirroredOutput) => {
    if (isFrozen) return
    for (const listener of listeners) listener(output)
  }
  return {
    replay: () => ({ text: kept, ...(lastSize && { size: lastSize }) }),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    take(output) {
      if (output.kind === 'size') lastSize = { cols: output.cols, rows: output.rows }
      kept = foldTerminalOutput(kept, output)
      emit(output)
    },
    reset(text, size) {
      kept = text
      lastSize = size
      emit({ kind: 'reset', text, ...(size && { size }) })
    },
    freeze(frozen) {
      if (frozen === isFrozen) return
      isFrozen = frozen
      if (!frozen) emit({ kind: 'reset', text: kept, ...(lastSize && { size: lastSize }) })
    },
  }
}

/** What the projector needs of a lesson's workbench: no database, no editor. */
export type AudienceWorkbench = Pick<
  WorkbenchProps,
  'lesson' | 'steps' | 'versions' | 'endpoints' | 'invariants'
>

/** The class code in the address: a student's page follows that class, not a window beside it. */
function classInAddress(): string | undefined {
  const code = new URLSearchParams(window.location.search).get('class')
  return classCodeSchema.safeParse(code).success ? (code ?? undefined) : undefined
}

/**
 * The projector's window: what the presenter's window shows, drawn from the state it sends
 * over the BroadcastChannel. It runs no database and takes no input: the presenter drives.
 *
 * With `?class=CODE` it is a student's page in a live class instead: the same messages come
 * from the course's server (class-client.ts), on the student's own device.
 */
export function Audience({ workbench, lessonTitle }: { workbench: AudienceWorkbench; lessonTitle: string }) {
  const lesson = workbench.lesson
  const [state, dispatch] = useReducer(reduceLiveState, initialLiveState)
  const [view, setView] = useState<PresenterView | undefined>()
  const [presenter, setPresenter] = useState<'waiting' | 'here' | 'gone'>('waiting')
  const [screen, setScreen] = useState<ProjectorScreen>('live')
  const [look, setLook] = useState<ProjectorLook>({ layout: 'overview', typeScale: 1 })
  const [joining, setJoining] = useState<ClassJoining | null>(null)
  const [classProblem, setClassProblem] = useState<string | undefined>()
  const classCode = useBrowserValue(classInAddress, undefined)
  const feed = useMemo(() => createTerminalFeed(), [])
  // frozen, the panels keep what they showed: what the presenter sends waits, in order, and
  // lands when the projector follows again
  const isFrozenRef = useRef(false)
  const waiting = useRef<(() => void)[]>([])

  useEffect(() => feed.freeze(screen === 'frozen'), [feed, screen])

  // a presenter that opens another lesson takes this window along
  useEffect(() => {
    if (classInAddress()) return // a class's stream says where its presenter went
    const course = openCourseChannel()
    const stop = course.listen((presented) => {
      if (presented !== lesson) window.location.assign(`/present/${presented}/audience`)
    })
    return () => {
      stop()
      course.close()
    }
  }, [lesson])

  useEffect(() => {
    // one handler for both sources: a student's page draws exactly what the projector draws
    const take = (message: PresenterMessage, sayHere: () => void) => {
      const apply = (change: () => void) => {
        if (isFrozenRef.current) waiting.current.push(change)
        else change()
      }
      if (message.kind === 'snapshot') {
        apply(() => {
          dispatch({ type: 'replace', state: message.state })
          setView(message.view)
        })
        isFrozenRef.current = message.screen === 'frozen'
        setScreen(message.screen ?? 'live')
        if (message.look) setLook(message.look)
        if (message.joining !== undefined) setJoining(message.joining)
        feed.reset(message.terminal, message.size)
        setPresenter('here')
        sayHere()
      } else if (message.kind === 'action') apply(() => dispatch(message.action))
      else if (message.kind === 'view') apply(() => setView(message.view))
      else if (message.kind === 'terminal') feed.take(message.output)
      else if (message.kind === 'look') setLook(message.look)
      else if (message.kind === 'joining') setJoining(message.joining)
      else if (message.kind === 'screen') {
        isFrozenRef.current = message.screen === 'frozen'
        if (!isFrozenRef.current) for (const change of waiting.current.splice(0)) change()
        setScreen(message.screen)
      } else if (message.kind === 'bye' && message.from === 'presenter') setPresenter('gone')
    }

    const code = classInAddress()
    if (code) {
      keepJoinedClass({ code, sharesProgress: readJoinedClass()?.sharesProgress ?? false })
      return followClass(
        code,
        { where: 'following' },
        (event) => {
          if (event.kind === 'class') {
            // the presenter went on to another lesson: this page goes along
            if (event.class.lesson !== lesson)
              window.location.assign(`/present/${event.class.lesson}/audience?class=${code}`)
            else setPresenter(event.class.presenter)
            return
          }
          const message = readPresenterMessage(event.message, lesson)
          if (message) take(message, () => undefined)
        },
        setClassProblem,
      )
    }

    const channel = openPresenterChannel(lesson)
    // randomUUID exists only in secure contexts; a class may serve the course over plain http
    const id = Array.from(crypto.getRandomValues(new Uint32Array(4)), (part) => part.toString(36)).join('')
    // a presenter that reloaded learns this window is still watching
    const stop = channel.listen((message) => take(message, () => channel.send({ kind: 'here', id })))
    channel.send({ kind: 'hello', id })
    const sayBye = () => channel.send({ kind: 'bye', from: 'audience', id })
    window.addEventListener('pagehide', sayBye)
    return () => {
      sayBye()
      stop()
      window.removeEventListener('pagehide', sayBye)
      channel.close()
    }
  }, [feed, lesson])

  return (
    <>
      <AudienceScreen
        workbench={workbench}
        lessonTitle={lessonTitle}
        state={state}
        view={view}
        look={look}
        presenter={presenter}
        feed={feed}
        isFrozen={screen === 'frozen'}
        joining={joining}
        student={classCode ? { code: classCode, ...(classProblem && { problem: classProblem }) } : undefined}
      />
      {screen === 'black' && (
        <div className="audience-black" role="status" aria-label="The presenter blanked the screen" />
      )}
    </>
  )
}

/** The panels each layout puts on the projector, as CSS grid areas, two rows by two columns. */
const layoutAreas: Record<ProjectorLayout, string> = {
  overview: '"traffic terminal" "versions step"',
  locks: '"sessions sessions" "terminal step"',
  data: '"invariants versions" "traffic step"',
  terminal: '"terminal versions" "terminal step"',
}

/** What the projector draws from the presenter's state and view, fitted to the window. */
function AudienceScreen({
  workbench,
  lessonTitle,
  state,
  view,
  look,
  presenter,
  feed,
  isFrozen,
  joining,
  student,
}: {
  workbench: AudienceWorkbench
  lessonTitle: string
  state: LiveState
  view: PresenterView | undefined
  look: ProjectorLook
  presenter: 'waiting' | 'here' | 'gone'
  feed: TerminalFeed
  isFrozen: boolean
  /** The class the presenter opened, whose code and address the projector shows. */
  joining: ClassJoining | null
  /** This page is a student's in a live class, not the projector. */
  student: { code: string; problem?: string } | undefined
}) {
  const lesson = workbench.lesson
  const steps = workbench.steps
  const step = view ? steps[view.current] : undefined
  const lastRunStep = Math.min(state.nextStep, steps.length) - 1
  const verdict = state.runningStep === undefined ? state.verdicts[lastRunStep] : undefined
  // a lesson without invariants has nothing to show in their place: its overview instead
  const layout = look.layout === 'data' && workbench.invariants.length === 0 ? 'overview' : look.layout
  const areas = layoutAreas[layout]
  const has = (area: string) => areas.includes(area)

  const rootPx = useProjectorType(look.typeScale, student === undefined)
  // a student's phone: the terminal at a readable size, scrolled sideways, not 80 columns squeezed
  const isPhone = useSyncExternalStore(
    subscribeToResize,
    () => window.innerWidth < 900,
    () => false,
  )
  const sql = step && view && (step.isEditable || view.ran) ? view.sql : undefined

  return (
    <main className="audience" data-layout={layout} data-mode={student ? 'student' : 'projector'}>
      <header className="presenter-bar">
        <div>
          <p className="presenter-lesson">
            {lessonTitle} ·{' '}
            <span className="audience-clock">
              virtual clock {formatClock(state.nowMs)}
              {state.speed === 0 ? '' : `, ${state.speed}×`}
            </span>
          </p>
          <h1 className="presenter-step" data-step={step?.id}>
            {step
              ? `Step ${view!.current + 1} of ${steps.length}: ${step.title}`
              : view
                ? 'Every step has run'
                : 'Waiting for the presenter'}
          </h1>
        </div>
        {student ? (
          <StudentBar code={student.code} lesson={lesson} step={step?.id} sql={sql} />
        ) : joining ? (
          <JoinLink joining={joining} />
        ) : (
          step && <FollowLink lesson={lesson} step={step.id} sql={sql} />
        )}
        {student?.problem && (
          <p role="status" className="audience-waiting">
            Class {student.code}: {student.problem}. <a href="/join">Join a class</a> or{' '}
            <a href={`/learn/${lesson}`}>open the lesson</a>.
          </p>
        )}
        {presenter === 'waiting' && !student && (
          <p role="status" className="audience-waiting">
            This window mirrors a presenter’s window open in this same browser, at{' '}
            <a href={`/present/${lesson}`}>/present/{lesson}</a>. To follow on your own device, open the
            lesson itself: <a href={`/learn/${lesson}`}>/learn/{lesson}</a>.
          </p>
        )}
        {presenter === 'gone' && (
          <p role="status" className="audience-waiting">
            The presenter’s window closed. This view comes back when it opens again.
          </p>
        )}
        {state.speed === 0 && state.phase === 'live' && (
          <p role="status" className="audience-paused">
            Paused: the simulated clock is stopped
          </p>
        )}
        {isFrozen && (
          <p role="status" className="audience-frozen">
            Frozen by the presenter
          </p>
        )}
      </header>
      <div className="audience-main" style={{ gridTemplateAreas: areas }}>
        {/* the panels' headings are h3s, as on the lesson page under its Workbench heading */}
        <h2 className="visually-hidden">The simulation, live</h2>
        {has('traffic') && (
          <FitBox area="traffic">
            <TrafficChart
              versions={workbench.versions}
              metrics={state.metrics}
              markers={state.markers}
              nowMs={state.nowMs}
            />
          </FitBox>
        )}
        {has('versions') && (
          <FitBox area="versions">
            <VersionGrid
              versions={workbench.versions}
              endpoints={workbench.endpoints}
              statuses={state.endpoints}
              deployment={state.deployment}
              nowMs={state.nowMs}
            />
          </FitBox>
        )}
        {has('invariants') && (
          <FitBox area="invariants">
            <InvariantChart
              points={state.invariants}
              names={workbench.invariants}
              nowMs={state.nowMs}
              markers={state.markers}
            />
          </FitBox>
        )}
        {has('sessions') && (
          <FitBox area="sessions">
            <SessionsPanel
              sessions={state.sessions}
              moreSessions={state.moreSessions}
              nowMs={state.nowMs}
              onTerminate={() => undefined}
              disabled
            />
          </FitBox>
        )}
        {/* the terminal fits its box by its own font size, at the presenter's columns */}
        <div className="audience-terminal" style={{ gridArea: 'terminal' }} hidden={!has('terminal')}>
          {student && isPhone ? (
            <TerminalMirror feed={feed} fontSize={12} fitsWidth={false} />
          ) : (
            <TerminalMirror feed={feed} fontSize={Math.round(rootPx * 1.1)} fitsHeight />
          )}
        </div>
        <FitBox area="step">
          <div className="audience-step">
            {view && (step?.isEditable || view.ran) && (
              <section className="wb-panel" aria-label="The step’s SQL">
                {view.ran && <h3 className="audience-ran">{ranLabel(view.ran.how)}</h3>}
                <pre className="audience-sql" tabIndex={0} data-how={view.ran?.how ?? 'editor'}>
                  <code>{view.sql}</code>
                </pre>
              </section>
            )}
            {state.runningStep !== undefined && (
              <p className="workbench-running" role="status">
                Step {state.runningStep + 1} is running…
              </p>
            )}
            {verdict && <VerdictView verdict={verdict} steps={steps} />}
          </div>
        </FitBox>
      </div>
    </main>
  )
}

function ranLabel(how: NonNullable<PresenterView['ran']>['how']): string {
  if (how === 'naive') return 'What ran: the naive way'
  if (how === 'solution') return 'What ran: the lesson’s solution'
  return 'What ran'
}

/**
 * A student's own bar in a live class: the class they follow, a way out to try the step at hand
 * themselves (the lesson, at that step, with the SQL on screen), and a way to leave.
 */
function StudentBar({
  code,
  lesson,
  step,
  sql,
}: {
  code: string
  lesson: string
  step: string | undefined
  sql: string | undefined
}) {
  const tryUrl = useFollowUrl(lesson, step, sql)
  return (
    <nav className="audience-student" aria-label={`Class ${code}`}>
      <span>
        Following class <strong>{code}</strong>
      </span>
      <a className="button-link" href={tryUrl ?? `/learn/${lesson}`}>
        Try it yourself
      </a>
      <a
        href={`/learn/${lesson}`}
        onClick={() => {
          keepJoinedClass(undefined)
        }}
      >
        Leave the class
      </a>
    </nav>
  )
}

/** The class the presenter opened, on the projector: a QR code to its join page, and its code. */
function JoinLink({ joining }: { joining: ClassJoining }) {
  const { host, hostname, pathname } = new URL(joining.url)
  return (
    <figure className="audience-follow">
      <QrCode text={joining.url} label={`A QR code to join class ${joining.code} at ${host}${pathname}`} />
      <figcaption>
        Join the class: <a href={joining.url}>{`${host}${pathname}`}</a>, code{' '}
        <strong className="audience-class-code">{joining.code}</strong>
        {isLocalHost(hostname) && (
          <span className="audience-follow-note"> (this machine only: serve with npm start -- --lan)</span>
        )}
      </figcaption>
    </figure>
  )
}

/** An address only this machine reaches: a student's device cannot open it. */
function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

function subscribeToResize(onChange: () => void): () => void {
  window.addEventListener('resize', onChange)
  return () => window.removeEventListener('resize', onChange)
}

/**
 * The projector's type: the page's root size grows with the window from 16 px at 1280 × 720
 * (1920 × 1080 gives 24 px), times the presenter's type size, so every panel's rem-sized text
 * reads from the back of a room; FitBox shrinks what then does not fit.
 */
function useProjectorType(typeScale: number, isProjector: boolean): number {
  const windowScale = useSyncExternalStore(
    subscribeToResize,
    () => Math.max(1, Math.min(window.innerWidth / 1280, window.innerHeight / 720)),
    () => 1,
  )
  // a student's own screen keeps the site's type: it is read from arm's length
  const rootPx = isProjector ? Math.round(16 * windowScale * typeScale * 10) / 10 : 16
  useEffect(() => {
    if (!isProjector) return
    const root = document.documentElement
    root.style.fontSize = `${rootPx}px`
    return () => {
      root.style.fontSize = ''
    }
  }, [isProjector, rootPx])
  return rootPx
}

/**
 * The step on screen as a link and a QR code, for a student to pick up on their own device: the
 * lesson opens at that step with the SQL on screen in its editor (a share link, compressed in
 * the fragment; nothing is uploaded).
 */
function FollowLink({ lesson, step, sql }: { lesson: string; step: string; sql: string | undefined }) {
  const url = useFollowUrl(lesson, step, sql)
  if (!url) return null
  const { host, hostname, pathname } = new URL(url)
  const isLocal = isLocalHost(hostname)
  return (
    <figure className="audience-follow">
      <QrCode text={url} label={`A QR code for this step: ${host}${pathname}`} />
      <figcaption>
        Follow on your device:{' '}
        <a href={url}>
          {host}
          {pathname}
        </a>
        {isLocal && <span className="audience-follow-note"> (use this machine’s network address)</span>}
      </figcaption>
    </figure>
  )
}

/** The lesson's address at a step with the SQL on screen in its editor, once it is encoded. */
function useFollowUrl(lesson: string, step: string | undefined, sql: string | undefined): string | undefined {
  const [link, setLink] = useState<{ key: string; url: string } | undefined>()
  const key = `${lesson}/${step}/${sql ?? ''}`
  useEffect(() => {
    let isCurrent = true
    if (!step) return
    const page = `${window.location.origin}/learn/${lesson}/${step}`
    const made = sql
      ? encodeAttempt({ v: 1, lesson, step, sql }).then((encoded) =>
          encoded.ok ? `${page}#${encoded.fragment}` : page,
        )
      : Promise.resolve(page)
    void made
      .catch(() => page)
      .then((url) => {
        if (isCurrent) setLink({ key, url })
      })
    return () => {
      isCurrent = false
    }
  }, [key, lesson, sql, step])
  return link?.key === key ? link.url : undefined
}
