// The psql-style console: an interpreter with no DOM, shared by the browser terminal and `npm run console`.
export {
  PsqlInterpreter,
  timingLine,
  metaCommandNames,
  type ConsoleWrite,
  type LineOutcome,
} from './interpreter'
export type {
  ConsoleBackend,
  ExecutedStatement,
  OperatorControls,
  OperatorSession,
  OperatorView,
} from './console-backend'
export { databaseBackend } from './database-backend'
export {
  completeLine,
  commonPrefix,
  readCompletionNames,
  type Completion,
  type CompletionNames,
} from './completion'
export { LineEditor, parseHistory, historyLimit, type EditorEffect } from './line-editor'
export { operatorCommands, canaryShares, unservedBy } from './operator-commands'
export { scanInput, type InputState } from './sql-input'
export { formatAligned, formatExpanded, formatError, commandTag, displayWidth } from './psql-format'
export { ConsoleSession } from './console-session'
export { TerminalSession, type TerminalScreen, type TerminalHistory } from './terminal-session'
export { snippetInputOf, type SnippetInput } from './snippet-input'
