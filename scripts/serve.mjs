// Serves the built course (out/) on localhost: `npm start` builds first, then runs this.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createStaticServer } from './static-server.mjs'

const root = join(process.cwd(), 'out')
const portFlag = process.argv.indexOf('--port')
const port = Number(portFlag > -1 ? process.argv[portFlag + 1] : (process.env.PORT ?? 3000))

if (!existsSync(join(root, 'index.html'))) {
  console.error('out/ has no built site: run "npm run build" first (npm start does both).')
  process.exit(1)
}

createStaticServer({ root })
  .listen(port, '127.0.0.1', () => console.log(`Cutover is being served at http://localhost:${port}/`))
  .on('error', (error) => {
    console.error(`could not serve on port ${port}: ${error.message}`)
    process.exit(1)
  })
