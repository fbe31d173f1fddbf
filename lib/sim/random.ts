/**
 * A seeded random stream (sfc32, seeded from a string with cyrb128). Only integer and
 * IEEE-754 basic arithmetic is used, never Math.log or Math.random, so a stream gives the
 * same numbers in Node and in every browser.
 */
export class RandomStream {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: string) {
    ;[this.a, this.b, this.c, this.d] = cyrb128(seed)
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A number in (0, 1]: never 0, so its logarithm is finite. */
  nextUnit(): number {
    return (this.nextUint32() + 1) / 4294967296
  }

  /** An integer from `min` to `max`, both included. */
  nextInt(min: number, max: number): number {
    return min + (this.nextUint32() % (max - min + 1))
  }

  /** Waiting time to the next arrival of a Poisson process with `perSecond` arrivals a second, in µs. */
  nextInterarrivalMicros(perSecond: number): number {
    return Math.max(1, Math.round((-naturalLog(this.nextUnit()) / perSecond) * 1e6))
  }
}

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0]
}

const LN2 = 0.6931471805599453

// ln(x) for x in (0, 1] from + − × ÷ alone: Math.log's last bit may differ between engines,
// and one differing arrival time would change the whole event log.
function naturalLog(x: number): number {
  let exponent = 0
  while (x < 0.5) {
    x *= 2
    exponent -= 1
  }
  // x in [0.5, 1]: ln x = 2 atanh(z) with z = (x − 1)/(x + 1), |z| ≤ 1/3
  const z = (x - 1) / (x + 1)
  const z2 = z * z
  let term = z
  let sum = 0
  for (let k = 1; k < 40; k += 2) {
    sum += term / k
    term *= z2
  }
  return 2 * sum + exponent * LN2
}

/** Folds strings into a 64-bit FNV-1a-style hash kept in two 32-bit halves; the same in every engine. */
export class LogHash {
  private high = 0x84222325
  private low = 0xcbf29ce4

  add(text: string): void {
    let high = this.high
    let low = this.low
    for (let i = 0; i < text.length; i++) {
      low = Math.imul(low ^ text.charCodeAt(i), 16777619)
      high = Math.imul(high ^ (low >>> 13) ^ text.charCodeAt(i), 2246822519)
    }
    // a separator, so ["ab","c"] and ["a","bc"] differ
    this.low = Math.imul(low ^ 10, 16777619)
    this.high = Math.imul(high ^ 10, 2246822519)
  }

  /** 16 hex digits. */
  digest(): string {
    return (this.high >>> 0).toString(16).padStart(8, '0') + (this.low >>> 0).toString(16).padStart(8, '0')
  }
}
