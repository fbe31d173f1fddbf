'use client'

import { useId, useState } from 'react'
import { useBrowserValue } from '@/app/_components/use-browser-value'

interface LessonChoice {
  slug: string
  title: string
  steps: { id: string; title: string }[]
}

/** Builds the iframe snippet for a chosen lesson, step and options, ready to copy. */
export function EmbedSnippetBuilder({
  lessons,
  panels,
  defaultPanels,
}: {
  lessons: LessonChoice[]
  panels: string[]
  defaultPanels: string[]
}) {
  const id = useId()
  const [lessonSlug, setLessonSlug] = useState(lessons[0]?.slug ?? '')
  const lesson = lessons.find((candidate) => candidate.slug === lessonSlug) ?? lessons[0]
  const [stepId, setStepId] = useState(lesson?.steps[0]?.id ?? '')
  const step = lesson?.steps.find((candidate) => candidate.id === stepId) ?? lesson?.steps[0]
  const [shown, setShown] = useState<string[]>(defaultPanels)
  const [theme, setTheme] = useState('auto')
  const [isPaused, setIsPaused] = useState(false)
  const [hostOrigin, setHostOrigin] = useState('')
  const [copiedSnippet, setCopiedSnippet] = useState<string | undefined>()
  // the snippet names the origin this page is served from, known in the browser only
  const origin = useBrowserValue(() => window.location.origin, 'https://cutover.example')
  if (!lesson || !step) return null

  const query = new URLSearchParams()
  if (theme !== 'auto') query.set('theme', theme)
  if (shown.join(',') !== defaultPanels.join(',') && shown.length > 0) query.set('panels', shown.join(','))
  if (isPaused) query.set('traffic', 'paused')
  const hostOriginProblem = hostOrigin.trim() === '' ? undefined : originProblem(hostOrigin.trim())
  if (hostOrigin.trim() !== '' && !hostOriginProblem) query.set('origin', new URL(hostOrigin.trim()).origin)
  const path = `/embed/${lesson.slug}/${step.id}${query.size > 0 ? `?${query.toString().replace(/%2C/g, ',')}` : ''}`
  const snippet = `<iframe src="${origin}${path}" title="${escapeAttribute(`${lesson.title}: ${step.title}`)}" style="width: 100%; height: 900px; border: 0" loading="lazy"></iframe>`

  return (
    <div className="embed-builder">
      <div className="embed-builder-choices">
        <label>
          Lesson
          <select
            value={lesson.slug}
            onChange={(event) => {
              setLessonSlug(event.target.value)
              setStepId(
                lessons.find((candidate) => candidate.slug === event.target.value)?.steps[0]?.id ?? '',
              )
            }}
          >
            {lessons.map((candidate) => (
              <option key={candidate.slug} value={candidate.slug}>
                {candidate.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select value={step.id} onChange={(event) => setStepId(event.target.value)}>
            {lesson.steps.map((candidate, index) => (
              <option key={candidate.id} value={candidate.id}>
                {index + 1}. {candidate.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Theme
          <select value={theme} onChange={(event) => setTheme(event.target.value)}>
            <option value="auto">auto</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <label className="embed-builder-check">
          <input type="checkbox" checked={isPaused} onChange={(event) => setIsPaused(event.target.checked)} />
          Traffic waits for Play
        </label>
      </div>
      <label className="embed-builder-origin">
        Your site’s origin (optional: events then go only there, and commands are taken only from it)
        <input
          type="url"
          placeholder="https://docs.example.com"
          value={hostOrigin}
          onChange={(event) => setHostOrigin(event.target.value)}
          aria-invalid={hostOriginProblem !== undefined}
        />
      </label>
      {hostOriginProblem && (
        <p role="alert" className="sql-error">
          {hostOriginProblem}
        </p>
      )}
      <fieldset className="embed-builder-panels">
        <legend>Panels</legend>
        {shown.length === 0 && (
          <p className="muted">With no panel ticked, the embed shows the default ones.</p>
        )}
        {panels.map((panel) => (
          <label key={panel} className="embed-builder-check">
            <input
              type="checkbox"
              checked={shown.includes(panel)}
              onChange={(event) =>
                setShown((current) =>
                  event.target.checked
                    ? panels.filter((name) => name === panel || current.includes(name))
                    : current.filter((name) => name !== panel),
                )
              }
            />
            {panel}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-snippet`} className="embed-builder-label">
        Paste this into your page
      </label>
      <textarea
        id={`${id}-snippet`}
        readOnly
        rows={4}
        value={snippet}
        onFocus={(event) => event.currentTarget.select()}
      />
      <p className="embed-builder-actions">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard
              ?.writeText(snippet)
              .then(() => setCopiedSnippet(snippet))
              .catch(() => setCopiedSnippet(undefined))
          }
        >
          Copy the snippet
        </button>{' '}
        <a href={path} target="_blank" rel="noopener">
          Open this embed ↗
        </a>{' '}
        <span role="status" className="muted">
          {copiedSnippet === snippet ? 'Copied.' : ''}
        </span>
      </p>
    </div>
  )
}

function originProblem(text: string): string | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? undefined
      : 'An origin starts with https:// (or http://).'
  } catch {
    return 'That is not an address: write it as https://docs.example.com.'
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
