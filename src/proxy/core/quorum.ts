/**
 * Deciding one answer from several replicas' answers, as Swift's best_response: the answer is
 * the status class (2xx, 3xx, 4xx, 5xx) that a quorum of replicas gave; when none has a quorum
 * the cluster cannot vouch for any answer and the client gets 503.
 */

/** Picks the client status from the replicas' statuses (0 for a replica that did not answer). */
export function bestStatus (statuses: readonly number[], quorum: number): number {
  for (const cls of [2, 3, 4]) {
    const inClass = statuses.filter((s) => Math.floor(s / 100) === cls)
    if (inClass.length >= quorum) return mostCommon(inClass)
  }
  return 503
}

function mostCommon (statuses: number[]): number {
  const counts = new Map<number, number>()
  let best = statuses[0]
  for (const s of statuses) {
    const n = (counts.get(s) ?? 0) + 1
    counts.set(s, n)
    if (n > (counts.get(best) ?? 0)) best = s
  }
  return best
}
