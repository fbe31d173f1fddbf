// Cutover embeds: sizes each Cutover frame on the page to its content. Load it from the
// course's own origin, next to the frames; it reads only the frames' `resize` events.
;(() => {
  const script = document.currentScript
  const origin = script ? new URL(script.src).origin : undefined
  window.addEventListener('message', (event) => {
    if (!origin || event.origin !== origin) return
    const message = event.data
    if (!message || message.source !== 'cutover' || message.version !== 1 || message.type !== 'resize') return
    if (typeof message.height !== 'number' || !(message.height > 0)) return
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(message.height)}px`
    }
  })
})()
