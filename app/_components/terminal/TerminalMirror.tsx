'use client'

import { useEffect, useId, useRef } from 'react'
import '@xterm/xterm/css/xterm.css'
import { terminalTheme, type TerminalOutput } from './Terminal'
import './terminal.css'

/** What feeds a mirror: the output so far, then each new piece as it is drawn. */
export interface TerminalFeed {
  replay(): string
  subscribe(listener: (output: TerminalOutput) => void): () => void
}

/**
 * A terminal that only shows: another window's terminal drawn again here, keystroke for
 * keystroke, for the audience. Nothing typed here goes anywhere.
 */
export function TerminalMirror({ feed, fontSize = 13 }: { feed: TerminalFeed; fontSize?: number }) {
  const screen = useRef<HTMLDivElement>(null)
  const headingId = useId()

  useEffect(() => {
    const element = screen.current
    if (!element) return
    let isDisposed = false
    let dispose = () => undefined as void
    void Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]).then(
      ([{ Terminal: Xterm }, { FitAddon }]) => {
        if (isDisposed) return
        const term = new Xterm({
          disableStdin: true,
          cursorBlink: false,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
          fontSize,
          scrollback: 5000,
          theme: terminalTheme,
        })
        const fit = new FitAddon()
        term.loadAddon(fit)
        term.open(element)
        fit.fit()
        const resize = new ResizeObserver(() => fit.fit())
        resize.observe(element)
        term.write(feed.replay())
        const stop = feed.subscribe((output) => {
          if (output.kind === 'clear') term.clear()
          else term.write(output.text)
        })
        element.dataset.ready = 'true'
        dispose = () => {
          stop()
          resize.disconnect()
          term.dispose()
          delete element.dataset.ready
        }
      },
    )
    return () => {
      isDisposed = true
      dispose()
    }
  }, [feed, fontSize])

  return (
    <section className="wb-panel terminal-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>Terminal</h3>
      <div className="terminal-screen" ref={screen} data-testid="terminal" />
    </section>
  )
}
