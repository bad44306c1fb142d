/**
 * Handoff order: which devices stand in for a partition's primaries when they fail.
 *
 * A handoff should keep the partition's replicas apart, so the order prefers a device in a region
 * none of the devices so far uses, then a zone none uses, then a node (ip) none uses, then any
 * other device. "So far" grows as handoffs are handed out, so the second handoff avoids the first.
 * Within each preference the devices are walked in one fixed, scrambled order, starting at a
 * point that depends on the partition: the order is the same in every process for the same ring,
 * and the partitions of a failed device spread over many handoffs instead of piling onto one.
 * Devices of weight 0 are being drained and are never handoffs.
 */
import { mix32 } from './mix.js'
import type { Device } from './types.js'

/** Dense indexes of each device's region, zone and node, keyed by device id. */
interface TierIndex {
  region: Map<number, number>
  zone: Map<number, number>
  node: Map<number, number>
  counts: [number, number, number]
}

function indexTiers (devices: readonly Device[]): TierIndex {
  const keys = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()]
  const byLevel = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()]
  for (const d of devices) {
    const tierKeys = [`${d.region}`, `${d.region}/${d.zone}`, `${d.region}/${d.zone}/${d.ip}`]
    tierKeys.forEach((key, level) => {
      let index = keys[level].get(key)
      if (index === undefined) {
        index = keys[level].size
        keys[level].set(key, index)
      }
      byLevel[level].set(d.id, index)
    })
  }
  return { region: byLevel[0], zone: byLevel[1], node: byLevel[2], counts: [keys[0].size, keys[1].size, keys[2].size] }
}

export class HandoffOrder {
  private readonly order: Device[]
  private readonly position = new Map<number, number>()
  private readonly tiers: TierIndex
  private readonly regionAt: Int32Array
  private readonly zoneAt: Int32Array
  private readonly nodeAt: Int32Array

  constructor (devices: readonly Device[]) {
    this.tiers = indexTiers(devices)
    this.order = devices.filter((d) => d.weight > 0).sort((a, b) => mix32(a.id) - mix32(b.id) || a.id - b.id)
    this.order.forEach((d, i) => this.position.set(d.id, i))
    this.regionAt = Int32Array.from(this.order, (d) => this.tiers.region.get(d.id) as number)
    this.zoneAt = Int32Array.from(this.order, (d) => this.tiers.zone.get(d.id) as number)
    this.nodeAt = Int32Array.from(this.order, (d) => this.tiers.node.get(d.id) as number)
  }

  /** Handoffs of a partition whose primaries are `primaries`, best first; each device at most once. */
  * handoffs (part: number, primaries: readonly Device[]): Generator<Device, void, undefined> {
    const n = this.order.length
    if (n === 0) return
    const [regions, zones, nodes] = this.tiers.counts
    const usedRegion = new Uint8Array(regions)
    const usedZone = new Uint8Array(zones)
    const usedNode = new Uint8Array(nodes)
    const taken = new Uint8Array(n)
    for (const d of primaries) {
      usedRegion[this.tiers.region.get(d.id) as number] = 1
      usedZone[this.tiers.zone.get(d.id) as number] = 1
      usedNode[this.tiers.node.get(d.id) as number] = 1
      const pos = this.position.get(d.id)
      if (pos !== undefined) taken[pos] = 1
    }
    const start = mix32(part) % n
    // Level 0 wants a new region, 1 a new zone, 2 a new node, 3 accepts any device not yet given.
    for (let level = 0; level < 4; level++) {
      for (let i = 0; i < n; i++) {
        const pos = (start + i) % n
        if (taken[pos] === 1) continue
        if (level === 0 && usedRegion[this.regionAt[pos]] === 1) continue
        if (level <= 1 && usedZone[this.zoneAt[pos]] === 1) continue
        if (level <= 2 && usedNode[this.nodeAt[pos]] === 1) continue
        taken[pos] = 1
        usedRegion[this.regionAt[pos]] = 1
        usedZone[this.zoneAt[pos]] = 1
        usedNode[this.nodeAt[pos]] = 1
        yield this.order[pos]
      }
    }
  }
}
