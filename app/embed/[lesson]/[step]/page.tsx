import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { EarlyStart } from '@/app/_components/lesson/EarlyStart'
import { LessonDatabase } from '@/app/_components/lesson/LessonDatabase'
import { everyLessonStep, readLessonSetup, startLayerOf } from '@/app/lesson-setup'
import { EmbeddedStep } from './EmbeddedStep'

// Runs before first paint: the theme the host page asked for, so a dark page does not flash light;
// without one, the system's (not a theme this browser chose on the course's own pages).
const themeFromQuery = `try{var t=new URLSearchParams(location.search).get('theme'),d=document.documentElement.dataset;if(t==='dark'||t==='light')d.theme=t;else delete d.theme}catch(e){}`

interface EmbedPageProps {
  params: Promise<{ lesson: string; step: string }>
}

// every step of every lesson is known at build time; anything else is the static 404 page
export const dynamicParams = false

export function generateStaticParams() {
  return everyLessonStep()
}

export async function generateMetadata({ params }: EmbedPageProps): Promise<Metadata> {
  const { lesson: slug, step: id } = await params
  const { lesson } = await readLessonSetup(slug)
  const step = lesson.scenario?.steps.find((candidate) => candidate.id === id)
  return step ? { title: `${step.title} · ${lesson.meta.title}`, robots: { index: false } } : {}
}

/**
 * One step of one lesson, for an iframe on another site: its workbench without the site's
 * header, options from the query string, and events to the host page.
 */
export default async function EmbedPage({ params }: EmbedPageProps) {
  const { lesson: slug, step: id } = await params
  const setup = await readLessonSetup(slug)
  const { lesson, engine, snapshotUrl, workbench } = setup
  const startLayer = startLayerOf(setup, id)
  const index = workbench?.steps.findIndex((step) => step.id === id) ?? -1
  if (!workbench || index === -1) notFound()
  return (
    <main className="embed">
      <script dangerouslySetInnerHTML={{ __html: themeFromQuery }} />
      <EarlyStart engine={engine} snapshotUrl={snapshotUrl} startLayer={startLayer} />
      <LessonDatabase engine={engine} snapshotUrl={snapshotUrl} {...(startLayer && { startLayer })}>
        <EmbeddedStep
          workbench={workbench}
          step={id}
          stepTitle={workbench.steps[index].title}
          lessonTitle={lesson.meta.title}
        />
      </LessonDatabase>
    </main>
  )
}
