import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import jsQR from 'jsqr'
import { encode } from 'uqr'

// the modules as an RGBA image, four pixels a module, as a camera would see the projector
function imageOf(text: string): { pixels: Uint8ClampedArray; width: number } {
  const { size, data } = encode(text, { ecc: 'L', border: 2 })
  const scale = 4
  const width = size * scale
  const pixels = new Uint8ClampedArray(width * width * 4)
  for (let y = 0; y < width; y++)
    for (let x = 0; x < width; x++) {
      const value = data[Math.floor(y / scale)][Math.floor(x / scale)] ? 0 : 255
      pixels.set([value, value, value, 255], (y * width + x) * 4)
    }
  return { pixels, width }
}

describe('the projector’s QR code', () => {
  it('reads back as the step’s link, a share link with its SQL in the fragment included', () => {
    const links = [
      'http://192.168.1.20:3000/learn/lock-queue/upgrade',
      `http://192.168.1.20:3000/learn/lock-queue/upgrade#attempt=${'x9_-'.repeat(120)}`,
    ]
    for (const link of links) {
      const { pixels, width } = imageOf(link)
      assert.equal(jsQR(pixels, width, width)?.data, link)
    }
  })
})
