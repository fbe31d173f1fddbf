// `npm run dev [-- next dev's options]`: builds the engine assets and every lesson's snapshot
// once, starts `next dev`, and watches content/lessons. Saving a lesson's setup.sql rebuilds
// its snapshot and points the manifest at it; any lesson file is checked as the build checks
// it, and a reload of the page shows the change (app/course.ts reads the lessons again). A
// lesson that does not build is named with its file and field, and keeps its last good snapshot.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describeProblem, loadLessons } from '../lib/scenario/node'
import {
  buildAssets,
  buildLessonSnapshot,
  nameLessonSnapshot,
  snapshotsDir,
  writeEngineManifest,
  type AssetBuild,
} from './build-assets'

const root = process.cwd()
const lessonsDir = join(root, 'content', 'lessons')
const lessonFiles = new Set(['lesson.mdx', 'setup.sql', 'scenario.yaml'])
// an editor's save is often several events (a temp file, a rename, the write): one rebuild
const debounceMs = 150

const log = (line: string) => console.log(`content: ${line}`)

/** Checks the lessons of these folders again and rebuilds the snapshots whose setup.sql changed. */
async function rebuildLessons(build: AssetBuild, folders: Set<string>): Promise<void> {
  const { lessons, problems } = await loadLessons(lessonsDir, root)
  const { snapshots } = build.manifest
  let isManifestChanged = false
  for (const folder of [...folders].sort()) {
    const shown = `content/lessons/${folder}`
    const own = problems.filter(({ file }) => file === shown || file.startsWith(`${shown}/`))
    const lesson = lessons.find((candidate) => candidate.folder === folder)
    if (own.length > 0 || (!lesson && existsSync(join(lessonsDir, folder)))) {
      for (const problem of own) console.error(`content: error: ${describeProblem(problem)}`)
      log(`${folder} kept its last good snapshot; the page shows the error until it is fixed`)
      continue
    }
    if (!lesson) {
      // removed or renamed away: its slug's snapshot goes unless another lesson took the slug
      const slug = folder.replace(/^\d{2}-/, '')
      if (snapshots[slug] && !lessons.some((other) => other.slug === slug)) {
        await removeSnapshot(snapshots[slug])
        delete snapshots[slug]
        isManifestChanged = true
        log(`${folder} is gone; its snapshot too`)
      }
      continue
    }
    // its steps' starts were built from the scenario as it was: the workbench replays instead
    if (build.manifest.stepLayers[lesson.slug]) {
      delete build.manifest.stepLayers[lesson.slug]
      isManifestChanged = true
    }
    const url = `/snapshots/${nameLessonSnapshot(build.base, lesson)}`
    if (snapshots[lesson.slug] === url) {
      log(`${folder} checked; its database is unchanged: reload the page`)
      continue
    }
    const started = performance.now()
    const built = await buildLessonSnapshot(build.base, lesson, root)
    if (!built.ok) {
      console.error(`content: error: ${built.error}`)
      log(`${folder} kept its last good snapshot`)
      continue
    }
    const previous = snapshots[lesson.slug]
    snapshots[lesson.slug] = built.url
    isManifestChanged = true
    if (previous && !Object.values(snapshots).includes(previous)) await removeSnapshot(previous)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    log(`${folder} rebuilt its database in ${seconds} s: ${built.url}; reload the page`)
  }
  if (isManifestChanged) await writeEngineManifest(build.manifest, root)
}

function removeSnapshot(url: string): Promise<void> {
  return rm(join(root, snapshotsDir, url.replace(/^\/snapshots\//, '')), { force: true })
}

/**
 * Watches each lesson folder, and content/lessons for folders made or removed, and rebuilds
 * what changed a moment after the last change, one rebuild at a time.
 */
function watchLessons(build: AssetBuild): () => void {
  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let queue = Promise.resolve()
  const schedule = (folder: string) => {
    pending.add(folder)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const folders = new Set(pending)
      pending.clear()
      queue = queue
        .then(() => rebuildLessons(build, folders))
        // whatever went wrong, the watcher keeps watching
        .catch((error: unknown) => console.error(`content: error: ${String(error)}`))
    }, debounceMs)
  }
  // one watcher per folder, not { recursive: true }: on Linux, Node 20's recursive watch stops
  // reporting a file an editor saved by renaming a new file over it (sed -i, "safe write")
  const folderWatchers = new Map<string, FSWatcher>()
  const watchFolder = (folder: string) => {
    const path = join(lessonsDir, folder)
    if (folderWatchers.has(folder) || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return
    const watcher = watch(path, (_event, file) => {
      if (file && lessonFiles.has(file)) schedule(folder)
    })
    watcher.on('error', () => unwatchFolder(folder))
    folderWatchers.set(folder, watcher)
  }
  const unwatchFolder = (folder: string) => {
    folderWatchers.get(folder)?.close()
    folderWatchers.delete(folder)
  }
  for (const folder of readdirSync(lessonsDir)) watchFolder(folder)
  const lessonsWatcher = watch(lessonsDir, (_event, folder) => {
    if (!folder) return
    const stats = statSync(join(lessonsDir, folder), { throwIfNoEntry: false })
    if (!stats) unwatchFolder(folder)
    else if (stats.isDirectory()) watchFolder(folder)
    // a file beside the lessons is no lesson
    else return
    schedule(folder)
  })
  return () => {
    clearTimeout(timer)
    lessonsWatcher.close()
    for (const folder of [...folderWatchers.keys()]) unwatchFolder(folder)
  }
}

const started = performance.now()
const result = await buildAssets(root)
if (!result.ok) {
  for (const error of result.errors) console.error(`error: ${error}`)
  process.exit(1)
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(`built engine assets and ${result.build.lessonCount} lesson snapshot(s) in ${seconds} s`)

const stopWatching = watchLessons(result.build)
log('watching content/lessons: a saved lesson is checked and its snapshot rebuilt')
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next')
const next = spawn(process.execPath, [nextBin, 'dev', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
})
// Ctrl-C reaches next dev too (same process group); a kill of this process is passed on
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => next.kill(signal))
next.on('exit', (code, signal) => {
  stopWatching()
  process.exit(code ?? (signal ? 1 : 0))
})
