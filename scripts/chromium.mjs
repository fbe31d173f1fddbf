// How every browser run here launches Chromium: Debian's /usr/bin/chromium when present
// (Playwright cannot download browsers on these machines), else Playwright's own.
import { existsSync } from 'node:fs'

export const debianChromium = '/usr/bin/chromium'

// Without the background-networking flags Chromium calls Google's hosts at start, which a
// closed network refuses; --no-sandbox because CI runs as root.
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launch options for Playwright's chromium.launch(). */
export function chromiumLaunchOptions() {
  const executablePath =
    process.env.CUTOVER_CHROMIUM || (existsSync(debianChromium) ? debianChromium : undefined)
  return { executablePath, args: flags }
}
