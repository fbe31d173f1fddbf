'use client'

import { useEffect, useId, useRef } from 'react'
import '@xterm/xterm/css/xterm.css'
import { terminalLook, type TerminalOutput } from './terminal-look'
import './terminal.css'

/** What a mirror draws: the other terminal's output and size, or everything again from scratch. */
export type MirroredOutput =
  TerminalOutput | { kind: 'reset'; text: string; size?: { cols: number; rows: number } }

/** What feeds a mirror: the output so far, then each new piece as it is drawn. */
export interface TerminalFeed {
  replay(): { text: string; size?: { cols: number; rows: number } }
  subscribe(listener: (output: MirroredOutput) => void): () => void
}

/**
 * A terminal that only shows: another window's terminal drawn again here, keystroke for
 * keystroke, for the audience. Nothing typed here goes anywhere.
 */
export function TerminalMirror({
  feed,
  fontSize = 13,
  fitsHeight = false,
  fitsWidth = true,
}: {
  feed: TerminalFeed
  fontSize?: number
  /** The box has a height of its own (a projector's panel): the rows must fit it too. */
  fitsHeight?: boolean
  /** False on a phone: the other terminal's columns at a readable font, scrolled sideways. */
  fitsWidth?: boolean
}) {
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
        const term = new Xterm({ ...terminalLook(fontSize), disableStdin: true, cursorBlink: false })
        const fit = new FitAddon()
        term.loadAddon(fit)
        term.open(element)
        // the other terminal's columns and rows at this window's font can be larger than this
        // box: the font shrinks until they fit, so no line is cut off at the right or the foot
        const fitFont = () => {
          term.options.fontSize = fontSize
          const drawn = element.querySelector('.xterm-screen')?.getBoundingClientRect()
          if (!drawn) return
          const style = getComputedStyle(element)
          const roomWide =
            element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
          const roomHigh =
            element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
          const shrink = Math.min(
            fitsWidth && roomWide > 0 ? roomWide / drawn.width : 1,
            // a box whose height follows its content (the lesson page's) never asks for less
            fitsHeight && roomHigh > 0 ? roomHigh / drawn.height : 1,
          )
          // no smaller than 7 of the screen's own pixels: at 150 % browser zoom that is 5 CSS px
          const smallest = Math.ceil(7 / window.devicePixelRatio)
          // tenths of a pixel: a whole pixel less can be a fifth of a small font
          if (shrink < 1) term.options.fontSize = Math.max(smallest, Math.floor(fontSize * shrink * 10) / 10)
          // at the smallest font a low box still cuts rows: the oldest go, the prompt stays in view
          const shrunk = element.querySelector('.xterm-screen')?.getBoundingClientRect()
          element.dataset.cutsOldestRows = String(fitsHeight && !!shrunk && shrunk.height > roomHigh + 1)
        }
        const resizeTo = (size: { cols: number; rows: number }) => {
          term.resize(size.cols, size.rows)
          fitFont()
        }
        // the other terminal's size, not this window's: its lines were drawn for that width
        const initial = feed.replay()
        if (initial.size) resizeTo(initial.size)
        else fit.fit()
        term.write(initial.text)
        const stop = feed.subscribe((output) => {
          if (output.kind === 'clear') term.clear()
          else if (output.kind === 'size') resizeTo(output)
          else if (output.kind === 'reset') {
            term.reset()
            if (output.size) resizeTo(output.size)
            term.write(output.text)
          } else term.write(output.text)
        })
        const boxResized = new ResizeObserver(fitFont)
        boxResized.observe(element)
        element.dataset.ready = 'true'
        dispose = () => {
          stop()
          boxResized.disconnect()
          term.dispose()
          delete element.dataset.ready
        }
      },
    )
    return () => {
      isDisposed = true
      dispose()
    }
  }, [feed, fitsHeight, fitsWidth, fontSize])

  return (
    <section className="wb-panel terminal-panel" aria-labelledby={headingId}>
      <h3 id={headingId}>Terminal</h3>
      <div
        className="terminal-screen"
        ref={screen}
        data-testid="terminal"
        data-scrolls-sideways={fitsWidth ? undefined : 'true'}
        {...(!fitsWidth && { tabIndex: 0, 'aria-label': 'The presenter’s terminal, scrolled sideways' })}
      />
    </section>
  )
}
