/**
 * The report's measurement: for every probe, a HEAD straight to each primary the ring names
 * (the objectd internal API, docs/internal-api.md), bypassing the proxy so that a copy served
 * from a handoff or another replica does not hide a missing one. Counted per region of the
 * primary: found (2xx), missing (404) and unreachable (anything else).
 */
import PQueue from 'p-queue'
import type { Device, Ring } from '../../ring/index.js'
import { fetchText } from '../http.js'
import type { Probe } from './probes.js'

export interface RegionCopies {
  expected: number
  found: number
  missing: number
  /** Copies whose node did not answer, or answered with an error: neither found nor missing. */
  unreachable: number
}

export interface RingDispersion {
  ring: string
  partitions: number
  probes: number
  /** Region → copies. */
  regions: Record<string, RegionCopies>
  /** Copies missing or unreachable → how many probes lack that many. */
  probesLacking: Record<string, number>
}

export interface CheckOptions {
  ringName: string
  account: string
  /** The storage policy of object probes; undefined for container probes. */
  policyIndex?: number
  timeoutMs: number
  concurrency: number
}

function directPath (node: Device, probe: Probe, account: string): string {
  const parts = [node.device, String(probe.part), account, probe.container].map(encodeURIComponent)
  // An object name keeps its slashes: it is the rest of the path.
  if (probe.object !== undefined) parts.push(encodeURIComponent(probe.object).replaceAll('%2F', '/'))
  return `/${parts.join('/')}`
}

type CopyState = 'found' | 'missing' | 'unreachable'

async function headCopy (node: Device, probe: Probe, opts: CheckOptions): Promise<CopyState> {
  const headers: Record<string, string> = opts.policyIndex === undefined ? {} : { 'x-backend-storage-policy-index': String(opts.policyIndex) }
  const res = await fetchText(`http://${node.ip}:${node.port}${directPath(node, probe, opts.account)}`, { method: 'HEAD', headers, timeoutMs: opts.timeoutMs })
  if (!res.ok) return 'unreachable'
  if (res.status >= 200 && res.status < 300) return 'found'
  return res.status === 404 ? 'missing' : 'unreachable'
}

export async function checkDispersion (ring: Ring, probes: Probe[], opts: CheckOptions): Promise<RingDispersion> {
  const regions: Record<string, RegionCopies> = {}
  const probesLacking: Record<string, number> = {}
  const queue = new PQueue({ concurrency: opts.concurrency })
  for (const probe of probes) {
    void queue.add(async () => {
      const primaries = ring.getPartNodes(probe.part)
      const states = await Promise.all(primaries.map(async (node) => await headCopy(node, probe, opts)))
      primaries.forEach((node, i) => {
        const r = (regions[String(node.region)] ??= { expected: 0, found: 0, missing: 0, unreachable: 0 })
        r.expected++
        r[states[i]]++
      })
      const lacking = String(states.filter((s) => s !== 'found').length)
      probesLacking[lacking] = (probesLacking[lacking] ?? 0) + 1
    })
  }
  await queue.onIdle()
  return { ring: opts.ringName, partitions: ring.partCount, probes: probes.length, regions, probesLacking }
}
