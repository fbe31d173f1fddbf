import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { readLessonSetup } from '@/app/lesson-setup'
import { courseLessons } from '@/app/course'
import { Audience } from './Audience'

interface AudiencePageProps {
  params: Promise<{ lesson: string }>
}

export const dynamicParams = false

export async function generateStaticParams() {
  return (await courseLessons())
    .filter((lesson) => lesson.scenario)
    .map((lesson) => ({ lesson: lesson.slug }))
}

export async function generateMetadata({ params }: AudiencePageProps): Promise<Metadata> {
  const { lesson } = await readLessonSetup((await params).lesson)
  return { title: lesson.meta.title, robots: { index: false } }
}

/** The projector's view of a lesson, kept in step with the presenter's window in the same browser. */
export default async function AudiencePage({ params }: AudiencePageProps) {
  const { lesson, workbench } = await readLessonSetup((await params).lesson)
  if (!workbench) notFound()
  return (
    <Audience
      workbench={{
        lesson: workbench.lesson,
        steps: workbench.steps,
        versions: workbench.versions,
        endpoints: workbench.endpoints,
      }}
      lessonTitle={lesson.meta.title}
    />
  )
}
