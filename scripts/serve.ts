// Serves the built course (out/) on localhost: `npm start` builds first, then runs this. It
// also relays live classes (scripts/class-relay.ts): a presenter's window leads students'
// pages. With --lan it listens on every network interface, so students' laptops on the same
// network can join; without, only this machine can reach it.
import { existsSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { createClassRelay } from './class-relay'
import { createStaticServer } from './static-server.mjs'

const root = join(process.cwd(), 'out')
const portFlag = process.argv.indexOf('--port')
const port = Number(portFlag > -1 ? process.argv[portFlag + 1] : (process.env.PORT ?? 3000))
const isOnNetwork = process.argv.includes('--lan')

if (!existsSync(join(root, 'index.html'))) {
  console.error('out/ has no built site: run "npm run build" first (npm start does both).')
  process.exit(1)
}

/** This machine's IPv4 addresses on its networks, as students' devices would reach the course. */
function networkAddresses(): string[] {
  if (!isOnNetwork) return []
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => `http://${entry.address}:${port}`)
}

const relay = createClassRelay({ addresses: networkAddresses })

// `kill -USR2 <pid>` prints what the server holds (after a collection, when node runs with
// --expose-gc): the benchmark reads it for the memory a class of a hundred costs
if (process.platform !== 'win32')
  process.on('SIGUSR2', () => {
    ;(globalThis as { gc?: () => void }).gc?.()
    const { rss, heapUsed, external } = process.memoryUsage()
    console.log(`server memory: ${JSON.stringify({ rss, heapUsed, external, ...relay.stats() })}`)
  })

createStaticServer({ root, handle: relay.handle })
  .listen(port, isOnNetwork ? '0.0.0.0' : '127.0.0.1', () => {
    console.log(`Cutover is being served at http://localhost:${port}/`)
    const addresses = networkAddresses()
    if (isOnNetwork)
      for (const address of addresses)
        console.log(`  and on the network at ${address}/ (students join at /join)`)
    else
      console.log(
        '  (this machine only: add --lan, as in `npm start -- --lan`, for students to join a class)',
      )
  })
  .on('error', (error) => {
    console.error(`could not serve on port ${port}: ${error.message}`)
    process.exit(1)
  })
