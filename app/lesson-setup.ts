import 'server-only'
import { notFound } from 'next/navigation'
import type { EngineAssetUrls, SnapshotLayer } from '@/lib/engine'
import { readEngineManifest } from '@/lib/engine/manifest'
import type { Lesson } from '@/lib/scenario'
import { describeWorkbenchSteps, parseStepLayers } from '@/lib/workbench/node'
import type { LessonWorkbenchData } from '@/app/_components/lesson/LessonWorkbench'
import { courseLessons } from '@/app/course'

/** What every view of a lesson's workbench is built from: the lesson page, an embed, the presenter. */
export interface LessonSetup {
  lesson: Lesson
  index: number
  lessons: Lesson[]
  engine: EngineAssetUrls
  snapshotUrl: string | undefined
  /** The workbench's props known at build time; undefined for a lesson without a scenario. */
  workbench?: LessonWorkbenchData
}

/** The lesson with this slug and its workbench's props; the 404 page for any other slug. */
export async function readLessonSetup(slug: string): Promise<LessonSetup> {
  const lessons = await courseLessons()
  const index = lessons.findIndex((candidate) => candidate.slug === slug)
  if (index === -1) notFound()
  const lesson = lessons[index]
  const manifest = await readEngineManifest()
  const snapshotUrl = manifest.snapshots[lesson.slug]
  const scenario = lesson.scenario
  // layers built on another snapshot than this one (a dev rebuild) do not fit it
  const layers = manifest.stepLayers?.[lesson.slug]
  const stepLayers = layers && layers.snapshot === snapshotUrl ? parseStepLayers(layers) : undefined
  return {
    lesson,
    index,
    lessons,
    engine: { worker: manifest.worker, wasm: manifest.wasm, data: manifest.data },
    snapshotUrl,
    ...(scenario &&
      snapshotUrl && {
        workbench: {
          lesson: lesson.slug,
          scenario,
          steps: describeWorkbenchSteps(scenario),
          versions: scenario.versions.map(({ id, label }) => ({ id, label: label ?? id })),
          requestsPerSecond: scenario.requestsPerSecond,
          endpoints: scenario.versions.flatMap((version) =>
            version.endpoints.map((endpoint) => ({
              version: version.id,
              name: endpoint.name,
              sql: endpoint.sql,
            })),
          ),
          invariants: scenario.invariants.map((invariant) => invariant.name),
          snapshotUrl,
          ...(stepLayers && { stepLayers }),
        },
      }),
  }
}

/** Every lesson with a workbench, for routes that have a page per lesson. */
export async function everyLessonWithWorkbench(): Promise<{ lesson: string }[]> {
  return (await courseLessons())
    .filter((lesson) => lesson.scenario)
    .map((lesson) => ({ lesson: lesson.slug }))
}

/** Every lesson and step, for routes that have a page per step. */
export async function everyLessonStep(): Promise<{ lesson: string; step: string }[]> {
  return (await courseLessons()).flatMap((lesson) =>
    (lesson.scenario?.steps ?? []).map((step) => ({ lesson: lesson.slug, step: step.id })),
  )
}

/** The layer that makes the lesson's snapshot the start of step `stepId`, when the build made one. */
export function startLayerOf(setup: LessonSetup, stepId: string | undefined): SnapshotLayer | undefined {
  const workbench = setup.workbench
  const index = stepId === undefined ? -1 : (workbench?.steps.findIndex((step) => step.id === stepId) ?? -1)
  const layer = workbench?.stepLayers?.layers.find((candidate) => candidate.step === index)
  return layer && workbench?.stepLayers && { url: layer.url, snapshotEnd: workbench.stepLayers.snapshotEnd }
}
