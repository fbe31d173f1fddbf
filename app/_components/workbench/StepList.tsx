import type { WorkbenchStep } from '@/lib/workbench'
import type { StepState } from './step-position'

/** The lesson's steps, each with where it stands; a click opens the simulation at that step. */
export function StepList({
  lesson,
  steps,
  states,
  current,
  isOpenable,
  onOpen,
}: {
  lesson: string
  steps: WorkbenchStep[]
  /** Where each step stands, in the steps' order. */
  states: StepState[]
  /** The step at hand. */
  current: number
  /** Whether a click may open a step now (the simulation is live, or failed and may try again). */
  isOpenable: boolean
  onOpen(step: number): void
}) {
  return (
    <nav aria-label="Steps" className="workbench-steps">
      <ol>
        {steps.map((candidate, index) => (
          <li key={candidate.id} data-state={states[index]}>
            <a
              href={`/learn/${lesson}/${candidate.id}`}
              title={`Step ${index + 1}: ${candidate.title}`}
              aria-current={index === current ? 'step' : undefined}
              onClick={(event) => {
                event.preventDefault()
                if (!isOpenable) return
                onOpen(index)
              }}
            >
              <span className="workbench-step-number">{index + 1}</span>
              <span className="workbench-step-title">{candidate.title}</span>
              <span className="workbench-step-state">{states[index]}</span>
            </a>
          </li>
        ))}
      </ol>
    </nav>
  )
}
