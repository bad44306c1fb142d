/**
 * The failure-domain tree the builder places replicas in: cluster -> region -> zone -> node (ip)
 * -> device. Tiers are numbered breadth first with siblings adjacent, so the children of a tier
 * are one contiguous range of tier numbers, and everything lives in typed arrays for the
 * rebalance's inner loops.
 */
import type { Device } from '../types.js'

export const levels = ['cluster', 'region', 'zone', 'node', 'device'] as const
export type LevelName = typeof levels[number]
export const deviceLevel = 4

export interface TierTree {
  count: number
  level: Uint8Array
  parent: Int32Array
  /** The children of tier t are the tiers childStart[t] .. childStart[t + 1] - 1. */
  childStart: Int32Array
  weight: Float64Array
  /** Devices of positive weight beneath the tier: the most replicas of one partition it can take. */
  capacity: Int32Array
  /** Device id of a device tier, -1 for the others. */
  deviceId: Int32Array
  /** ancestry[id * 4 + level - 1] is the tier of device `id` at level 1..4; -1 for ids not in the tree. */
  ancestry: Int32Array
  /** Operator-readable name of each tier, e.g. `r1z2-10.0.0.1`. */
  label: string[]
}

function tierKeys (d: Device): string[] {
  return [`r${d.region}`, `r${d.region}z${d.zone}`, `r${d.region}z${d.zone}-${d.ip}`, `r${d.region}z${d.zone}-${d.ip}/d${d.id}`]
}

function compareDevices (a: Device, b: Device): number {
  if (a.region !== b.region) return a.region - b.region
  if (a.zone !== b.zone) return a.zone - b.zone
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1
  return a.id - b.id
}

/** Builds the tree of `devices`; `idLimit` is one more than the largest device id ever given. */
export function buildTierTree (devices: readonly Device[], idLimit: number): TierTree {
  const sorted = [...devices].sort(compareDevices)
  // Per level, the distinct tiers in sorted order; sorting makes siblings adjacent.
  const perLevel: string[][] = [[], [], [], []]
  const parentKey = new Map<string, string>()
  for (const d of sorted) {
    const keys = tierKeys(d)
    keys.forEach((key, i) => {
      const list = perLevel[i]
      if (list[list.length - 1] !== key) {
        list.push(key)
        parentKey.set(key, i === 0 ? '' : keys[i - 1])
      }
    })
  }
  const index = new Map<string, number>([['', 0]])
  const label = ['cluster']
  for (const list of perLevel) {
    for (const key of list) {
      index.set(key, label.length)
      label.push(key)
    }
  }
  const count = label.length
  const tree: TierTree = {
    count,
    level: new Uint8Array(count),
    parent: new Int32Array(count).fill(-1),
    childStart: new Int32Array(count + 1),
    weight: new Float64Array(count),
    capacity: new Int32Array(count),
    deviceId: new Int32Array(count).fill(-1),
    ancestry: new Int32Array(idLimit * 4).fill(-1),
    label
  }
  perLevel.forEach((list, i) => {
    for (const key of list) {
      const t = index.get(key) as number
      tree.level[t] = i + 1
      tree.parent[t] = index.get(parentKey.get(key) as string) as number
    }
  })
  linkChildren(tree)
  for (const d of sorted) {
    const path = tierKeys(d).map((key) => index.get(key) as number)
    path.forEach((t, i) => { tree.ancestry[d.id * 4 + i] = t })
    tree.deviceId[path[3]] = d.id
    for (const t of [0, ...path]) {
      tree.weight[t] += d.weight
      if (d.weight > 0) tree.capacity[t]++
    }
  }
  return tree
}

function linkChildren (tree: TierTree): void {
  const childCount = new Int32Array(tree.count)
  for (let t = 1; t < tree.count; t++) childCount[tree.parent[t]]++
  let next = 1
  for (let t = 0; t < tree.count; t++) {
    tree.childStart[t] = next
    next += childCount[t]
  }
  tree.childStart[tree.count] = next
}
