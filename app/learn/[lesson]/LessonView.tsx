import { evaluate } from '@mdx-js/mdx'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import * as runtime from 'react/jsx-runtime'
import { readEngineManifest } from '@/lib/engine/manifest'
import { lessonRemarkPlugins } from '@/lib/scenario/mdx-plugins'
import { describeWorkbenchSteps } from '@/lib/scenario/workbench-steps'
import { courseLessons, lessonNumber } from '../../course'
import { LessonDatabase } from './LessonDatabase'
import { lessonComponents } from './lesson-components'
import { LessonWorkbench } from './LessonWorkbench'

/**
 * A lesson: its prose beside the workbench bound to its scenario. `step` is the step in the
 * URL, which the workbench opens at, with the database in that step's starting state.
 */
export async function LessonView({ slug, step }: { slug: string; step?: string }) {
  const lessons = await courseLessons()
  const index = lessons.findIndex((candidate) => candidate.slug === slug)
  if (index === -1) notFound()
  const lesson = lessons[index]
  const manifest = await readEngineManifest()
  const snapshotUrl = manifest.snapshots[lesson.slug]
  const { default: Content } = await evaluate(lesson.body, {
    ...runtime,
    baseUrl: import.meta.url,
    remarkPlugins: lessonRemarkPlugins,
  })
  const previous = lessons[index - 1]
  const next = lessons[index + 1]
  const scenario = lesson.scenario

  return (
    <article className={scenario ? 'lesson has-workbench' : 'lesson'}>
      <LessonDatabase
        engine={{ worker: manifest.worker, wasm: manifest.wasm, data: manifest.data }}
        snapshotUrl={snapshotUrl}
      >
        <div className="lesson-prose">
          <header className="lesson-header">
            <p className="lesson-kicker">
              {lessonNumber(lesson) === 0 ? 'Start here' : `Lesson ${lessonNumber(lesson)}`} ·{' '}
              {lesson.meta.durationMinutes} min
            </p>
            <h1>{lesson.meta.title}</h1>
            <p className="lesson-lede">{lesson.meta.summary}</p>
            {scenario && (
              <a className="lesson-to-workbench" href="#workbench-heading">
                Go to the workbench ↓
              </a>
            )}
          </header>
          <div className="lesson-body">
            <Content components={lessonComponents} />
          </div>
          <nav className="lesson-pager" aria-label="Lessons">
            {previous ? <Link href={`/learn/${previous.slug}`}>← {previous.meta.title}</Link> : <span />}
            {next ? (
              <Link href={`/learn/${next.slug}`}>{next.meta.title} →</Link>
            ) : (
              <Link href="/">All lessons</Link>
            )}
          </nav>
        </div>
        {scenario && snapshotUrl && (
          <LessonWorkbench
            lesson={lesson.slug}
            scenario={scenario}
            steps={describeWorkbenchSteps(scenario)}
            versions={scenario.versions.map(({ id, label }) => ({ id, label: label ?? id }))}
            requestsPerSecond={scenario.requestsPerSecond}
            endpoints={scenario.versions.flatMap((version) =>
              version.endpoints.map((endpoint) => ({ version: version.id, name: endpoint.name })),
            )}
            invariants={scenario.invariants.map((invariant) => invariant.name)}
            snapshotUrl={snapshotUrl}
            {...(step && { initialStep: step })}
            {...(next && { next: { href: `/learn/${next.slug}`, title: next.meta.title } })}
          />
        )}
      </LessonDatabase>
    </article>
  )
}
