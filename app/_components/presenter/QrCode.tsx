import { useMemo } from 'react'
import { encode } from 'uqr'

/**
 * A QR code for a link, drawn here as one SVG path (encoded in the page by uqr; no service sees
 * the link). Dark modules on white whatever the theme, with the quiet zone scanners need.
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  // the projector redraws with every batch of traffic; the code changes only with its link
  const { size, path } = useMemo(() => {
    const { size, data } = encode(text, { ecc: 'L', border: 2 })
    let path = ''
    data.forEach((row, y) => {
      row.forEach((isDark, x) => {
        if (isDark) path += `M${x} ${y}h1v1h-1z`
      })
    })
    return { size, path }
  }, [text])
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
