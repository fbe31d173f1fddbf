'use client'

import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useBrowserValue } from '@/app/_components/use-browser-value'
import { keepJoinedClass, readClass, readClassService } from '@/app/_components/class/class-client'
import { classCodeSchema, normaliseClassCode } from '@/app/_components/class/class-protocol'

type Problem = { field: 'code' | 'service'; text: string }

/**
 * The join form: a code (from the QR code's address, or typed) and whether to tell the
 * presenter how far one gets. A wrong code says so; a host without classes says why.
 */
export function JoinClass() {
  const fromAddress = useBrowserValue(() => new URLSearchParams(window.location.search).get('code') ?? '', '')
  const [typed, setTyped] = useState<string | undefined>()
  const code = typed ?? fromAddress
  const [sharesProgress, setSharesProgress] = useState(false)
  const [problem, setProblem] = useState<Problem | undefined>()
  const [isJoining, setIsJoining] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  const joinNow = async (text: string, shares: boolean) => {
    const wanted = normaliseClassCode(text)
    if (!classCodeSchema.safeParse(wanted).success) {
      setProblem({ field: 'code', text: 'A class code is five letters and digits, as on the projector.' })
      input.current?.focus()
      return
    }
    setIsJoining(true)
    const found = await readClass(wanted)
    if (!found.ok) {
      setIsJoining(false)
      const service = await readClassService()
      setProblem(
        service
          ? { field: 'code', text: `No class ${wanted} here: check the code on the projector.` }
          : {
              field: 'service',
              text: 'This site is served as files only, so it runs no classes: join at the address your instructor’s projector shows.',
            },
      )
      input.current?.focus()
      return
    }
    keepJoinedClass({ code: wanted, sharesProgress: shares })
    window.location.assign(`/present/${found.value.lesson}/audience?class=${wanted}`)
  }

  // the QR code's address carries the code: join at once, as the student scanned it to do
  const join = useRef(joinNow)
  useEffect(() => {
    join.current = joinNow
  })
  useEffect(() => {
    if (fromAddress) void join.current(fromAddress, false)
  }, [fromAddress])

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void joinNow(code, sharesProgress)
  }

  return (
    <form className="join-form" onSubmit={onSubmit} noValidate>
      <label htmlFor="class-code">Class code</label>
      <input
        id="class-code"
        ref={input}
        value={code}
        onChange={(event) => setTyped(event.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={12}
        placeholder="K7QFM"
        aria-invalid={problem?.field === 'code'}
        aria-describedby={problem ? 'join-problem' : undefined}
      />
      <label className="join-share">
        <input
          type="checkbox"
          checked={sharesProgress}
          onChange={(event) => setSharesProgress(event.target.checked)}
        />{' '}
        Tell the presenter which step I reach on my own and whether it passes (no name, nothing else)
      </label>
      <button type="submit" disabled={isJoining}>
        {isJoining ? 'Joining…' : 'Join'}
      </button>
      {problem && (
        <p id="join-problem" role="alert" className="join-problem">
          {problem.text}
        </p>
      )}
    </form>
  )
}
