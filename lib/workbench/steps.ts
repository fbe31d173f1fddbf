import type { Step, StepAction } from '../sim'
import {
  describeSpecProblem,
  isExercise,
  migrateAction,
  parseSystemTestSpec,
  pathsOf,
  solutionOf,
  starterOf,
  toSimScenario,
  writtenPartOf,
  type Scenario,
} from '../scenario'
import type { StepRunHow } from './events'

/** What the workbench shows for one step before anything runs: built at build time, sent to the page. */
export interface WorkbenchStep {
  id: string
  title: string
  /** A migration or a system test the learner writes; other steps run what the lesson scripted. */
  isEditable: boolean
  /**
   * An editable step the lesson has an answer to, whose starter fails it; otherwise the editor
   * holds the step's own text (the story's hotfix, the same test again) to run or change.
   */
  isExercise: boolean
  /** What the editor holds: SQL, or a system test's spec in Delmo's vocabulary (YAML). */
  language: 'sql' | 'delmo'
  /** What the editor holds first. */
  starter: string
  /** Lines of the starter, from 1, the learner cannot edit. */
  lockedLines: number[]
  /** The lesson's answer, for the diff; absent where the step is not SQL. */
  solution?: string
  /** What "try the naive way" runs, said in a line; absent when the step has no naive way. */
  naive?: string
  /** What pressing Run does, for a step that is not SQL. */
  summary: string
}

/** The path whose steps define passing: `safe` where there are two paths, else the only one. */
function passingPath(scenario: Scenario) {
  return pathsOf(scenario).includes('safe') ? 'safe' : 'main'
}

/** Every step as the workbench presents it. */
export function describeWorkbenchSteps(scenario: Scenario): WorkbenchStep[] {
  const solution = toSimScenario(scenario, passingPath(scenario)).steps
  const naive = pathsOf(scenario).includes('naive') ? toSimScenario(scenario, 'naive').steps : undefined
  return scenario.steps.map((authored, index) => {
    const step = solution[index]
    const naiveStep = authored.naive ? naive?.[index] : undefined
    const written = writtenPartOf(scenario, index)
    const solutionText = solutionOf(scenario, index)
    const naiveText = authored.naive?.migrate ?? authored.naive?.systemTest?.spec
    return {
      id: step.id,
      title: step.title,
      isEditable: written !== undefined,
      isExercise: isExercise(scenario, index),
      language: written ?? 'sql',
      starter: starterOf(scenario, index),
      lockedLines: authored.lockedLines ?? [],
      ...(solutionText !== undefined && { solution: solutionText }),
      ...(naiveStep && { naive: naiveText?.trim() ?? describeAction(naiveStep.action) }),
      summary: describeAction(step.action),
    }
  })
}

/** The step to simulate when the learner runs step `index` one way or another. */
export function resolveStep(scenario: Scenario, index: number, how: StepRunHow, sql?: string): Step {
  const solution = toSimScenario(scenario, passingPath(scenario)).steps[index]
  if (!solution) throw new Error(`the lesson has no step ${index + 1}`)
  if (how === 'naive') {
    if (!scenario.steps[index].naive) throw new Error(`step ${index + 1} has no naive way`)
    // the naive way is judged by its own claims: the breakage the lesson says it causes
    return toSimScenario(scenario, 'naive').steps[index]
  }
  if (how === 'yours' && solution.action.kind === 'migrate' && sql !== undefined) {
    if (sql.trim() === '') throw new Error('there is no SQL to run: write the migration first')
    // the learner's text says its own retries, or none: never the solution's, unseen (a retry
    // line that does not read throws, and the editor shows why)
    return { ...solution, action: migrateAction(sql) }
  }
  const test = authoredPath(scenario, index).systemTest
  if (how === 'yours' && test && sql !== undefined) {
    const parsed = parseSystemTestSpec(sql, test.tasks, test.timeout)
    if (!parsed.ok) throw new Error(`the test does not read: ${describeSpecProblem(parsed.problem)}`)
    return { ...solution, action: { kind: 'system test', tasks: parsed.tasks } }
  }
  return solution
}

// The authored fields of the path that defines passing, for what the simulator's step leaves out.
function authoredPath(scenario: Scenario, index: number) {
  const step = scenario.steps[index]
  return passingPath(scenario) === 'safe' && step.safe ? step.safe : step
}

/** What a scripted action does, in a line. */
export function describeAction(action: StepAction): string {
  switch (action.kind) {
    case 'deploy': {
      const shares = Object.entries(action.shares)
      const gate = action.gate
      const unless =
        gate && 'sql' in gate
          ? `, unless ${gate.name ?? 'the gate’s query'} returns a row`
          : gate
            ? ', gated'
            : ''
      return shares.length === 0
        ? 'Stops every app version.'
        : // a deploy names what runs after it: a version it leaves out stops, as step 7 of
          // lock-queue stops v1.0.0 by deploying v1.0.1 alone
          `Deploys ${shares.map(([version, share]) => `${version} at ${share}%`).join(' and ')} and stops every other version${unless}.`
    }
    case 'migrate':
      return 'Runs the migration.'
    case 'database':
      return {
        stop: 'Stops the database server.',
        start: 'Starts the database server again, or ends its hang.',
        hang: 'The database server hangs: it runs, but nothing sent to it gets an answer.',
      }[action.state]
    case 'open session':
      return `Opens session ${action.session}, which runs its SQL and stays idle in transaction.`
    case 'end session':
      return action.how === 'commit'
        ? `Commits session ${action.session}.`
        : `Terminates session ${action.session} (pg_terminate_backend).`
    case 'terminate idle':
      return 'Terminates every session idle in transaction.'
    case 'advance':
      return `Lets ${formatSeconds(action.ms)} pass with traffic flowing.`
    case 'check': {
      const condition = action.condition
      if ('sql' in condition) {
        const query = condition.name ?? 'the query'
        if (action.verb === 'wait')
          return `Waits up to ${formatSeconds(action.withinMs)} until ${query} returns a row.`
        return `Checks that ${query} returns ${action.verb === 'assert' ? 'a row' : 'no row'}.`
      }
      const [what, opposite] =
        'invariants' in condition
          ? ['every invariant holds', 'an invariant is broken']
          : 'database' in condition
            ? [`the database is ${condition.database}`, `the database is not ${condition.database}`]
            : [
                `${condition.request.version ?? 'the app'} serves ${condition.request.endpoint}`,
                `${condition.request.version ?? 'the app'} does not serve ${condition.request.endpoint}`,
              ]
      if (action.verb === 'wait') return `Waits up to ${formatSeconds(action.withinMs)} until ${what}.`
      return `Checks that ${action.verb === 'assert' ? what : opposite}.`
    }
    case 'system test':
      return `Runs the system test: ${action.tasks.length} tasks, stopping at the first that fails.`
  }
}

function formatSeconds(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`
}
