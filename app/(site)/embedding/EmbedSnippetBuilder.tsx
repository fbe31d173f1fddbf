'use client'

import { useId, useRef, useState } from 'react'
import { embedHeightOf } from '@/app/_components/embed/embed-protocol'
import type { PanelId } from '@/app/_components/workbench/panels'
import { useBrowserValue } from '@/app/_components/use-browser-value'

interface LessonChoice {
  slug: string
  title: string
  /** Each step, with the lines of its editor and naive way (0 when it has no editor). */
  steps: { id: string; title: string; textLines: number }[]
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
  const [copied, setCopied] = useState<{ snippet: string; how: 'copied' | 'selected' } | undefined>()
  const snippetRef = useRef<HTMLTextAreaElement>(null)
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
  const height = embedHeightOf(
    shown.length > 0 ? (shown as PanelId[]) : (defaultPanels as PanelId[]),
    step.textLines,
  )
  // the script sizes the frame to its content once it loads; the height is its usual one till then
  const snippet = `<iframe src="${origin}${path}" title="${escapeAttribute(`${lesson.title}: ${step.title}`)}" style="width: 100%; height: ${height}px; border: 0" loading="lazy"></iframe>\n<script src="${origin}/embed-resize.js" async></script>`

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
        ref={snippetRef}
        readOnly
        rows={5}
        value={snippet}
        onFocus={(event) => event.currentTarget.select()}
      />
      <p className="embed-builder-actions">
        <button
          type="button"
          onClick={() => {
            // a page that may not write to the clipboard (no permission, not https) gets the
            // snippet selected instead, and says so
            const selectInstead = () => {
              snippetRef.current?.select()
              setCopied({ snippet, how: 'selected' })
            }
            if (!navigator.clipboard) return selectInstead()
            navigator.clipboard
              .writeText(snippet)
              .then(() => setCopied({ snippet, how: 'copied' }), selectInstead)
          }}
        >
          Copy the snippet
        </button>{' '}
        <a href={path} target="_blank" rel="noopener">
          Open this embed ↗
        </a>{' '}
        <span role="status" className="muted">
          {copied?.snippet !== snippet
            ? ''
            : copied.how === 'copied'
              ? 'Copied to the clipboard.'
              : 'This page may not write to your clipboard: the snippet is selected, press Ctrl+C (⌘C).'}
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
