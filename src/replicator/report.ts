/**
 * `ringstore replication-report (--config FILE | --data DIR) [--json]`: is every partition
 * where the rings say it should be? For each ring (objects per policy, containers, accounts) it
 * asks every device for the partitions it holds and every partition's primaries for their
 * suffix hashes, and counts:
 * - in sync: every primary holds the partition with the same hashes;
 * - missing replicas: some primary lacks the partition or holds different hashes;
 * - misplaced: a device that is not a primary holds it (a handoff not yet moved home).
 * For partitions out of sync it reads the differing suffixes' entries to find, per region, the
 * oldest write that no primary of that region holds yet: the replication lag.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, readClusterSection, readConfigFile } from '../common/config.js'
import { initHashing } from '../common/hash.js'
import type { SuffixEntry } from '../objectd/replicate-handlers.js'
import type { Device } from '../ring/index.js'
import { openRoleRings, roleHeaders, type RoleRing } from './common/local-node.js'
import { NodeClient, replicationAddress } from './common/node-client.js'
import { regionsOf } from './peers.js'
import type { Digests, Hashes } from './sync-peer.js'

export interface RoleReport {
  role: string
  partitions: number
  in_sync: number
  missing_replicas: number
  misplaced: number
  unreachable_devices: number
  /** Seconds, per region: the oldest write not yet on any primary of the region. */
  lag_seconds: Record<string, number>
}

function deviceLabel (d: Device): string {
  return `${d.replicationIp}:${d.replicationPort}/${d.device}`
}

/** Which devices hold each partition, and the digest each holds it with. */
async function heldPartitions (client: NodeClient, rr: RoleRing, report: RoleReport): Promise<Map<number, Map<string, string>>> {
  const holders = new Map<number, Map<string, string>>()
  await Promise.all(rr.ring.devices.map(async (d) => {
    try {
      const digests = (await client.json<Digests>(replicationAddress(d), 'GET', `/${encodeURIComponent(d.device)}?digests&role=${rr.role}`, roleHeaders(rr))).value
      for (const [part, digest] of Object.entries(digests)) {
        const held = holders.get(Number(part)) ?? new Map<string, string>()
        held.set(deviceLabel(d), digest)
        holders.set(Number(part), held)
      }
    } catch {
      report.unreachable_devices++
    }
  }))
  return holders
}

async function hashesOf (client: NodeClient, rr: RoleRing, d: Device, part: number): Promise<Hashes | undefined> {
  try {
    return (await client.json<Hashes>(replicationAddress(d), 'GET', `/${encodeURIComponent(d.device)}/${part}?hashes&role=${rr.role}`, roleHeaders(rr))).value
  } catch {
    return undefined
  }
}

/** Oldest write (per region) that no primary of the region holds, among the differing suffixes. */
async function lagOf (client: NodeClient, rr: RoleRing, part: number, primaries: Device[], hashes: Array<Hashes | undefined>,
  nowSeconds: number, lag: Record<string, number>): Promise<void> {
  const suffixes = new Set<string>()
  for (const h of hashes) for (const s of Object.keys(h ?? {})) if (hashes.some((o) => o?.[s] !== h?.[s])) suffixes.add(s)
  for (const suffix of suffixes) {
    const entries = await Promise.all(primaries.map(async (d) => await client.json<SuffixEntry[]>(replicationAddress(d), 'GET',
      `/${encodeURIComponent(d.device)}/${part}?suffix=${suffix}&role=${rr.role}`, roleHeaders(rr)).then((a) => a.value, () => [])))
    const newest = new Map<string, string>()
    for (const list of entries) for (const e of list) if ((newest.get(e.hash) ?? '') < e.timestamp) newest.set(e.hash, e.timestamp)
    for (const region of regionsOf(primaries)) {
      const held = new Set<string>()
      primaries.forEach((d, i) => { if (d.region === region) for (const e of entries[i]) held.add(`${e.hash}/${e.timestamp}`) })
      for (const [hash, ts] of newest) {
        if (held.has(`${hash}/${ts}`)) continue
        lag[String(region)] = Math.max(lag[String(region)] ?? 0, nowSeconds - Number(ts))
      }
    }
  }
}

export async function reportRole (client: NodeClient, rr: RoleRing): Promise<RoleReport> {
  const report: RoleReport = { role: rr.label, partitions: 0, in_sync: 0, missing_replicas: 0, misplaced: 0, unreachable_devices: 0, lag_seconds: {} }
  for (const r of regionsOf(rr.ring.devices)) report.lag_seconds[String(r)] = 0
  const holders = await heldPartitions(client, rr, report)
  const nowSeconds = Date.now() / 1000
  await Promise.all([...holders.entries()].map(async ([part, held]) => {
    report.partitions++
    const primaries = rr.ring.getPartNodes(part)
    if ([...held.keys()].some((d) => !primaries.some((p) => deviceLabel(p) === d))) report.misplaced++
    const digest = held.get(deviceLabel(primaries[0]))
    if (digest !== undefined && primaries.every((p) => held.get(deviceLabel(p)) === digest)) {
      report.in_sync++
      return
    }
    const hashes = await Promise.all(primaries.map(async (d) => await hashesOf(client, rr, d, part)))
    const first = JSON.stringify(hashes[0])
    if (hashes.every((h) => h !== undefined && JSON.stringify(h) === first)) {
      report.in_sync++
      return
    }
    report.missing_replicas++
    await lagOf(client, rr, part, primaries, hashes, nowSeconds, report.lag_seconds)
  }))
  return report
}

function render (reports: RoleReport[]): string {
  const lines = reports.map((r) => {
    const lag = Object.entries(r.lag_seconds).map(([region, s]) => `r${region} ${s.toFixed(1)}s`).join(', ')
    const unreachable = r.unreachable_devices > 0 ? `, ${r.unreachable_devices} devices unreachable` : ''
    return `${r.role.padEnd(10)} ${r.partitions} partitions: ${r.in_sync} in sync, ${r.missing_replicas} missing replicas, ${r.misplaced} misplaced${unreachable}; lag ${lag}`
  })
  return lines.join('\n') + '\n'
}

export async function main (argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, data: { type: 'string', short: 'd' }, json: { type: 'boolean' } } })
  const file = values.config ?? (values.data === undefined ? undefined : join(values.data, 'etc', 'proxy.json'))
  if (file === undefined) throw new ConfigError('replication-report needs --config FILE or --data DIR')
  const cluster = readClusterSection((await readConfigFile(file)).cluster)
  await initHashing()
  const rings = await openRoleRings(cluster)
  const client = new NodeClient(2, 30)
  const reports: RoleReport[] = []
  for (const rr of rings) reports.push(await reportRole(client, rr))
  await client.close()
  process.stdout.write(values.json === true ? JSON.stringify({ generated: Date.now() / 1000, roles: reports }, null, 2) + '\n' : render(reports))
}
