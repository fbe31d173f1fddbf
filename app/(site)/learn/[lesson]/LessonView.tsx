import { evaluate } from '@mdx-js/mdx'
import Link from 'next/link'
import * as runtime from 'react/jsx-runtime'
import { lessonRemarkPlugins } from '@/lib/scenario/node'
import { lessonNumber } from '@/app/course'
import { readLessonSetup, startLayerOf } from '@/app/lesson-setup'
import { EarlyStart } from '@/app/_components/lesson/EarlyStart'
import { LessonDatabase } from '@/app/_components/lesson/LessonDatabase'
import { lessonComponents } from '@/app/_components/lesson/lesson-components'
import { ClassBar, ClassLessonWorkbench } from '@/app/_components/class/StudentClass'

/**
 * A lesson: its prose beside the workbench bound to its scenario. `step` is the step in the
 * URL, which the workbench opens at, with the database in that step's starting state.
 */
export async function LessonView({ slug, step }: { slug: string; step?: string }) {
  const setup = await readLessonSetup(slug)
  const { lesson, lessons, index, engine, snapshotUrl, workbench } = setup
  const startLayer = startLayerOf(setup, step)
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
      <EarlyStart engine={engine} snapshotUrl={snapshotUrl} startLayer={startLayer} />
      <LessonDatabase engine={engine} snapshotUrl={snapshotUrl} {...(startLayer && { startLayer })}>
        <div className="lesson-prose">
          {workbench && (
            <ClassBar lesson={lesson.slug} stepTitles={workbench.steps.map((entry) => entry.title)} />
          )}
          <header className="lesson-header">
            <p className="lesson-kicker">
              {lessonNumber(lesson) === 0 ? 'Start here' : `Lesson ${lessonNumber(lesson)}`} ·{' '}
              {lesson.meta.durationMinutes} min
            </p>
            <h1>{lesson.meta.title}</h1>
            <p className="lesson-lede">{lesson.meta.summary}</p>
            {scenario && (
              <p className="lesson-links">
                <a className="lesson-to-workbench" href="#workbench-heading">
                  Go to the workbench ↓
                </a>
                <Link href={`/present/${lesson.slug}`}>Teach it: presenter mode</Link>
              </p>
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
        {workbench && (
          <ClassLessonWorkbench
            {...workbench}
            {...(step && { initialStep: step })}
            {...(next && { next: { href: `/learn/${next.slug}`, title: next.meta.title } })}
          />
        )}
      </LessonDatabase>
    </article>
  )
}
