import { evaluate } from '@mdx-js/mdx'
import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import * as runtime from 'react/jsx-runtime'
import { readEngineManifest } from '@/lib/engine/manifest'
import { pathsOf } from '@/lib/scenario'
import { remarkRunnableSql } from '@/lib/scenario/runnable-sql'
import { courseLessons } from '../../course'
import { LessonDatabase } from './LessonDatabase'
import { lessonComponents } from './lesson-components'
import { TrafficPanel } from './TrafficPanel'

interface LessonPageProps {
  params: Promise<{ lesson: string }>
}

// every lesson is known at build time; anything else is the static 404 page
export const dynamicParams = false

export async function generateStaticParams() {
  return (await courseLessons()).map((lesson) => ({ lesson: lesson.slug }))
}

export async function generateMetadata({ params }: LessonPageProps): Promise<Metadata> {
  const { lesson: slug } = await params
  const lesson = (await courseLessons()).find((candidate) => candidate.slug === slug)
  return lesson ? { title: lesson.meta.title, description: lesson.meta.summary } : {}
}

export default async function LessonPage({ params }: LessonPageProps) {
  const { lesson: slug } = await params
  const lessons = await courseLessons()
  const index = lessons.findIndex((candidate) => candidate.slug === slug)
  if (index === -1) notFound()
  const lesson = lessons[index]
  const manifest = await readEngineManifest()
  const snapshotUrl = manifest.snapshots[lesson.slug]
  const { default: Content } = await evaluate(lesson.body, {
    ...runtime,
    baseUrl: import.meta.url,
    remarkPlugins: [remarkRunnableSql],
  })
  const previous = lessons[index - 1]
  const next = lessons[index + 1]

  return (
    <article className="lesson">
      <header className="lesson-header">
        <p className="lesson-kicker">
          Lesson {index + 1} · {lesson.meta.durationMinutes} min
        </p>
        <h1>{lesson.meta.title}</h1>
        <p className="lesson-lede">{lesson.meta.summary}</p>
      </header>
      <LessonDatabase
        engine={{ worker: manifest.worker, wasm: manifest.wasm, data: manifest.data }}
        snapshotUrl={snapshotUrl}
      >
        <div className="lesson-body">
          <Content components={lessonComponents} />
        </div>
        {lesson.scenario && snapshotUrl && (
          <TrafficPanel
            lesson={lesson.slug}
            scenario={lesson.scenario}
            paths={pathsOf(lesson.scenario)}
            steps={lesson.scenario.steps.map(({ id, title }) => ({ id, title }))}
            versions={lesson.scenario.versions.map(({ id, label }) => ({ id, label: label ?? id }))}
            snapshotUrl={snapshotUrl}
          />
        )}
      </LessonDatabase>
      <nav className="lesson-pager" aria-label="Lessons">
        {previous ? <Link href={`/learn/${previous.slug}`}>← {previous.meta.title}</Link> : <span />}
        {next ? (
          <Link href={`/learn/${next.slug}`}>{next.meta.title} →</Link>
        ) : (
          <Link href="/">All lessons</Link>
        )}
      </nav>
    </article>
  )
}
