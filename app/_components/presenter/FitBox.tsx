'use client'

import { useLayoutEffect, useRef, type ReactNode } from 'react'

/**
 * A projector's panel fits its box: what would overflow is drawn smaller, never cut or scrolled.
 * The content lays out at the box's width divided by the scale, so text reflows into the wider
 * room before it shrinks further; `data-scale` says how much it was shrunk.
 */
export function FitBox({ area, children }: { area: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null)
  const content = useRef<HTMLDivElement>(null)

  useLayoutEffect(() => {
    const outer = box.current
    const inner = content.current
    if (!outer || !inner) return
    let frame = 0
    const fit = () => {
      frame = 0
      const width = outer.clientWidth
      const height = outer.clientHeight
      if (width === 0 || height === 0) return
      let scale = 1
      // twice: a narrower scale lets the content reflow wider, which changes its height again
      for (let round = 0; round < 3; round++) {
        inner.style.width = `${width / scale}px`
        inner.style.transform = scale === 1 ? '' : `scale(${scale})`
        const next = Math.min(1, scale * (height / (inner.scrollHeight * scale)), width / inner.scrollWidth)
        if (Math.abs(next - scale) < 0.01) break
        scale = next
      }
      inner.style.width = `${width / scale}px`
      inner.style.transform = scale === 1 ? '' : `scale(${scale})`
      outer.dataset.scale = scale.toFixed(2)
    }
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(fit)
    }
    fit()
    const observer = new ResizeObserver(schedule)
    observer.observe(outer)
    observer.observe(inner)
    return () => {
      observer.disconnect()
      if (frame !== 0) cancelAnimationFrame(frame)
    }
  }, [])

  return (
    <div className="fit-box" style={{ gridArea: area }} ref={box}>
      <div className="fit-box-content" ref={content}>
        {children}
      </div>
    </div>
  )
}
