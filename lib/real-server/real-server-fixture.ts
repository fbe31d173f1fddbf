import { after, before } from 'node:test'
import { startRealServer, type RealServer } from './server'

/**
 * For a test file: one real server started before its tests and stopped after them. Returns
 * how to reach it once started.
 */
export function useRealServer(): () => RealServer {
  let server: RealServer | undefined
  before(async () => {
    server = await startRealServer()
  })
  after(async () => {
    await server?.close()
  })
  return () => {
    if (!server) throw new Error('the real server is not started yet: use it inside a test')
    return server
  }
}
