import type { Metadata, Viewport } from 'next'
import type { ReactNode } from 'react'
import { OfflineSupport } from './_components/OfflineSupport'
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
        {children}
        <OfflineSupport />
      </body>
    </html>
  )
}
