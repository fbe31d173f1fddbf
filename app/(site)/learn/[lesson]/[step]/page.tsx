import type { Metadata } from 'next'
import { courseLessons } from '@/app/course'
import { everyLessonStep } from '@/app/lesson-setup'
import { LessonView } from '../LessonView'

interface StepPageProps {
  params: Promise<{ lesson: string; step: string }>
}

// every step of every lesson is known at build time; anything else is the static 404 page
export const dynamicParams = false

export async function generateStaticParams() {
  return everyLessonStep()
}

export async function generateMetadata({ params }: StepPageProps): Promise<Metadata> {
  const { lesson: slug, step: id } = await params
  const lesson = (await courseLessons()).find((candidate) => candidate.slug === slug)
  const step = lesson?.scenario?.steps.find((candidate) => candidate.id === id)
  return lesson && step
    ? { title: `${step.title} · ${lesson.meta.title}`, description: lesson.meta.summary }
    : {}
}

/** One step of a lesson, linkable: the lesson opens at that step, in that step's starting state. */
export default async function StepPage({ params }: StepPageProps) {
  const { lesson, step } = await params
  return <LessonView slug={lesson} step={step} />
}
