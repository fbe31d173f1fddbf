import Link from 'next/link'
import { courseLessons, lessonNumber, plannedLessons, type PlannedLesson } from '@/app/course'
import type { Lesson } from '@/lib/scenario'

// the curriculum's parts, by lesson number: the playground, the stories, the deep dives, the loop
const parts = [
  {
    title: 'Start here',
    numbers: [0],
    note: 'The playground: the workbench, the terminal and one migration.',
  },
  {
    title: 'The stories',
    numbers: [1, 2, 3, 4, 5],
    note: 'Four real projects replayed whole: an outage, a frozen site, a release train, corrupted names.',
  },
  {
    title: 'Deep dives',
    numbers: [6, 7, 8, 9, 10, 11, 12, 13],
    note: 'One operation each, to the bottom: what it locks, how long, and the safe recipe.',
  },
  { title: 'Closing the loop', numbers: [14, 15], note: 'Release discipline, and a capstone.' },
]

export default async function CourseIndex() {
  const lessons = await courseLessons()
  const byNumber = new Map<number, Lesson | PlannedLesson>([
    ...plannedLessons.map((planned): [number, PlannedLesson] => [planned.number, planned]),
    ...lessons.map((lesson): [number, Lesson] => [lessonNumber(lesson), lesson]),
  ])
  const first = lessons[0]
  return (
    <>
      <section className="intro">
        <h1>Zero-downtime deploys, with a real Postgres</h1>
        <p>
          Apply real SQL migrations to PostgreSQL running in your browser, and watch the old and the new
          version of an app keep serving traffic — or break, time out, or corrupt data — as each step lands.
        </p>
        <p>
          For developers who write migrations, the people who review and ship them, and instructors who teach
          it. You need SQL you can read; no account, no install, and nothing you type leaves the page.
        </p>
        {first && (
          <p>
            <Link href={`/learn/${first.slug}`} className="button-link">
              Start with lesson {lessonNumber(first)}: {first.meta.title} →
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="real-heading" className="intro-real">
        <h2 id="real-heading">What is real, and what is simulated</h2>
        <ul>
          <li>
            <strong>Real:</strong> PostgreSQL 18 (PGlite), in your browser. Every statement, error, catalog
            view and lock mode you see comes from it.
          </li>
          <li>
            <strong>Simulated:</strong> time, traffic, the app versions and their connections, and how long a
            statement on millions of rows takes. The simulator decides who waits on whose lock, by
            Postgres&rsquo;s rules.
          </li>
          <li>
            <strong>Checked:</strong> every claim a lesson makes is run headless in CI, in the simulator and
            again on a real PostgreSQL 18 server with real concurrent connections.
          </li>
        </ul>
      </section>

      <section aria-labelledby="lessons-heading">
        <h2 id="lessons-heading">The course</h2>
        {parts.map((part) => (
          <section key={part.title} aria-labelledby={`part-${part.numbers[0]}`} className="course-part">
            <h3 id={`part-${part.numbers[0]}`}>{part.title}</h3>
            <p className="muted">{part.note}</p>
            <ol className="lesson-list">
              {part.numbers.map((number) => {
                const entry = byNumber.get(number)
                if (!entry) return null
                return 'slug' in entry ? (
                  <li key={number}>
                    <span className="lesson-number" aria-hidden="true">
                      {number}
                    </span>
                    <div>
                      <Link href={`/learn/${entry.slug}`} className="lesson-title">
                        <span className="visually-hidden">Lesson {number}: </span>
                        {entry.meta.title}
                      </Link>
                      <p className="lesson-summary">{entry.meta.summary}</p>
                    </div>
                    <span className="lesson-duration">{entry.meta.durationMinutes} min</span>
                  </li>
                ) : (
                  <li key={number} className="is-coming" data-coming>
                    <span className="lesson-number" aria-hidden="true">
                      {number}
                    </span>
                    <div>
                      <span className="lesson-title">
                        <span className="visually-hidden">Lesson {number}: </span>
                        {entry.title}
                      </span>
                      <p className="lesson-summary">{entry.summary}</p>
                    </div>
                    <span className="lesson-duration">coming</span>
                  </li>
                )
              })}
            </ol>
          </section>
        ))}
      </section>
    </>
  )
}
