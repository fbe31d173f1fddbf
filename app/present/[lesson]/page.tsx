import { evaluate } from '@mdx-js/mdx'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import type { ReactNode } from 'react'
import * as runtime from 'react/jsx-runtime'
import { lessonRemarkPlugins, remarkOnlySpeakerNotes } from '@/lib/scenario/node'
import { EarlyStart } from '@/app/_components/lesson/EarlyStart'
import { LessonDatabase } from '@/app/_components/lesson/LessonDatabase'
import { lessonComponents } from '@/app/_components/lesson/lesson-components'
import { courseLessons } from '@/app/course'
import { everyLessonWithWorkbench, readLessonSetup } from '@/app/lesson-setup'
import { Presenter } from './Presenter'

interface PresentPageProps {
  params: Promise<{ lesson: string }>
}

export const dynamicParams = false

export function generateStaticParams() {
  return everyLessonWithWorkbench()
}

export async function generateMetadata({ params }: PresentPageProps): Promise<Metadata> {
  const { lesson } = await readLessonSetup((await params).lesson)
  return { title: `Present: ${lesson.meta.title}`, robots: { index: false } }
}

/** One speaker note in the presenter's window; notes for other steps are hidden by the presenter. */
function PresenterNote({ step, children }: { step?: string; children?: ReactNode }) {
  return (
    <section className="speaker-note" data-step={step ?? ''}>
      {children}
    </section>
  )
}

/**
 * The part of a step's notes for once it has run: before the run it shows as what comes next,
 * after it first and large (the presenter's phase, set on the notes, decides which).
 */
function PresenterAfterRun({ children }: { children?: ReactNode }) {
  return (
    <div className="speaker-note-after">
      <p className="speaker-note-when">
        <span data-phase="before">Once it has run:</span>
        <span data-phase="after">Now that it has run:</span>
      </p>
      {children}
    </div>
  )
}

/** A lesson for an instructor at a projector: the presenter's window, with speaker notes. */
export default async function PresentPage({ params }: PresentPageProps) {
  const { lesson, engine, snapshotUrl, workbench } = await readLessonSetup((await params).lesson)
  if (!workbench) notFound()
  const lessons = (await courseLessons())
    .filter((entry) => entry.scenario)
    .map((entry) => ({ slug: entry.slug, title: entry.meta.title }))
  const { default: Notes } = await evaluate(lesson.body, {
    ...runtime,
    baseUrl: import.meta.url,
    remarkPlugins: [...lessonRemarkPlugins, remarkOnlySpeakerNotes],
  })
  return (
    <>
      <EarlyStart engine={engine} snapshotUrl={snapshotUrl} />
      <LessonDatabase engine={engine} snapshotUrl={snapshotUrl}>
        <Presenter
          workbench={workbench}
          lessonTitle={lesson.meta.title}
          durationMinutes={lesson.meta.durationMinutes}
          projectorByStep={lesson.projectorByStep}
          lessons={lessons}
          notes={
            <Notes
              components={{ ...lessonComponents, SpeakerNotes: PresenterNote, AfterRun: PresenterAfterRun }}
            />
          }
        />
      </LessonDatabase>
    </>
  )
}
