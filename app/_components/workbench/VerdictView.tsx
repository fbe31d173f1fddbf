import { realWorkBudgetMs, type StepVerdict, type WorkbenchStep } from '@/lib/workbench'

/** A step's outcome: passed or not, its error, and each claim with what was seen. */
export function VerdictView({ verdict, steps }: { verdict: StepVerdict; steps: WorkbenchStep[] }) {
  if (verdict.cancelled)
    return <CancelledView verdict={verdict} cancelled={verdict.cancelled} steps={steps} />
  const how =
    verdict.how === 'naive' ? ' the naive way' : verdict.how === 'solution' ? ' with the solution' : ''
  // never a false green: a step the simulator could not represent is not shown as passed
  const notModelled = verdict.notModelled ?? []
  const state = notModelled.length > 0 ? 'is-not-modelled' : verdict.passed ? 'is-passed' : 'is-broken'
  return (
    <div className={`workbench-verdict ${state}`} data-passed={verdict.passed}>
      <p>
        <strong>
          {notModelled.length > 0
            ? '~ Not modelled'
            : verdict.passed
              ? '✓ Passed'
              : steps[verdict.step]?.language === 'delmo'
                ? '✗ Not yet'
                : '✗ Broke things'}
          : step {verdict.step + 1}
          {how}
        </strong>{' '}
        — {steps[verdict.step]?.title}
      </p>
      {notModelled.map((reason) => (
        <p key={reason} className="not-modelled" role="note">
          <strong>The simulator cannot represent what happened here,</strong> so what the traffic showed is
          not what Postgres would do. {reason} <a href="/reference/locks">What each statement locks</a>
        </p>
      ))}
      {verdict.brokeAsTaught === true && (
        <p>The naive way broke things as the lesson says: every claim below held.</p>
      )}
      {verdict.brokeAsTaught === false && (
        <p>
          <strong>Not what the lesson shows:</strong> the naive way did not break things the way the lesson
          says (a claim below did not hold). An earlier step run differently can cause this.
        </p>
      )}
      {verdict.result.ok === 'still running' && (
        <p role="note">
          <strong>Still running:</strong> the step’s window closed before its statement ended, so the claims
          below are what happened until then. It goes on: if it waits for a lock, terminate what blocks it
          (the Sessions panel, or <code>pg_terminate_backend</code> in the terminal), or undo the step.
        </p>
      )}
      {verdict.result.ok === false &&
        verdict.result.error.code === 'CHECK' &&
        (steps[verdict.step]?.language === 'delmo' ? (
          // a system test's own result stays red, whether or not the step wanted it so
          <p className="workbench-test-failure" data-test-result="red">
            <strong>{verdict.passed ? 'The test failed, as this step wants:' : 'The test failed:'}</strong>{' '}
            {verdict.result.error.message}
          </p>
        ) : (
          <p
            className={verdict.passed ? 'workbench-test-refusal' : 'workbench-test-failure'}
            data-test-result={verdict.passed ? 'refused as claimed' : 'red'}
          >
            <strong>
              {verdict.passed ? 'The check refused, as this step claims:' : 'The check failed:'}
            </strong>{' '}
            {verdict.result.error.message}
          </p>
        ))}
      {verdict.result.ok === true && steps[verdict.step]?.language === 'delmo' && (
        <p className="workbench-test-success" data-test-result="green">
          <strong>The test passed:</strong> every task succeeded.
        </p>
      )}
      {verdict.result.ok === false && verdict.result.error.code !== 'CHECK' && (
        <p className="sql-error">
          <strong>ERROR:</strong> {verdict.result.error.message}{' '}
          <span className="sql-code">SQLSTATE {verdict.result.error.code}</span>
          {verdict.result.error.detail && (
            <span className="workbench-detail">DETAIL: {verdict.result.error.detail}</span>
          )}
          {verdict.result.error.hint && (
            <span className="workbench-detail">HINT: {verdict.result.error.hint}</span>
          )}
        </p>
      )}
      <ul className="workbench-claims">
        {verdict.expectations.map((expectation) => (
          <li key={expectation.claim} data-held={expectation.held}>
            <span aria-hidden="true">{expectation.held ? '✓' : '✗'}</span>{' '}
            <span className="visually-hidden">{expectation.held ? 'held:' : 'failed:'}</span>
            {expectation.claim} <span className="muted">— {expectation.actual}</span>
          </li>
        ))}
      </ul>
      {!verdict.passed && <p className="muted">Undo the step to try again from where it started.</p>}
    </div>
  )
}

/** A step stopped while it ran: who stopped it, the statement it was running, what stays. */
function CancelledView({
  verdict,
  cancelled,
  steps,
}: {
  verdict: StepVerdict
  cancelled: NonNullable<StepVerdict['cancelled']>
  steps: WorkbenchStep[]
}) {
  const how =
    verdict.how === 'naive' ? ' the naive way' : verdict.how === 'solution' ? ' with the solution' : ''
  return (
    <div className="workbench-verdict is-cancelled" data-passed={false} data-cancelled={cancelled.by}>
      <p>
        <strong>
          {cancelled.by === 'you' ? '■ Cancelled by you' : '■ Stopped: over the real-time budget'}: step{' '}
          {verdict.step + 1}
          {how}
        </strong>{' '}
        — {steps[verdict.step]?.title}
      </p>
      {cancelled.statement !== undefined ? (
        <>
          <p>{cancelled.by === 'you' ? 'It was running:' : 'This statement ran too long:'}</p>
          <pre className="workbench-cancelled-statement" tabIndex={0}>
            <code>{cancelled.statement}</code>
          </pre>
        </>
      ) : (
        cancelled.by === 'you' && <p>No statement of it was running: its window of traffic ended early.</p>
      )}
      {cancelled.by === 'budget' ? (
        <p>
          It ran longer than {realWorkBudgetMs / 1000} s for real in PGlite, the Postgres in this page. While
          a statement runs for real, the simulation cannot move its clock or answer its traffic, so the page
          stopped it, started the database again from its last saved state (the step’s start, or its last
          commit) and let the traffic go on. To say “this takes n seconds”, write{' '}
          <code>select pg_sleep(n)</code> with a number: the simulator makes it n seconds of virtual time, its
          locks held.
        </p>
      ) : cancelled.restarted ? (
        <p>
          Postgres was busy with it for real and could not hear the cancel, so the page started the database
          again from its last saved state (the step’s start, or its last commit). The traffic goes on.
        </p>
      ) : (
        <p>
          Postgres answered <code>ERROR: canceling statement due to user request</code> (57014): its
          transaction rolled back and its locks went; what the step committed before it stays. The traffic
          goes on.
        </p>
      )}
      <p className="muted">No claim was judged. Run the step again, or undo it.</p>
    </div>
  )
}
