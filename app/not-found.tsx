import Link from 'next/link'
import { SiteChrome } from './_components/SiteChrome'

export default function NotFound() {
  return (
    <SiteChrome>
      <section className="not-found">
        <h1>Page not found</h1>
        <p>There is no lesson or page at this address. It may have been renamed.</p>
        <p>
          <Link href="/">See all lessons</Link>
        </p>
      </section>
    </SiteChrome>
  )
}
