import { withoutLeadingComments } from '../engine'
import type { ExtensionContext } from '../engine/worker-host'
import type { Simulation, SimEvent, Step, StepAction } from '../sim'
import type { Scenario } from '../scenario'
import { AuditLog } from './audit-log'
import { Batcher } from './batcher'
import type {
  ConsoleReply,
  LiveSqlResult,
  RealWorkNotice,
  StepOutcome,
  StepRunHow,
  StepVerdict,
  WorkbenchSpeed,
} from './events'
import type { SimulationRequests } from './protocol'
import { cancelledVerdict, describeCancel, describeVerdict, judgeStep, type RunningStep } from './step-judge'
import { replayStepsBefore, startLessonSimulation } from './step-starts'
import { resolveStep } from './steps'

/** Runs a task after a delay; the tests run it when they say so. */
export type Schedule = (run: () => void, ms: number) => unknown

/** What the live workbench runs in: the worker's database, queue and page, and its timer. */
export interface WorkbenchHost {
  context: ExtensionContext
  schedule: Schedule
}

const tickMs = 100

// Values a `sequence` parameter hands out between two replacements of the worker
const sequenceRangePerGeneration = 1_000_000

/**
 * One lesson's live traffic in the worker, whose virtual time follows wall time at the chosen
 * speed: steps run as the learner asks, each judged by its expectations once its window closed
 * and every request that arrived in it was answered. A batch goes to the page each tick, never
 * a message per request.
 */
export class LiveWorkbench {
  /** 0 is paused. */
  speed: WorkbenchSpeed
  private nextStep: number
  private running: RunningStep | undefined
  private isStopped = false
  private readonly batcher = new Batcher()
  private readonly audit: AuditLog
  private readonly stepsRun = new Map<number, { title: string; how: StepRunHow }>()
  private readonly stepOutcomes: StepOutcome[] = []
  // answers to the learner's SQL wait for the tick's end, after the restore point their writes need
  private answers: (LiveSqlResult | ConsoleReply)[] = []
  // what the simulator said it cannot represent, by session, until that session's answer goes out
  private readonly notModelledBySession = new Map<string, string>()
  /** Every deployment in the order it was made, for `rollback`. */
  readonly deployments: Record<string, number>[] = []
  private isRestorePointDue = false
  // a verdict known before the first tick: a step stopped by replacing the worker
  private pendingVerdict: StepVerdict | undefined

  private constructor(
    private readonly scenario: Scenario,
    private readonly simulation: Simulation,
    firstStep: number,
    speed: WorkbenchSpeed,
    private readonly host: WorkbenchHost,
  ) {
    this.nextStep = firstStep
    this.speed = speed
    this.audit = new AuditLog(() => this.simulation.nowUs / 1000)
  }

  /**
   * Opens the lesson at the start of a step (replayed, picked up where the build left it, or
   * resumed as it is) and starts ticking.
   */
  static async open(
    scenario: Scenario,
    { start, step, sql, speed, resume, stepStart }: SimulationRequests['open'],
    host: WorkbenchHost,
  ): Promise<LiveWorkbench> {
    const restoring = resume ? resume.database : start
    if (restoring) await host.context.database.restore(restoring)
    // the simulation reports events from its start; the workbench made next hears them
    const listener: { workbench?: LiveWorkbench } = {}
    const startAtMs = resume?.atMs ?? stepStart?.atMs
    const simulation = await startLessonSimulation(host.context.database, scenario, {
      keepEvents: false,
      onEvent: (event) => listener.workbench?.take(event),
      // posted before Postgres starts it: the page hears it even if the worker then hangs
      onRealWork: ({ session, sql }) => {
        const running = listener.workbench?.running
        host.context.emit({
          type: 'real work',
          session,
          sql: withoutLeadingComments(sql),
          ...(running && session === 'migration' && { step: running.index }),
        } satisfies RealWorkNotice)
      },
      ...(startAtMs !== undefined && { startUs: Math.round(startAtMs * 1000) }),
      ...(stepStart && !resume && { tableSizes: stepStart.tableSizes }),
    })
    const workbench = new LiveWorkbench(scenario, simulation, step, speed, host)
    listener.workbench = workbench
    if (resume) {
      const cancelled = resume.cancelled
      // the step that was stopped counts as begun, so later steps keep their numbers
      simulation.skipSteps(cancelled ? cancelled.step + 1 : step)
      if (cancelled) workbench.resumeAfterCancel(cancelled)
      if (resume.previousDeployment) workbench.deployments.push(resume.previousDeployment)
      simulation.continueSequencesFrom((resume.generation ?? 1) * sequenceRangePerGeneration)
      if (Object.keys(resume.deployment).length > 0)
        simulation.applyNow({ kind: 'deploy', shares: resume.deployment })
      // a stopped step's verdict goes out at once, just after the answer to this request
      workbench.tick(cancelled ? 0 : tickMs)
      return workbench
    }
    const markApplied = (index: number, title: string, how: StepRunHow) => {
      workbench.stepsRun.set(index, { title, how })
      workbench.stepOutcomes[index] = 'applied'
    }
    if (stepStart) {
      // the database is this step's start, built by replaying the solutions in the build
      if (stepStart.step !== step)
        throw new Error(`a start built for step ${stepStart.step + 1}, not ${step + 1}`)
      for (let index = 0; index < step; index++)
        markApplied(index, resolveStep(scenario, index, 'solution').title, 'solution')
      simulation.skipSteps(step)
      if (stepStart.previousDeployment) workbench.deployments.push(stepStart.previousDeployment)
      simulation.continueFrom(stepStart)
    } else {
      // earlier steps replay headless, exactly as the lesson check runs them
      await replayStepsBefore(simulation, scenario, step, sql, markApplied)
    }
    workbench.tick()
    return workbench
  }

  /** Virtual ms now. */
  get nowMs(): number {
    return this.simulation.nowUs / 1000
  }

  /** Begins step `index`, which must be the next one; its verdict comes with a later tick. */
  run(index: number, how: 'yours' | 'naive' | 'solution', sql?: string): void {
    if (this.running) throw new Error(`step ${this.running.index + 1} is still running`)
    if (index !== this.nextStep)
      throw new Error(`step ${this.nextStep + 1} is next: undo to go back to step ${index + 1}`)
    const step = resolveStep(this.scenario, index, how, sql)
    this.stepsRun.set(index, { title: step.title, how })
    const way = how === 'naive' ? ', the naive way' : how === 'solution' ? ', with the solution' : ''
    // SQL the learner wrote is theirs, typed by hand; the lesson's own is the lesson's
    const written =
      how === 'yours' ? writtenSqlOf(step, resolveStep(this.scenario, index, 'solution')) : undefined
    if (written) this.audit.note('by hand', `step ${index + 1}, ${step.title}, with your SQL: ${written}`)
    else this.audit.note('lesson', `ran step ${index + 1}, ${step.title}${way}`)
    this.running = {
      index,
      step,
      how,
      progress: this.simulation.beginStep(step),
      startUs: this.simulation.nowUs,
      notModelled: [],
    }
    this.nextStep += 1
  }

  /**
   * Stop on the running step: the statement its migration runs or waits on fails with 57014
   * (its transaction rolls back; what it committed before stays) and the step ends now, its
   * verdict "cancelled" with the next tick. Returns the step and that statement, or null when
   * no step runs.
   */
  cancelStep(): { step: number; statement?: string } | null {
    const running = this.running
    if (!running) return null
    if (!running.cancelled) {
      const cancelled = this.simulation.cancelStep(running.progress)
      running.cancelled = {
        by: 'you',
        ...(cancelled && { statement: withoutLeadingComments(cancelled.sql) }),
      }
    }
    return {
      step: running.index,
      ...(running.cancelled.statement !== undefined && { statement: running.cancelled.statement }),
    }
  }

  // The worker was replaced while a step ran: the step counts as run and stopped, its verdict
  // goes out with the first tick
  private resumeAfterCancel(
    cancelled: NonNullable<SimulationRequests['open']['resume']>['cancelled'] & {},
  ): void {
    const step = resolveStep(this.scenario, cancelled.step, cancelled.how)
    this.stepsRun.set(cancelled.step, { title: step.title, how: cancelled.how })
    this.nextStep = cancelled.step + 1
    const verdict = cancelledVerdict(cancelled.step, cancelled.how, {
      by: cancelled.by,
      ...(cancelled.statement !== undefined && { statement: withoutLeadingComments(cancelled.statement) }),
      restarted: true,
    })
    this.stepOutcomes[cancelled.step] = 'cancelled'
    this.audit.note('lesson', describeCancel(cancelled.step, verdict.cancelled!), 'failed')
    this.pendingVerdict = verdict
  }

  /** Acts on the system now, outside any step: a deployment, the database stopped or started. */
  apply(action: StepAction, reason?: 'rollback'): void {
    this.simulation.applyNow(action)
    this.audit.noteOperator(action, reason)
  }

  /** Ends a session as pg_terminate_backend would; says whether it was there to end. */
  terminate(owner: number): boolean {
    const ended = this.simulation.terminate(owner)
    this.audit.note('operator', `terminated session ${owner}`, ended ? 'ok' : 'failed')
    return ended
  }

  /** Runs the learner's script as an operator session; its answer goes out as a `sql` event. */
  runSql(id: number, sql: string): void {
    this.notModelledBySession.delete('you')
    this.simulation.runOperatorSql(sql, 'you', (result) => {
      const atMs = this.simulation.nowUs / 1000
      const notModelled = this.notModelledBySession.get('you')
      this.notModelledBySession.delete('you')
      if (result.ok) this.isRestorePointDue = true
      this.audit.noteScript(sql, result.ok)
      this.answers.push(
        (result.ok
          ? {
              type: 'sql',
              id,
              atMs,
              ok: true,
              message: 'committed',
              ...(result.last && { last: result.last }),
              ...(notModelled !== undefined && { notModelled }),
            }
          : {
              type: 'sql',
              id,
              atMs,
              ok: false,
              message: `${result.error.code} ${result.error.message}`,
              error: result.error,
              ...(result.statement !== undefined && { statement: result.statement }),
              ...(notModelled !== undefined && { notModelled }),
            }) satisfies LiveSqlResult,
      )
    })
  }

  /** Runs one statement in the console's session; its answer goes out as a `console` event. */
  runConsole(id: number, sql: string): void {
    this.notModelledBySession.delete('console')
    this.simulation.runConsoleStatement(sql, ({ result, transaction, elapsedUs }) => {
      const notModelled = this.notModelledBySession.get('console')
      this.notModelledBySession.delete('console')
      if (result.ok && result.command !== 'SELECT') {
        this.batcher.markSchemaChanged()
        if (transaction === 'idle') this.isRestorePointDue = true
      }
      this.audit.noteConsoleStatement(sql, result, transaction)
      this.answers.push({
        type: 'console',
        id,
        result,
        transaction,
        elapsedMs: elapsedUs / 1000,
        ...(notModelled !== undefined && { notModelled }),
      } satisfies ConsoleReply)
    })
  }

  /** Cancels the console's statement if it waits in the simulation; says whether it did. */
  cancelConsole(): boolean {
    return this.simulation.cancelConsole()
  }

  /** Sets the traffic's rate across the deployed versions; 0 stops it. */
  setRequestRate(perSecond: number): void {
    this.simulation.setRequestRate(perSecond)
  }

  /** Stops ticking: nothing more runs or goes to the page. */
  stop(): void {
    this.isStopped = true
  }

  private take(event: SimEvent): void {
    switch (event.type) {
      case 'step': {
        const run = this.stepsRun.get(event.index)
        this.batcher.addMarker({
          index: event.index,
          id: event.id,
          title: run?.title ?? event.id,
          atMs: event.atUs / 1000,
          how: run?.how ?? 'scripted',
        })
        return
      }
      case 'deploy': {
        const shares = JSON.stringify(event.shares)
        if (JSON.stringify(this.deployments.at(-1)) !== shares) this.deployments.push(event.shares)
        return
      }
      case 'invariant':
        this.batcher.addInvariant({
          atMs: event.atUs / 1000,
          name: event.name,
          violations: event.violations,
          ...(event.causes && { causes: event.causes }),
        })
        return
      case 'not modelled':
        this.batcher.addNotModelled({
          atMs: event.atUs / 1000,
          session: event.session,
          sql: event.sql,
          reason: event.reason,
        })
        this.running?.notModelled.push(event.reason)
        this.notModelledBySession.set(event.session, event.reason)
        return
      case 'statement':
        // a failed statement can leave something too: CONCURRENTLY's INVALID index
        if (event.state === 'committed' || event.state === 'failed') this.batcher.markSchemaChanged()
        // what a step committed survives a Stop that must replace the worker, as in Postgres
        if (event.state === 'committed' && event.session === 'migration') this.isRestorePointDue = true
        return
      default:
        return
    }
  }

  private tick(delayMs = tickMs): void {
    this.host.schedule(() => {
      if (this.isStopped) return
      this.host.context.enqueue(async () => {
        if (this.isStopped) return
        if (this.speed > 0) await this.simulation.runUntil(this.simulation.nowUs + tickMs * 1000 * this.speed)
        const verdict = this.pendingVerdict ?? this.judgeRunningStep()
        this.pendingVerdict = undefined
        // saved before the page hears of the write or the verdict, so a Stop cannot lose them
        if (verdict || this.isRestorePointDue) {
          this.isRestorePointDue = false
          await this.host.context.saveRestorePoint()
        }
        for (const answer of this.answers.splice(0)) this.host.context.emit(answer)
        this.host.context.emit(
          this.batcher.take(this.simulation, {
            speed: this.speed,
            audit: this.audit.take(),
            nextStep: this.nextStep,
            stepOutcomes: [...this.stepOutcomes],
            ...(this.running && { runningStep: this.running.index }),
            ...(this.deployments.length > 1 && { previousDeployment: this.deployments.at(-2) }),
          }),
        )
        if (verdict) this.host.context.emit(verdict)
        this.tick()
      })
    }, delayMs)
  }

  private judgeRunningStep() {
    const running = this.running
    if (!running) return undefined
    const verdict = judgeStep(this.simulation, running)
    if (!verdict) return undefined
    this.running = undefined
    this.stepOutcomes[running.index] = verdict.cancelled
      ? 'cancelled'
      : verdict.passed
        ? 'passed'
        : 'broke things'
    this.audit.note('lesson', describeVerdict(running, verdict), verdict.passed ? 'ok' : 'failed')
    return verdict
  }
}

// The first line of SQL the learner wrote for a step, when it is not the lesson's own
function writtenSqlOf(step: Step, lessons: Step): string | undefined {
  if (step.action.kind !== 'migrate' || lessons.action.kind !== 'migrate') return undefined
  const normal = (sql: string) => sql.replace(/\s+/g, ' ').trim()
  if (normal(step.action.sql) === normal(lessons.action.sql)) return undefined
  const lines = step.action.sql.split('\n').map((line) => line.trim())
  const line = lines.find((candidate) => candidate !== '' && !candidate.startsWith('--')) ?? lines[0]
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}
