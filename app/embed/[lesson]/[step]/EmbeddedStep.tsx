'use client'

import { useEffect, useMemo } from 'react'
import { useBrowserValue } from '@/app/_components/use-browser-value'
import {
  parseEmbedOptions,
  readEmbedCommand,
  type EmbedEvent,
  type EmbedOptions,
} from '@/app/_components/embed/embed-protocol'
import { LessonWorkbench, type LessonWorkbenchData } from '@/app/_components/lesson/LessonWorkbench'
import {
  createCommandSource,
  type StepStatus,
  type WorkbenchEvent,
} from '@/app/_components/workbench/workbench-host'
import '@/app/_components/embed/embed.css'

/** The embed's step: its options read from the address, its events sent to the host page. */
export function EmbeddedStep({
  workbench,
  step,
  stepTitle,
  lessonTitle,
}: {
  workbench: LessonWorkbenchData
  step: string
  stepTitle: string
  lessonTitle: string
}) {
  // the query string is read in the browser: the page itself is static
  const search = useBrowserValue<string | null>(() => window.location.search, null)
  const parsed = useMemo(() => (search === null ? undefined : parseEmbedOptions(search)), [search])
  const commands = useMemo(() => createCommandSource(), [])
  const lesson = workbench.lesson
  const isDelmo = workbench.steps.find((candidate) => candidate.id === step)?.language === 'delmo'

  const options = parsed?.options
  // rejected options turn the host's line off too: a rejected `origin` must not become any origin
  const hostLine = parsed?.ok ? parsed.options : undefined
  useEffect(() => {
    if (!options) return
    if (options.theme === 'auto') delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = options.theme
  }, [options])

  // a frame that sends nothing says why, where its host's author looks: the console
  useEffect(() => {
    if (parsed && !parsed.ok)
      console.warn(
        `Cutover embed: its options were not used and it sends no events: ${parsed.problems.join('; ')}`,
      )
    const host = window.location.ancestorOrigins?.[0]
    if (parsed?.ok && parsed.options.origin && host && host !== parsed.options.origin)
      console.warn(
        `Cutover embed: the origin option is ${parsed.options.origin}, but this frame is in a page of ${host}: it sends that page no events and takes no commands from it.`,
      )
  }, [parsed])

  // events go to the host page; with an `origin` option, to that origin only
  useEffect(() => {
    if (!hostLine) return
    const post = eventPoster(hostLine, lesson, step)
    // the content's own height, which can shrink, unlike the document's scroll height
    const content = document.querySelector('.embed')
    const observer = new ResizeObserver(() =>
      post({ type: 'resize', height: Math.ceil(content?.getBoundingClientRect().height ?? 0) }),
    )
    if (content) observer.observe(content)
    const onMessage = (message: MessageEvent) => {
      if (message.source !== window.parent || window.parent === window) return
      if (hostLine.origin && message.origin !== hostLine.origin) {
        if (readEmbedCommand(message.data))
          console.warn(
            `Cutover embed: a command from ${message.origin} was ignored: the origin option allows ${hostLine.origin} only.`,
          )
        return
      }
      const command = readEmbedCommand(message.data)
      if (!command) return
      if (command.type === 'status')
        commands.send({
          type: 'status',
          reply: (state) => post({ type: 'status', state: statusOf(state, isDelmo) }),
        })
      else commands.send({ type: command.type })
    }
    window.addEventListener('message', onMessage)
    return () => {
      observer.disconnect()
      window.removeEventListener('message', onMessage)
    }
  }, [commands, hostLine, isDelmo, lesson, step])

  const onEvent = useMemo(() => {
    if (!hostLine) return undefined
    const post = eventPoster(hostLine, lesson, step)
    return (event: WorkbenchEvent) => {
      if (event.type === 'ready') post({ type: 'ready', title: stepTitle })
      else if (event.type === 'reset') post({ type: 'reset' })
      else if (event.type === 'failed') post({ type: 'failed' })
      else if (event.type === 'verdict') {
        const { verdict } = event
        post({
          type: 'step-run',
          outcome: verdict.cancelled
            ? 'cancelled'
            : verdict.passed
              ? 'passed'
              : isDelmo
                ? 'not yet'
                : 'broke things',
          how: verdict.how === 'scripted' ? 'yours' : verdict.how,
          claims: {
            held: verdict.expectations.filter((expectation) => expectation.held).length,
            total: verdict.expectations.length,
          },
        })
        if (verdict.passed) post({ type: 'step-passed' })
      }
    }
  }, [hostLine, isDelmo, lesson, step, stepTitle])

  return (
    <>
      <header className="embed-header">
        <h1>
          <span className="muted">Cutover ·</span> {lessonTitle}
        </h1>
        <a href={`/learn/${lesson}/${step}`} target="_blank" rel="noopener">
          Open the full lesson ↗<span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      </header>
      {parsed && !parsed.ok && (
        <div role="alert" className="embed-problem">
          <p>
            <strong>This embed’s options were not used</strong> — it shows the defaults, and sends the page no
            events until the address is fixed:
          </p>
          <ul>
            {parsed.problems.map((problem) => (
              <li key={problem}>
                <code>{problem}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {parsed && (
        <LessonWorkbench
          {...workbench}
          onlyStep={step}
          initialStep={step}
          panels={parsed.options.panels}
          progressScope="page"
          followsStepInUrl={false}
          startsPaused={parsed.options.traffic === 'paused'}
          speed={parsed.options.speed === '10' ? 10 : 1}
          commands={commands}
          {...(onEvent && { onEvent })}
        />
      )}
    </>
  )
}

type EmbedEventBody = EmbedEvent extends infer Event
  ? Event extends EmbedEvent
    ? Omit<Event, 'source' | 'version' | 'lesson' | 'step'>
    : never
  : never

function eventPoster(options: EmbedOptions, lesson: string, step: string) {
  return (body: EmbedEventBody) => {
    if (window.parent === window) return
    const event = { source: 'cutover', version: 1, lesson, step, ...body } as EmbedEvent
    // the events carry nothing of the learner's, so any host may hear them unless one is named
    window.parent.postMessage(event, options.origin ?? '*')
  }
}

function statusOf(status: StepStatus, isDelmo: boolean) {
  return status === 'broke things' && isDelmo ? 'not yet' : status
}
