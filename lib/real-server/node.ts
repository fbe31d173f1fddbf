// The real-server check's face, for scripts and tests in Node: a PostgreSQL 18 server and a
// lesson's paths replayed on it.
export { checkLessonOnRealServer, defaultTimeScale, type RealPathVerdict } from './check-lesson'
export { startRealServer, type RealServer } from './server'
