/**
 * The deployment with one version stopped: the others keep their proportions, scaled back up to
 * 100% in whole percents, as a load balancer sends a stopped version's traffic to the rest.
 */
export function stopVersion(deployment: Record<string, number>, version: string): Record<string, number> {
  const rest = Object.entries(deployment).filter(([id]) => id !== version)
  const total = rest.reduce((sum, [, share]) => sum + share, 0)
  // nothing to scale: the others get no traffic either way
  if (total <= 0) return Object.fromEntries(rest)
  const scaled = rest.map(([id, share]): [string, number] => [id, Math.round((share * 100) / total)])
  // rounding can miss 100 by a point or two: the largest share absorbs it
  const largest = scaled.reduce((best, entry) => (entry[1] > best[1] ? entry : best))
  largest[1] += 100 - scaled.reduce((sum, [, share]) => sum + share, 0)
  return Object.fromEntries(scaled)
}
