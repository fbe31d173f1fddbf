// The simulator's public face: scenarios in, event logs, metrics and verdicts out.
export * from './model'
export {
  Simulation,
  describeFailedCheck,
  refusedBy,
  stepWindowMs,
  type RequestRecord,
  type RequestAccess,
  type RequestOutcome,
  type SessionSnapshot,
  type SessionView,
  type SimEvent,
  type OperatorResult,
  type OperatorWait,
  type ActionProgress,
  type InvariantCheck,
  type ConsoleAnswer,
  type DatabaseState,
  type RealWork,
  type PickUpPoint,
  type SimulationOptions,
} from './simulation'
export { runScenario, type ScenarioRun, type StepReport } from './run-scenario'
export { causeColumn, countFailedCheck, countViolations } from './checks'
export {
  checkExpectations,
  checkStepExpectations,
  describeRecords,
  formatMs,
  type ExpectationResult,
  type RunRecord,
} from './expectations'
export { generateParam, pickEndpoint, type RequestSource } from './request-params'
export { accessOf } from './request-lifecycle'
export { parseOperatorScript, type ScriptPart } from './operator-script'
export { RandomStream } from './random'
export { MetricsCollector, metricsBySecond, type AccessMetrics, type SecondMetrics } from './metrics'
export { costModel, classifyStatement, type OperationClass } from './cost-model'
export { lockModesConflict } from './lock-conflicts'
