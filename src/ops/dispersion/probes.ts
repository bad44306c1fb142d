/**
 * The dispersion probes, as Swift's swift-dispersion-populate places them: objects named
 * `dispersion_<n>` in the container `dispersion_objects`, and containers named `dispersion_<n>`,
 * each name kept only if it lands on a partition no earlier probe covers, until the wanted share
 * of the ring's partitions is covered. A partition depends only on the name and the part power,
 * which never changes, so the report regenerates the same names instead of listing them.
 */
import type { Ring } from '../../ring/index.js'

export const OBJECT_CONTAINER = 'dispersion_objects'
const PREFIX = 'dispersion_'
/** Names tried per partition wanted before giving up: enough for 100% coverage (about ln(parts) each). */
const ATTEMPTS_PER_PART = 64

export interface Probe {
  /** Container name, for a container probe; the object's container otherwise. */
  container: string
  object?: string
  part: number
}

export type ProbeKind = 'object' | 'container'

/** How many partitions `coveragePercent` of the ring means (at least one). */
export function probeCount (ring: Ring, coveragePercent: number): number {
  return Math.max(1, Math.min(ring.partCount, Math.ceil(ring.partCount * coveragePercent / 100)))
}

export function probes (ring: Ring, kind: ProbeKind, account: string, count: number): Probe[] {
  const covered = new Set<number>()
  const out: Probe[] = []
  const limit = count * ATTEMPTS_PER_PART
  for (let i = 0; out.length < count && i < limit; i++) {
    const name = `${PREFIX}${i}`
    if (kind === 'container' && name === OBJECT_CONTAINER) continue
    const part = kind === 'object' ? ring.getPart(account, OBJECT_CONTAINER, name) : ring.getPart(account, name)
    if (covered.has(part)) continue
    covered.add(part)
    out.push(kind === 'object' ? { container: OBJECT_CONTAINER, object: name, part } : { container: name, part })
  }
  return out
}
