// Makes sure a Chromium exists for the browser tests and the benchmark: Debian's package
// when we are root on Debian, a Playwright-managed browser otherwise.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { debianChromium } from './chromium.mjs'

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`)
  execFileSync(command, args, { stdio: 'inherit' })
}

export function ensureBrowser() {
  if (process.env.CUTOVER_CHROMIUM && existsSync(process.env.CUTOVER_CHROMIUM)) return
  if (existsSync(debianChromium)) return
  const isRoot = process.getuid?.() === 0
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'])
    if (existsSync(debianChromium)) return
  }
  run('npx', ['playwright', 'install', 'chromium'])
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBrowser()
