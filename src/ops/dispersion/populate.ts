/**
 * Places the dispersion probes once, through the proxy: the container probes, the object
 * container, then the object probes. The probe counts are recorded on the object container
 * (`X-Container-Meta-Dispersion-*`), last, so the report knows what was placed and a run that
 * stopped half-way is placed again next time.
 */
import PQueue from 'p-queue'
import { OBJECT_CONTAINER, type Probe } from './probes.js'
import type { SwiftSession } from './swift-session.js'

export interface PlacedCounts {
  objects: number
  containers: number
}

const OBJECTS_META = 'x-container-meta-dispersion-objects'
const CONTAINERS_META = 'x-container-meta-dispersion-containers'

function path (p: Probe): string {
  const container = `/${encodeURIComponent(p.container)}`
  return p.object === undefined ? container : `${container}/${encodeURIComponent(p.object)}`
}

/** The counts recorded by an earlier populate, or undefined when there was none (or it did not finish). */
export async function placedCounts (session: SwiftSession): Promise<PlacedCounts | undefined> {
  const res = await session.request('HEAD', `/${OBJECT_CONTAINER}`)
  if (!res.ok) throw new Error(`cannot read the dispersion container: ${res.error}`)
  if (res.status === 404) return undefined
  if (res.status >= 300) throw new Error(`HEAD ${OBJECT_CONTAINER} through the proxy: status ${res.status}`)
  const objects = Number(res.headers[OBJECTS_META])
  const containers = Number(res.headers[CONTAINERS_META])
  return Number.isInteger(objects) && Number.isInteger(containers) ? { objects, containers } : undefined
}

async function putAll (session: SwiftSession, probes: Probe[], concurrency: number): Promise<void> {
  const queue = new PQueue({ concurrency })
  const failures: string[] = []
  for (const p of probes) {
    void queue.add(async () => {
      const res = await session.request('PUT', path(p), {}, p.object === undefined ? '' : `dispersion probe ${p.object}`)
      if (!res.ok) failures.push(res.error)
      else if (res.status >= 300) failures.push(`PUT ${path(p)}: status ${res.status}`)
    })
  }
  await queue.onIdle()
  if (failures.length > 0) throw new Error(`${failures.length} of ${probes.length} probes could not be placed, first: ${failures[0]}`)
}

export async function populate (session: SwiftSession, probes: { objects: Probe[], containers: Probe[] },
  concurrency: number): Promise<PlacedCounts> {
  await putAll(session, probes.containers, concurrency)
  await putAll(session, [{ container: OBJECT_CONTAINER, part: -1 }], 1)
  await putAll(session, probes.objects, concurrency)
  const counts = { objects: probes.objects.length, containers: probes.containers.length }
  const res = await session.request('PUT', `/${OBJECT_CONTAINER}`, { [OBJECTS_META]: String(counts.objects), [CONTAINERS_META]: String(counts.containers) })
  if (!res.ok || res.status >= 300) throw new Error(`cannot record the probe counts on ${OBJECT_CONTAINER}: ${res.ok ? `status ${res.status}` : res.error}`)
  return counts
}
