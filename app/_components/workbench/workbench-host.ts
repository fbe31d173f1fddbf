import type { StepVerdict } from '@/lib/workbench'

/** What the workbench tells whoever hosts it. */
export type WorkbenchEvent =
  /** The simulation is live for the first time, at this step. */
  | { type: 'ready'; step: number }
  /** The database could not start, or the simulation could not open (Reset tries that again). */
  | { type: 'failed' }
  | { type: 'verdict'; verdict: StepVerdict }
  /** A `reset` command put the step (or the lesson) back where it started; `undo` says whether it can be undone. */
  | { type: 'reset'; step: number; undo: ResetUndoOffer }
  /** An `undo reset` command brought back the lesson as it stood before the reset, or says why not. */
  | { type: 'reset undone'; outcome: ResetUndoOutcome }
  /** The step at hand and its SQL, whenever either changes. */
  | { type: 'view'; current: number; sql: string }
  /**
   * A step begins to run, and the text it runs: the editor's, the naive way's or the
   * solution's (for a step that is not the learner's to write, what it does, in words).
   */
  | { type: 'run'; step: number; how: 'yours' | 'naive' | 'solution'; text: string }

/** What an embed's host page or the presenter's keyboard can ask of the workbench. */
export type WorkbenchCommand =
  | { type: 'run'; how?: 'yours' | 'naive' }
  | { type: 'reset' }
  /** Brings back the lesson as it stood before the last reset: its database, step and verdicts. */
  | { type: 'undo reset' }
  /** Stops the running step, as its Stop button does. */
  | { type: 'stop' }
  | { type: 'go'; to: 'next' | 'previous' }
  | { type: 'toggle traffic' }
  | { type: 'status'; reply(status: StepStatus): void }

/**
 * Whether a reset can be undone: yes, with what an undo would not bring back (in words, for
 * the host to say), or no, and why.
 */
export type ResetUndoOffer = { ok: true; notRestored: string[] } | { ok: false; reason: string }

/** How an undo of a reset went: back at `step` (without what `notRestored` names), or why not. */
export type ResetUndoOutcome =
  { ok: true; step: number; notRestored: string[] } | { ok: false; reason: string }

/** Where the step at hand stands, as a status command is answered. */
export type StepStatus = 'starting' | 'failed' | 'not run' | 'running' | 'passed' | 'broke things'

/** Commands sent to a workbench from outside it. */
export interface WorkbenchCommandSource {
  subscribe(listener: (command: WorkbenchCommand) => void): () => void
}

/** A command source the host sends into: `send` reaches the workbench subscribed to it. */
export function createCommandSource(): WorkbenchCommandSource & { send(command: WorkbenchCommand): void } {
  const listeners = new Set<(command: WorkbenchCommand) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    send(command) {
      for (const listener of listeners) listener(command)
    },
  }
}
