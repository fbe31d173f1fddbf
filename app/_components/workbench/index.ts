// the panels' one stylesheet comes with them: import the panels from here, not file by file
// (package.json lists this module in sideEffects, so a bundler keeps the import below)
import './workbench-panels.css'

export { AuditLog, type AuditLogProps } from './AuditLog'
export { ClockPanel, type ClockPanelProps } from './ClockPanel'
export { DeployPanel, type DeployPanelProps } from './DeployPanel'
export { InvariantChart, type InvariantChartProps } from './InvariantChart'
export { RequestLog, formatLogLine, type RequestLogProps } from './RequestLog'
export { SchemaPanel, type SchemaPanelProps } from './SchemaPanel'
export { SessionsPanel, type SessionsPanelProps } from './SessionsPanel'
export { TrafficChart, type TrafficChartProps } from './TrafficChart'
export { VersionGrid, type EndpointCellState, type VersionGridProps } from './VersionGrid'
export { stopVersion } from './deployment-shares'
export { bucketMetrics, chartWindow, type TrafficSeries } from './traffic-series'
