import Link from 'next/link'
import type { ReactNode } from 'react'
import { OfflineNote } from './OfflineSupport'
import { ThemeToggle } from './ThemeToggle'

/** The course's header and footer around a page; embeds and the audience view go without them. */
export function SiteChrome({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          Cutover
        </Link>
        {/* a list, so the links stay apart without the style sheet and read as three to a screen reader */}
        <nav aria-label="Site">
          <ul>
            <li>
              <Link href="/">Lessons</Link>
            </li>
            <li>
              <Link href="/reference/locks">Statement locks</Link>
            </li>
            <li>
              <Link href="/embedding">Embed a step</Link>
            </li>
          </ul>
        </nav>
        <ThemeToggle />
      </header>
      <main id="main">{children}</main>
      <footer className="site-footer">
        <p>Real PostgreSQL 18 (PGlite) runs in your browser. Nothing you type leaves this page.</p>
        <OfflineNote />
      </footer>
    </>
  )
}
