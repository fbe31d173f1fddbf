'use client'

import { memo, useId } from 'react'
import type { WorkbenchSpeed } from '@/lib/workbench'
import { formatClockTenths } from './format'

/** What the clock panel shows and whom it tells. */
export interface ClockPanelProps {
  /** Virtual ms now. */
  nowMs: number
  /** The speed virtual time runs at: 0 is paused. */
  speed: WorkbenchSpeed
  /** Asks for another speed. */
  onSpeed(speed: WorkbenchSpeed): void
  /** Turns the speed buttons off. */
  disabled: boolean
}

const speeds: { speed: WorkbenchSpeed; text: string }[] = [
  { speed: 0, text: 'Pause' },
  { speed: 1, text: '1×' },
  { speed: 10, text: '10×' },
]

/** The virtual clock, its speed buttons, and a note on what is simulated and what is real. */
export const ClockPanel = memo(function ClockPanel({ nowMs, speed, onSpeed, disabled }: ClockPanelProps) {
  const headingId = useId()
  return (
    <section className="wb-panel wb-clock" aria-labelledby={headingId}>
      <h3 id={headingId}>Virtual clock</h3>
      <div className="wb-clock-row">
        {/* not a live region: it changes ten times a second */}
        <span className="wb-clock-time" data-now-ms={Math.floor(nowMs)}>
          {formatClockTenths(nowMs)}
        </span>
        <span role="group" aria-label="Speed" className="wb-speed">
          {speeds.map((option) => (
            <button
              key={option.speed}
              type="button"
              className="secondary"
              aria-pressed={speed === option.speed}
              disabled={disabled}
              onClick={() => onSpeed(option.speed)}
            >
              {option.text}
            </button>
          ))}
        </span>
      </div>
      <p className="wb-note">
        <strong>Simulated:</strong> time and concurrency — requests arrive in virtual time and wait for locks
        by Postgres’s rules. <strong>Real:</strong> every SQL statement, its errors and its lock modes come
        from the Postgres running in this page.
      </p>
    </section>
  )
})
