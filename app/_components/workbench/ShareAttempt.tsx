import type { SharedAttemptState } from './use-shared-attempt'
import type { ShareLink } from './use-share-link'

/**
 * What became of a share link opened on this page: refused (and why), or its attempt shown in
 * the editor as text, not run. Both can be dismissed.
 */
export function SharedAttemptNotice({
  sharedAttempt,
  isShown,
  index,
  onDismiss,
}: {
  sharedAttempt: SharedAttemptState
  /** Whether the editor shows the shared attempt (it is at the step at hand). */
  isShown: boolean
  /** The step at hand's index. */
  index: number
  onDismiss(): void
}) {
  return (
    <>
      {sharedAttempt && 'problem' in sharedAttempt && (
        <div role="alert" className="workbench-shared is-refused">
          <p>
            <strong>This share link was not loaded:</strong> {sharedAttempt.problem}. Nothing from it was run
            or kept.
          </p>
          <button type="button" className="secondary" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
      {isShown && (
        <div role="status" className="workbench-shared">
          <p>
            <strong>A shared attempt at step {index + 1} is in the editor, as text.</strong> Nothing of it has
            run: read it first, then press Run step to run it. Your own SQL for this step is kept until you
            edit or run this one.
          </p>
          <button type="button" className="secondary" onClick={onDismiss}>
            Back to my SQL
          </button>
        </div>
      )}
    </>
  )
}

/** The link made to the learner's attempt at step `index`, ready to copy, or why there is none. */
export function ShareLinkView({ shareLink, index }: { shareLink: ShareLink; index: number }) {
  return 'problem' in shareLink ? (
    <p role="alert" className="sql-error">
      This attempt cannot be shared as a link: {shareLink.problem}.
    </p>
  ) : (
    <div className="workbench-share">
      <label>
        Link to your attempt at step {index + 1}
        <input readOnly value={shareLink.url} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p className="muted" role="status">
        {shareLink.isCopied ? 'Copied to the clipboard. ' : ''}The link itself carries your SQL for this step,
        compressed; nothing is uploaded. Whoever opens it sees the SQL as text, and it runs only if they press
        Run step.
      </p>
    </div>
  )
}
