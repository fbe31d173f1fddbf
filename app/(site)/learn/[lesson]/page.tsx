import type { Metadata } from 'next'
import { courseLessons } from '@/app/course'
import { LessonView } from './LessonView'

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
  const { lesson } = await params
  return <LessonView slug={lesson} />
}
