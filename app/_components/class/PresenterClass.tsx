'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { ClassJoining, PresenterMessage } from '../presenter/presenter-channel'
import {
  closeClass,
  createClassPublisher,
  joinAddress,
  keepPresentedClass,
  openClass,
  readClass,
  readClassService,
  readPresentedClass,
  readRoster,
} from './class-client'
import { describeRoster, type ClassService, type OpenedClass, type Roster } from './class-protocol'

/** Where the presenter's class stands. */
export type PresenterClassState =
  | { kind: 'asking' }
  /** A static host: no relay, so no class (the projector's link still lets students follow). */
  | { kind: 'absent' }
  | { kind: 'none'; service: ClassService; problem?: string }
  | { kind: 'open'; service: ClassService; opened: OpenedClass; joining: ClassJoining; roster?: Roster }

const rosterEveryMs = 2000

/**
 * The presenter's class: finds whether the server relays classes, opens one on request (or
 * takes up the one this tab opened before a reload), publishes every message the presenter
 * sends its audience, and polls the roster. `snapshot` gives the presenter's whole state, sent
 * when the class opens or is taken up and whenever the relay asks for a checkpoint.
 */
export function usePresenterClass({
  lesson,
  snapshot,
  onJoining,
}: {
  lesson: string
  snapshot(): PresenterMessage & { kind: 'snapshot' }
  onJoining(joining: ClassJoining | null): void
}) {
  const [state, setState] = useState<PresenterClassState>({ kind: 'asking' })
  const publisher = useRef<ReturnType<typeof createClassPublisher> | undefined>(undefined)
  const snapshotRef = useRef(snapshot)
  const onJoiningRef = useRef(onJoining)
  useEffect(() => {
    snapshotRef.current = snapshot
    onJoiningRef.current = onJoining
  })

  const lead = useCallback(
    (service: ClassService, opened: OpenedClass) => {
      keepPresentedClass(opened)
      const joining = { code: opened.code, url: joinAddress(service, opened.code) }
      publisher.current = createClassPublisher({
        opened,
        checkpoint: () => snapshotRef.current(),
        onStatus: (status) => {
          if (status.kind !== 'stopped') return
          publisher.current = undefined
          keepPresentedClass(undefined)
          onJoiningRef.current(null)
          setState({ kind: 'none', service, problem: `Class ${opened.code} ended: ${status.problem}.` })
        },
      })
      onJoiningRef.current(joining)
      // the class starts from the whole state: students who join later get it first
      publisher.current.send({ ...snapshotRef.current(), joining }, lesson)
      setState({ kind: 'open', service, opened, joining })
    },
    [lesson],
  )

  useEffect(() => {
    let isCurrent = true
    void (async () => {
      const service = await readClassService()
      if (!isCurrent) return
      if (!service) return setState({ kind: 'absent' })
      const kept = readPresentedClass()
      if (!kept) return setState({ kind: 'none', service })
      const found = await readClass(kept.code)
      if (!isCurrent) return
      if (found.ok) return lead(service, kept)
      keepPresentedClass(undefined)
      setState({ kind: 'none', service, problem: `Class ${kept.code} ended: ${found.problem}.` })
    })()
    const onLeaving = () => publisher.current?.leaving()
    window.addEventListener('pagehide', onLeaving)
    return () => {
      isCurrent = false
      window.removeEventListener('pagehide', onLeaving)
      publisher.current?.stop()
      publisher.current = undefined
    }
  }, [lead])

  const isOpen = state.kind === 'open'
  const opened = isOpen ? state.opened : undefined
  useEffect(() => {
    if (!opened) return
    const poll = async () => {
      const answer = await readRoster(opened)
      if (answer.ok)
        setState((now) =>
          now.kind === 'open' && now.opened === opened ? { ...now, roster: answer.value } : now,
        )
    }
    void poll()
    const timer = window.setInterval(() => void poll(), rosterEveryMs)
    return () => window.clearInterval(timer)
  }, [opened])

  const open = useCallback(async () => {
    if (state.kind !== 'none') return
    const answer = await openClass(lesson)
    if (answer.ok) lead(state.service, answer.value)
    else setState({ ...state, problem: `No class opened: ${answer.problem}.` })
  }, [lead, lesson, state])

  const close = useCallback(async () => {
    if (state.kind !== 'open') return
    publisher.current?.stop()
    publisher.current = undefined
    keepPresentedClass(undefined)
    onJoiningRef.current(null)
    await closeClass(state.opened)
    setState({ kind: 'none', service: state.service })
  }, [state])

  /** Relays one message the presenter sends its audience windows, if a class is open. */
  const publish = useCallback(
    (message: PresenterMessage) => publisher.current?.send(message, lesson),
    [lesson],
  )

  return { state, open, close, publish }
}

/**
 * The class in the presenter's bar: a button to open one, its code and address once open, and
 * the roster ("7 joined: 5 following, 2 trying on their own · 4 passed step 3").
 */
export function PresenterClassControl({
  state,
  stepTitle,
  onOpen,
  onClose,
}: {
  state: PresenterClassState
  stepTitle(lesson: string, step: number): string
  onOpen(): void
  onClose(): void
}) {
  if (state.kind === 'asking') return null
  if (state.kind === 'absent')
    return (
      <span className="presenter-class" role="status" data-class="absent">
        Class mode: this host serves files only. Serve the course with <code>npm start</code> for students to
        follow live; the projector’s link and QR code work anywhere.
      </span>
    )
  if (state.kind === 'none')
    return (
      <span className="presenter-class" data-class="none">
        <button type="button" className="secondary" onClick={onOpen}>
          Open a class
        </button>
        {state.problem && <span role="status"> {state.problem}</span>}
      </span>
    )
  const { joining, roster, service } = state
  return (
    <span className="presenter-class" data-class="open">
      <span>
        Class <strong data-testid="class-code">{joining.code}</strong>: students join at{' '}
        <a href={joining.url} target="_blank" rel="noreferrer">
          {joining.url}
        </a>
        {service.addresses.length === 0 && (
          <>
            {' '}
            (this machine only: serve with <code>npm start -- --lan</code> for other devices)
          </>
        )}
      </span>{' '}
      <span role="status" data-testid="class-roster">
        {roster ? describeRoster(roster, stepTitle) : 'Counting students…'}
      </span>{' '}
      <button type="button" className="secondary" onClick={onClose}>
        End the class
      </button>
    </span>
  )
}
