// The workbench's contract with the simulation in the database worker, as the page uses it:
// the typed client, what it sends and hears, and the terminal's backend on a live lesson. The
// worker's side starts in ./browser-worker; the build-time step list is in ./node.
export { createSimulationClient, type SimulationClient, type SimulationPort } from './client'
export {
  type OpenedWorkbench,
  type SimulationReplies,
  type SimulationRequest,
  type SimulationRequests,
} from './protocol'
export {
  realWorkBudgetMs,
  realWorkBudgetOf,
  type AuditEntry,
  type ConsoleReply,
  type EndpointStatus,
  recentSeconds,
  type InvariantPoint,
  type LiveSqlResult,
  type RealWorkNotice,
  type RequestLogEntry,
  type SessionView,
  type SimulationEvent,
  type StepMarker,
  type StepRunHow,
  type StepVerdict,
  type WorkbenchBatch,
  type WorkbenchSpeed,
} from './events'
export type { SchemaTable, SchemaView } from './schema-view'
export { workbenchConsole, type ConsoleScenario } from './console'
export { statementOnOneLine } from './statement-line'
export type { WorkbenchStep } from './steps'
export type { StepStart, StepStartLayers } from './step-starts'
