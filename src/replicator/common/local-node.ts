/**
 * What this node holds: the rings of every role, and the devices under objectd's devices root.
 * A device is this node's when the ring places it at objectd's address, or when its directory
 * is under the devices root (a device removed from the ring still holds data: every partition
 * on it is then a handoff, to be moved to its new home).
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { objectRingName, type ClusterConfig } from '../../common/config.js'
import { openRing, type Device, type ReloadingRing } from '../../ring/index.js'

/** A replication role as objectd names it, with the ring that places it. */
export interface RoleRing {
  /** `object`, `container` or `account`. */
  role: 'object' | 'container' | 'account'
  /** Storage policy for objects. */
  policy: number
  ring: ReloadingRing
  /** For logs and metrics: `object-0`, `container`, `account`. */
  label: string
}

export async function openRoleRings (cluster: ClusterConfig): Promise<RoleRing[]> {
  const secrets = { prefix: cluster.hash_path_prefix, suffix: cluster.hash_path_suffix }
  const open = async (name: string): Promise<ReloadingRing> => await openRing(join(cluster.ring_dir, `${name}.ring.gz`), secrets, { reloadIntervalMs: 0 })
  const rings: RoleRing[] = []
  for (const p of cluster.policies) {
    rings.push({ role: 'object', policy: p.index, ring: await open(objectRingName(p.index)), label: `object-${p.index}` })
  }
  rings.push({ role: 'container', policy: 0, ring: await open('container'), label: 'container' })
  rings.push({ role: 'account', policy: 0, ring: await open('account'), label: 'account' })
  return rings
}

/** Reloads any ring whose file changed (called at the start of each pass). */
export async function refreshRings (rings: RoleRing[]): Promise<void> {
  await Promise.all(rings.map(async (r) => await r.ring.checkForUpdate()))
}

/** Headers that select the role's data on a node (the policy for objects). */
export function roleHeaders (r: RoleRing): Record<string, string> {
  return r.role === 'object' ? { 'x-backend-storage-policy-index': String(r.policy) } : {}
}

export function isLocal (d: Device, ip: string, port: number): boolean {
  return (d.replicationIp === ip && d.replicationPort === port) || (d.ip === ip && d.port === port)
}

/** Device names this node serves for a ring: the ring's devices here, plus the directories under the root. */
export async function localDeviceNames (ring: ReloadingRing, ip: string, port: number, devicesRoot: string): Promise<string[]> {
  const names = new Set(ring.devices.filter((d) => isLocal(d, ip, port)).map((d) => d.device))
  const entries = await readdir(devicesRoot, { withFileTypes: true }).catch(() => [])
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) names.add(e.name)
  return [...names].sort()
}

/** This node's device of that name in the ring, or a stand-in for one the ring no longer has. */
export function localDevice (ring: ReloadingRing, name: string, ip: string, port: number): Device {
  const known = ring.devices.find((d) => d.device === name && isLocal(d, ip, port))
  if (known !== undefined) return known
  // Its site is the node's site: another of the node's devices tells it.
  const sibling = ring.devices.find((d) => isLocal(d, ip, port))
  return { id: -1, region: sibling?.region ?? -1, zone: sibling?.zone ?? -1, ip, port, replicationIp: ip, replicationPort: port, device: name, weight: 0, meta: 'not in the ring' }
}
