import type { Metadata } from 'next'
import { JoinClass } from './JoinClass'
import './join.css'

export const metadata: Metadata = {
  title: 'Join a class',
  description: 'Follow an instructor’s live class on your own device, with the code on the projector.',
  robots: { index: false },
}

/** Where a student joins a live class with the code on the projector. */
export default function JoinPage() {
  return (
    <article className="join">
      <h1>Join a class</h1>
      <p className="lesson-lede">
        Your instructor’s projector shows a five-letter code. With it, this page follows the class live: the
        step, the SQL that ran and what it did to the traffic, as the presenter goes. You can leave at any
        moment to try the step yourself, and come back.
      </p>
      <JoinClass />
    </article>
  )
}
