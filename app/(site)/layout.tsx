import type { ReactNode } from 'react'
import { SiteChrome } from '../_components/SiteChrome'

/** The course's pages: lessons and the index, inside the site's header and footer. */
export default function SiteLayout({ children }: { children: ReactNode }) {
  return <SiteChrome>{children}</SiteChrome>
}
