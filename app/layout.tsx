import type { Metadata, Viewport } from 'next'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { ThemeToggle } from './_components/ThemeToggle'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Cutover — zero-downtime deploys, with a real Postgres', template: '%s · Cutover' },
  description:
    'An interactive course on zero-downtime deploys: apply real SQL migrations to PostgreSQL in your browser and watch old and new app versions keep serving, or break.',
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fbfaf7' },
    { media: '(prefers-color-scheme: dark)', color: '#16181d' },
  ],
}

// Runs before first paint so a chosen theme never flashes the other one.
const themeScript = `try{var t=localStorage.getItem('cutover-theme');if(t==='dark'||t==='light')document.documentElement.dataset.theme=t}catch(e){}`

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Cutover
          </Link>
          <nav aria-label="Site">
            <Link href="/">Lessons</Link>
          </nav>
          <ThemeToggle />
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>Real PostgreSQL 18 (PGlite) runs in your browser. Nothing you type leaves this page.</p>
        </footer>
      </body>
    </html>
  )
}
