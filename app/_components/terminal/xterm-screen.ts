import { terminalLook, type TerminalOutput } from './terminal-look'

/** An xterm.js screen mounted in an element: what the terminal session writes to and hears keys from. */
export interface XtermScreen {
  write(text: string): void
  clear(): void
  focus(): void
  /** The columns the screen is fitted to now. */
  readonly columns: number
  /** Calls `listener` with each key or paste; returns how to stop. */
  onData(listener: (data: string) => void): () => void
  dispose(): void
}

/**
 * Loads xterm.js (a dynamic import, so lessons without a terminal never fetch it), mounts it
 * in `element`, fitted to its size, and tells `onOutput` everything it draws, for a mirror.
 * Mounts nothing, and resolves undefined, if `isCancelled` says so once xterm has loaded.
 */
export async function openXtermScreen(
  element: HTMLElement,
  fontSize: number,
  onOutput: (output: TerminalOutput) => void,
  isCancelled: () => boolean,
): Promise<XtermScreen | undefined> {
  const [{ Terminal: Xterm }, { FitAddon }] = await Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
  ])
  if (isCancelled()) return undefined
  const term = new Xterm({ ...terminalLook(fontSize), convertEol: false, cursorBlink: true })
  const fit = new FitAddon()
  term.loadAddon(fit)
  term.open(element)
  const fitAndTell = () => {
    fit.fit()
    onOutput({ kind: 'size', cols: term.cols, rows: term.rows })
  }
  fitAndTell()
  const resize = new ResizeObserver(fitAndTell)
  resize.observe(element)
  term.textarea?.setAttribute('aria-label', 'Terminal: psql and operator commands')

  // Ctrl+C copies a selection, as terminals do; without one it interrupts
  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown') return true
    if (event.key === 'Escape') {
      term.blur()
      return false
    }
    if (event.ctrlKey && event.key === 'c' && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined)
      return false
    }
    return true
  })

  return {
    write(text) {
      term.write(text)
      onOutput({ kind: 'write', text })
    },
    clear() {
      term.clear()
      onOutput({ kind: 'clear' })
    },
    focus: () => term.focus(),
    get columns() {
      return term.cols
    },
    onData(listener) {
      const subscription = term.onData(listener)
      return () => subscription.dispose()
    },
    dispose() {
      resize.disconnect()
      term.dispose()
    },
  }
}
