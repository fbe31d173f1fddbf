import type { Metadata } from 'next'
import { courseLessons } from '@/app/course'
import { describeWorkbenchSteps } from '@/lib/workbench/node'
import { defaultEmbedPanels } from '@/app/_components/embed/embed-protocol'
import { panelIds } from '@/app/_components/workbench/panels'
import { EmbedSnippetBuilder } from './EmbedSnippetBuilder'
import './embedding.css'

export const metadata: Metadata = {
  title: 'Embed a step in your docs',
  description:
    'Put one step of a Cutover lesson in your documentation, with a real Postgres in the reader’s browser.',
}

const events: { type: string; when: string; example: object }[] = [
  {
    type: 'ready',
    when: 'Once, when the step’s database is up and its simulation is open (playing, or paused with traffic=paused). Send commands after it.',
    example: { type: 'ready', title: 'v0.1.0 serves the shop' },
  },
  {
    type: 'step-run',
    when: 'The step ran and its outcome is known: passed, broke things, (a system test) not yet, or cancelled (stopped while it ran).',
    example: { type: 'step-run', outcome: 'passed', how: 'yours', claims: { held: 3, total: 3 } },
  },
  {
    type: 'step-passed',
    when: 'Right after a step-run whose outcome is passed.',
    example: { type: 'step-passed' },
  },
  {
    type: 'reset',
    when: 'The step is back where it started, after a reset command or the frame’s own Reset button.',
    example: { type: 'reset' },
  },
  {
    type: 'failed',
    when: 'The step’s database could not start, or its simulation could not open; for the latter, a reset command (or the Reset button) tries again.',
    example: { type: 'failed' },
  },
  {
    type: 'status',
    when: 'The answer to a status command: starting, failed, not run, running, passed, broke things or not yet.',
    example: { type: 'status', state: 'not run' },
  },
  {
    type: 'resize',
    when: 'The frame’s content has this height, in CSS pixels: sent once it loads and whenever it changes. The snippet’s script sizes the frame by it.',
    example: { type: 'resize', height: 1180 },
  },
]

const commands: { type: string; does: string }[] = [
  {
    type: 'run',
    does: 'Runs the step with what is in its editor, as the Run step button does; ignored while the step is starting or running.',
  },
  {
    type: 'stop',
    does: 'Stops the running step, as its Stop button does: its statement is cancelled (or, when Postgres is busy with it for real, the database comes back from its last saved state); a step-run event with outcome cancelled follows.',
  },
  {
    type: 'reset',
    does: 'Puts the database and the step’s outcome back where the step started (the editor keeps its SQL), stopping the step first if it runs; a reset event follows.',
  },
  { type: 'status', does: 'Asks where the step stands; a status event answers.' },
]

const listener = `window.addEventListener('message', (event) => {
  if (event.origin !== 'https://cutover.example') return // where the course is served
  const message = event.data
  if (message?.source !== 'cutover' || message.version !== 1) return
  if (message.type === 'step-passed') showBadge(message.lesson, message.step)
})

// ask the frame to run its step
frame.contentWindow.postMessage({ source: 'cutover-host', version: 1, type: 'run' }, 'https://cutover.example')`

/** How to put one step of one lesson in another site's page, with the events it sends. */
export default async function EmbeddingPage() {
  const lessons = (await courseLessons())
    .filter((lesson) => lesson.scenario)
    .map((lesson) => ({
      slug: lesson.slug,
      title: lesson.meta.title,
      steps: describeWorkbenchSteps(lesson.scenario!).map((step) => ({
        id: step.id,
        title: step.title,
        // the editor and the naive way are the tall parts of a step: the snippet's height counts them
        textLines: step.isEditable
          ? lineCount(step.starter) + (step.naive ? lineCount(step.naive) + 1 : 0)
          : 0,
      })),
    }))
  return (
    <article className="embedding">
      <h1>Embed a step in your docs</h1>
      <p className="lesson-lede">
        Any step of any lesson can sit in your documentation as an iframe: its workbench, a real PostgreSQL 18
        (PGlite) in the reader’s browser, and the app versions serving simulated traffic — without this site’s
        header, fitting the frame’s width, with a link to the full lesson.
      </p>

      <h2>The snippet</h2>
      <EmbedSnippetBuilder lessons={lessons} panels={[...panelIds]} defaultPanels={[...defaultEmbedPanels]} />

      <h2>Options</h2>
      <p>
        Options go in the frame’s query string. They are checked together: if one is wrong, the frame says
        which and shows the defaults instead of half of what you asked, and it sends your page no events until
        the address is fixed (it says so in the browser’s console too). A frame whose <code>origin</code> is
        not your page’s origin sends nothing and takes no command: the console says that as well.
      </p>
      <div className="embedding-table" role="region" aria-label="Options" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th>Option</th>
              <th>Values</th>
              <th>Default</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>
                <code>theme</code>
              </td>
              <td>
                <code>auto</code>, <code>light</code>, <code>dark</code>
              </td>
              <td>
                <code>auto</code> (the reader’s system)
              </td>
            </tr>
            <tr>
              <td>
                <code>panels</code>
              </td>
              <td>
                comma-separated, in the order shown:{' '}
                {panelIds.map((id, index) => (
                  <span key={id}>
                    {index > 0 && ', '}
                    <code>{id}</code>
                  </span>
                ))}
              </td>
              <td>
                <code>{defaultEmbedPanels.join(',')}</code>
              </td>
            </tr>
            <tr>
              <td>
                <code>traffic</code>
              </td>
              <td>
                <code>playing</code>, <code>paused</code> (waits for Play)
              </td>
              <td>
                <code>playing</code>
              </td>
            </tr>
            <tr>
              <td>
                <code>speed</code>
              </td>
              <td>
                <code>1</code> (real time), <code>10</code> (ten times faster)
              </td>
              <td>
                <code>1</code>
              </td>
            </tr>
            <tr>
              <td>
                <code>origin</code>
              </td>
              <td>your page’s origin, e.g. https://docs.example.com</td>
              <td>none: events go to any parent page</td>
            </tr>
          </tbody>
        </table>
      </div>

      <h2>Events and commands</h2>
      <p>
        The frame tells its parent page what happens with <code>postMessage</code>. Every event also carries{' '}
        <code>source: &quot;cutover&quot;</code>, <code>version: 1</code>, <code>lesson</code> and{' '}
        <code>step</code>. Nothing else of the reader’s leaves the frame: never their SQL, nor what the
        database answered. Without an <code>origin</code> option events are sent to any parent (they carry
        nothing private); with one, only to that origin.
      </p>
      <div className="embedding-table" role="region" aria-label="Events" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>When</th>
              <th>Example</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.type}>
                <td>
                  <code>{event.type}</code>
                </td>
                <td>{event.when}</td>
                <td>
                  <code>{JSON.stringify(event.example)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        The parent can send four commands, each exactly{' '}
        <code>{'{ source: "cutover-host", version: 1, type }'}</code>. Any other message — another shape, an
        extra field, a string — is ignored, and so is any message not from the parent window (or, with{' '}
        <code>origin</code>, not from that origin).
      </p>
      <div className="embedding-table" role="region" aria-label="Commands" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th>Command</th>
              <th>What it does</th>
            </tr>
          </thead>
          <tbody>
            {commands.map((command) => (
              <tr key={command.type}>
                <td>
                  <code>{command.type}</code>
                </td>
                <td>{command.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <pre tabIndex={0} aria-label="Listening to the frame, and sending it a command">
        <code>{listener}</code>
      </pre>

      <h2>What to know</h2>
      <ul>
        <li>
          Every reader runs their own database in their browser: nothing is sent to a server. The step’s SQL
          and outcome last as long as the page; the terminal’s command history is kept in the browser’s
          storage, as on the course itself.
        </li>
        <li>
          Time and concurrency are simulated; the SQL, its errors and its locks are real Postgres. The frame
          says so beside its clock.
        </li>
        <li>Any site may frame the course. Every file it needs comes from the course’s own origin.</li>
        <li>
          The database takes a second or two to start, and a few megabytes the first time. The snippet’s small
          script (<code>embed-resize.js</code>, from the course’s origin) sizes each frame to its content as
          soon as it loads; the snippet’s starting height is the frame’s usual height in a 720 px column with
          the panels you chose, so a frame further down the page hardly moves when it loads. Without the
          script, follow the <code>resize</code> events yourself.
        </li>
      </ul>
    </article>
  )
}

function lineCount(text: string): number {
  return text.split('\n').length
}
