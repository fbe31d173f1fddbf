// The real-server check's face, for scripts and tests in Node: a PostgreSQL 18 server and a
// lesson's paths replayed on it.
export { checkLessonOnRealServer, defaultTimeScale, type RealPathVerdict } from './check-lesson'
export { startRealServer, type RealServer } from './server'
export { runConformanceMatrix, type CellResult } from './conformance/run-matrix'
export { conformanceStatements } from './conformance/statements'
export { workloads, type Workload } from './conformance/cells'
export { buildReference, probeOnServer, referenceDrift } from './conformance/reference'
