'use client'

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { LessonWorkbench } from '../lesson/LessonWorkbench'
import type { PresenterView } from '../presenter/presenter-channel'
import type { WorkbenchEvent } from '../workbench/workbench-host'
import {
  followClass,
  keepJoinedClass,
  readJoinedClass,
  sendReport,
  studentId,
  type JoinedClass,
} from './class-client'
import type { StudentReport } from './class-protocol'

/**
 * A lesson page opened by a student who joined a class in this tab (sessionStorage): the
 * class's bar says where the presenter is and leads back; a student who agreed to share
 * reports the step of their latest verdict and how it went, on each change and every
 * half-minute (the relay forgets a student it has not heard from for 90 s).
 */

const reportEveryMs = 30_000
const joinedChanged = 'cutover-class-joined'

function subscribeToJoined(onChange: () => void): () => void {
  window.addEventListener(joinedChanged, onChange)
  return () => window.removeEventListener(joinedChanged, onChange)
}

let lastJoined: JoinedClass | undefined
/** The class this tab joined, the same object while it does not change (useSyncExternalStore asks often). */
function readJoinedStable(): JoinedClass | undefined {
  const now = readJoinedClass()
  if (now?.code !== lastJoined?.code || now?.sharesProgress !== lastJoined?.sharesProgress) lastJoined = now
  return lastJoined
}

function useJoinedClass(): [JoinedClass | undefined, (joined: JoinedClass | undefined) => void] {
  const joined = useSyncExternalStore(subscribeToJoined, readJoinedStable, () => undefined)
  const change = useCallback((next: JoinedClass | undefined) => {
    keepJoinedClass(next)
    window.dispatchEvent(new Event(joinedChanged))
  }, [])
  return [joined, change]
}

/** The lesson page's workbench, telling the class how far this student got if they agreed. */
export function ClassLessonWorkbench(props: Parameters<typeof LessonWorkbench>[0]) {
  const [joined] = useJoinedClass()
  const lesson = props.lesson
  const latest = useRef<Omit<StudentReport, 'student'>>({ lesson, step: 0, outcome: 'not run' })
  const hasVerdict = useRef(false)

  const report = useCallback(() => {
    const now = readJoinedClass()
    if (now?.sharesProgress) void sendReport(now.code, { student: studentId(), ...latest.current })
  }, [])

  useEffect(() => {
    if (!joined?.sharesProgress) return
    report()
    const timer = window.setInterval(report, reportEveryMs)
    return () => window.clearInterval(timer)
  }, [joined, report])

  const onEvent = (event: WorkbenchEvent) => {
    const before = latest.current
    if (event.type === 'verdict') {
      // the naive way never passes: it is a demonstration, not the student's progress
      if (event.verdict.how === 'naive') return
      hasVerdict.current = true
      latest.current = {
        lesson,
        step: event.verdict.step,
        outcome: event.verdict.passed ? 'passed' : 'failed',
      }
    } else if (event.type === 'view' && !hasVerdict.current) {
      latest.current = { lesson, step: event.current, outcome: 'not run' }
    } else if (event.type === 'reset') {
      hasVerdict.current = false
      latest.current = { lesson, step: event.step, outcome: 'not run' }
    }
    if (before.step !== latest.current.step || before.outcome !== latest.current.outcome) report()
  }

  return <LessonWorkbench {...props} onEvent={onEvent} />
}

/**
 * The class's bar on a lesson page, for a student who stepped out to try: the presenter's step
 * now, a way back, the choice to share progress, and a way to leave the class.
 */
export function ClassBar({ lesson, stepTitles }: { lesson: string; stepTitles: string[] }) {
  const [joined, setJoined] = useJoinedClass()
  const [presented, setPresented] = useState<{ lesson: string; view?: PresenterView } | undefined>()
  const [problem, setProblem] = useState<string | undefined>()
  const code = joined?.code

  useEffect(() => {
    if (!code) return
    return followClass(
      code,
      { where: 'trying', isStepsOnly: true },
      (event) => {
        if (event.kind === 'class') setPresented((now) => ({ ...now, lesson: event.class.lesson }))
        else if (event.message.kind === 'view') {
          const view = event.message.view
          const at = event.message.lesson
          setPresented({ lesson: at, view })
        }
      },
      setProblem,
    )
  }, [code])

  if (!joined) return null
  const where = presented?.view
    ? presented.lesson === lesson
      ? `the presenter is at step ${presented.view.current + 1}${stepTitles[presented.view.current] ? `, ${stepTitles[presented.view.current]}` : ''}`
      : 'the presenter is in another lesson'
    : 'waiting for the presenter'
  return (
    <aside className="class-bar" aria-label={`Class ${joined.code}`}>
      <p role="status">
        Class <strong>{joined.code}</strong>: {problem ?? where}.
      </p>
      {!problem && (
        <a
          className="button-link"
          href={`/present/${presented?.lesson ?? lesson}/audience?class=${joined.code}`}
        >
          Rejoin the class
        </a>
      )}
      <label>
        <input
          type="checkbox"
          checked={joined.sharesProgress}
          onChange={(event) => setJoined({ ...joined, sharesProgress: event.target.checked })}
        />{' '}
        Share my progress with the presenter
      </label>
      <button type="button" className="secondary" onClick={() => setJoined(undefined)}>
        Leave the class
      </button>
    </aside>
  )
}
