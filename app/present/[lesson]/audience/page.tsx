import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { everyLessonWithWorkbench, readLessonSetup } from '@/app/lesson-setup'
import { Audience } from './Audience'

interface AudiencePageProps {
  params: Promise<{ lesson: string }>
}

export const dynamicParams = false

export function generateStaticParams() {
  return everyLessonWithWorkbench()
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
        invariants: workbench.invariants,
      }}
      lessonTitle={lesson.meta.title}
    />
  )
}
