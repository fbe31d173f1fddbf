'use client'

import { memo, useId, useState } from 'react'
import { splitCanary, stopVersion } from './deployment-shares'

/** What the deploy panel shows and whom it tells. */
export interface DeployPanelProps {
  /** The lesson's app versions, oldest first; the canary slider splits between the last two. */
  versions: { id: string; label: string }[]
  /** Versions running now and their % of traffic; a version absent from it is not running. */
  deployment: Record<string, number>
  /** Whether the simulated database is stopped. */
  isDatabaseDown: boolean
  /** Turns every control off, e.g. while no traffic runs or a step is being applied. */
  disabled: boolean
  /** Asks for a new deployment: every running version with its % of traffic; versions left out stop. */
  onDeploy(shares: Record<string, number>): void
  /** Asks to stop or start the database. */
  onDatabase(state: 'stop' | 'start'): void
}

const CANARY_STEP = 5

/**
 * Which app versions run and with what share of traffic: deploy or stop each, split traffic
 * between the two newest with a canary slider, and stop or start the database.
 */
export const DeployPanel = memo(function DeployPanel({
  versions,
  deployment,
  isDatabaseDown,
  disabled,
  onDeploy,
  onDatabase,
}: DeployPanelProps) {
  const headingId = useId()
  const canary =
    versions.length >= 2
      ? { old: versions[versions.length - 2], new: versions[versions.length - 1] }
      : undefined

  return (
    <section className="wb-panel wb-deploy" aria-labelledby={headingId}>
      <h3 id={headingId}>Deploy</h3>
      <ul className="wb-deploy-versions">
        {versions.map((version) => {
          const share = deployment[version.id]
          const isRunning = share !== undefined
          return (
            <li key={version.id} data-version={version.id} data-share={share}>
              <span className="wb-deploy-version">
                <strong>{version.label}</strong>{' '}
                <span className={isRunning ? 'wb-running' : 'wb-stopped'}>
                  {isRunning ? `running, ${share}% of traffic` : 'not running'}
                </span>
              </span>
              <span className="wb-buttons">
                <button
                  type="button"
                  className="secondary"
                  disabled={disabled || share === 100}
                  onClick={() => onDeploy({ [version.id]: 100 })}
                >
                  Deploy 100%<span className="visually-hidden"> of traffic to {version.label}</span>
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={disabled || !isRunning}
                  onClick={() => onDeploy(stopVersion(deployment, version.id))}
                >
                  Stop<span className="visually-hidden"> {version.label}</span>
                </button>
              </span>
            </li>
          )
        })}
      </ul>

      {canary && (
        <CanarySlider
          // a new pair of versions starts from its own deployment, not the last pair's draft
          key={`${canary.old.id}/${canary.new.id}`}
          oldVersion={canary.old}
          newVersion={canary.new}
          currentShare={deployment[canary.new.id] ?? 0}
          disabled={disabled}
          onDeploy={onDeploy}
        />
      )}

      <div className="wb-database">
        <p className="wb-database-status" role="status">
          Database:{' '}
          <strong
            className={isDatabaseDown ? 'wb-stopped' : 'wb-running'}
            data-database={isDatabaseDown ? 'stopped' : 'running'}
          >
            {isDatabaseDown ? 'stopped' : 'running'}
          </strong>
        </p>
        <button
          type="button"
          className="secondary"
          disabled={disabled}
          onClick={() => onDatabase(isDatabaseDown ? 'start' : 'stop')}
        >
          {isDatabaseDown ? 'Start the database' : 'Stop the database'}
        </button>
      </div>
    </section>
  )
})

interface CanarySliderProps {
  oldVersion: { id: string; label: string }
  newVersion: { id: string; label: string }
  currentShare: number
  disabled: boolean
  onDeploy(shares: Record<string, number>): void
}

// Dragging only moves a draft; Apply sends it, so a drag is one deploy and not twenty.
function CanarySlider({ oldVersion, newVersion, currentShare, disabled, onDeploy }: CanarySliderProps) {
  const inputId = useId()
  // a draft made against another deployment is stale once a step or a button changed it
  const [draft, setDraft] = useState<{ share: number; basis: number } | undefined>()
  const pending = draft && draft.basis === currentShare ? draft.share : undefined
  const share = pending ?? currentShare
  const split = `${newVersion.label} ${share}% · ${oldVersion.label} ${100 - share}%`

  return (
    <div className="wb-canary">
      <label htmlFor={inputId}>Canary share for {newVersion.label}</label>
      <div className="wb-canary-row">
        <input
          id={inputId}
          type="range"
          min={0}
          max={100}
          step={CANARY_STEP}
          value={share}
          disabled={disabled}
          aria-valuetext={`${share}% to ${newVersion.label}, ${100 - share}% to ${oldVersion.label}`}
          onChange={(event) => setDraft({ share: Number(event.target.value), basis: currentShare })}
        />
        <span className="wb-canary-split" aria-hidden="true">
          {split}
        </span>
        <button
          type="button"
          disabled={disabled || pending === undefined || pending === currentShare}
          onClick={() => onDeploy(splitCanary(oldVersion.id, newVersion.id, share))}
        >
          Apply split
        </button>
      </div>
    </div>
  )
}
