import Link from 'next/link'
import { courseLessons, lessonNumber } from '@/app/course'

export default async function CourseIndex() {
  const lessons = await courseLessons()
  return (
    <>
      <section className="intro">
        <h1>Zero-downtime deploys, with a real Postgres</h1>
        <p>
          Apply real SQL migrations to PostgreSQL running in your browser, and watch the old and the new
          version of an app keep serving traffic — or break, time out, or corrupt data — as each step lands.
        </p>
      </section>
      <h2 id="lessons-heading">Lessons</h2>
      <ol className="lesson-list" aria-labelledby="lessons-heading">
        {lessons.map((lesson) => (
          <li key={lesson.slug}>
            <span className="lesson-number" aria-hidden="true">
              {lessonNumber(lesson)}
            </span>
            <div>
              <Link href={`/learn/${lesson.slug}`} className="lesson-title">
                {lesson.meta.title}
              </Link>
              <p className="lesson-summary">{lesson.meta.summary}</p>
            </div>
            <span className="lesson-duration">{lesson.meta.durationMinutes} min</span>
          </li>
        ))}
      </ol>
    </>
  )
}
