/**
 * Which storage nodes a request tries, and in what order: the partition's primaries, nearest
 * first (the proxy's region, then its zone), then handoffs from the ring. Error-limited nodes go
 * last rather than away, so a request still has somewhere to go when every node has erred.
 */
import type { Device, Ring } from '../../ring/index.js'
import type { NodeHealth } from './health.js'

export interface Locality {
  region: number
  zone: number
  sorting: 'affinity' | 'shuffle'
}

function proximity (node: Device, here: Locality): number {
  if (node.region !== here.region) return 2
  return node.zone === here.zone ? 0 : 1
}

function shuffle<T> (items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const tmp = items[i]
    items[i] = items[j]
    items[j] = tmp
  }
  return items
}

/** Primaries in the order reads should try them. */
export function orderForRead (primaries: readonly Device[], here: Locality, health: NodeHealth): Device[] {
  const nodes = primaries.slice()
  if (here.sorting === 'shuffle') shuffle(nodes)
  else nodes.sort((a, b) => proximity(a, here) - proximity(b, here))
  if (!nodes.some((n) => health.isLimited(n))) return nodes
  return [...nodes.filter((n) => !health.isLimited(n)), ...nodes.filter((n) => health.isLimited(n))]
}

/** Up to `max` handoffs for a partition, healthy ones first. */
export function handoffs (ring: Ring, part: number, max: number, health: NodeHealth): Device[] {
  const healthy: Device[] = []
  const limited: Device[] = []
  for (const node of ring.getMoreNodes(part)) {
    if (healthy.length >= max) break
    if (health.isLimited(node)) limited.push(node)
    else healthy.push(node)
  }
  return [...healthy, ...limited].slice(0, max)
}

/** Every node a read may try: ordered primaries, then as many handoffs as there are replicas. */
export function readNodes (ring: Ring, part: number, primaries: readonly Device[], here: Locality, health: NodeHealth): Device[] {
  return [...orderForRead(primaries, here, health), ...handoffs(ring, part, ring.replicaCount, health)]
}

/**
 * Takes from `spares` the first device on a storage node that none of `tried` is on. Two
 * replicas of one write never land on one node, so a write quorum is a quorum of nodes: with
 * most nodes down, a PUT fails rather than filling one node's devices.
 */
export function takeSpare (spares: Device[], tried: readonly Device[]): Device | undefined {
  const i = spares.findIndex((s) => !tried.some((t) => t.ip === s.ip && t.port === s.port))
  return i < 0 ? undefined : spares.splice(i, 1)[0]
}

/** More than half: the replicas that must agree for a write to succeed. */
export function quorumSize (replicas: number): number {
  return Math.floor(replicas / 2) + 1
}
