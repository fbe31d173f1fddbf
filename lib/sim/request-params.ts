import type { AppVersion, Endpoint } from './model'
import type { RandomStream } from './random'

/** What picks a version's next request: its seeded stream and its `sequence` counter. */
export interface RequestSource {
  version: AppVersion
  random: RandomStream
  totalWeight: number
  sequence: number
}

/** The endpoint of the version's next request, by weight, from its seeded stream. */
export function pickEndpoint(source: RequestSource): Endpoint {
  const endpoints = source.version.endpoints
  if (endpoints.length === 1) return endpoints[0]
  let ticket = (source.random.nextUint32() / 4294967296) * source.totalWeight
  for (const endpoint of endpoints) {
    ticket -= endpoint.weight
    if (ticket < 0) return endpoint
  }
  return endpoints[endpoints.length - 1]
}

const firstNames = [
  'Ada',
  'Alan',
  'Barbara',
  'Edgar',
  'Grace',
  'Donald',
  'Frances',
  'Jim',
  'Margaret',
  'Michael',
]
const lastNames = [
  'Lovelace',
  'Turing',
  'Liskov',
  'Codd',
  'Hopper',
  'Knuth',
  'Allen',
  'Gray',
  'Hamilton',
  'Stonebraker',
]

/** One `$n` value of a request, drawn from the version's seeded stream. */
export function generateParam(generator: Endpoint['params'][number], source: RequestSource): unknown {
  const random = source.random
  if ('int' in generator) return random.nextInt(generator.int[0], generator.int[1])
  if ('pick' in generator) return generator.pick[random.nextInt(0, generator.pick.length - 1)]
  if ('sequence' in generator) return `${generator.sequence}${++source.sequence}`
  const words = [firstNames[random.nextInt(0, firstNames.length - 1)]]
  for (let i = 1; i < generator.name; i++) words.push(lastNames[random.nextInt(0, lastNames.length - 1)])
  return words.join(' ')
}
