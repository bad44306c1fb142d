/**
 * The rebalance: moves as few partition-replicas as it can so that every tier holds close to its
 * target (targets.ts) and no partition has more replicas in a tier than the tier's maxPerPart.
 *
 * It works on the builder's assignment, a flat partition-major table: slot `part * replicas + r`
 * holds the id of the device with replica r of `part`, or -1. Three steps:
 * 1. replicas that must move are taken out: those without a device (new ring, removed device)
 *    and one replica of each partition that breaks dispersion;
 * 2. each is placed by walking down the tree, at every level choosing, among the children that
 *    may still take a replica of this partition, the one furthest below its target;
 * 3. devices above target shed replicas, most overfull first, one per device per round, to
 *    devices whose shortfall is worth moving data for (see worthFilling).
 *
 * min_part_hours: a partition that moved less than min_part_hours ago does not move, and no
 * partition moves more than one replica per rebalance, so it never loses its quorum in one step.
 * The exception is replicas on removed devices: they are gone and are always replaced.
 */
import { randomIndex, shuffleRange, type Random } from './random.js'
import type { TierTargets } from './targets.js'
import { deviceLevel, type TierTree } from './tiers.js'

export interface Assignment {
  partCount: number
  replicas: number
  /** Device id of each slot (part * replicas + r), -1 for none. */
  slots: Int32Array
  /** When each partition last had a replica moved, in seconds since the epoch; 0 for never. */
  lastMoved: Uint32Array
}

export interface RebalanceLimits {
  nowSeconds: number
  minPartSeconds: number
  random: Random
}

export interface RebalanceStats {
  /** Partition-replicas now on another device than before (placing a new ring counts them all). */
  moved: number
  /** Partitions with at least one replica moved. */
  movedParts: number
  /** Partitions that should have given up a replica but were held back by min_part_hours. */
  heldByMinPartHours: number
}

const epsilon = 1e-9
/** A device gives up replicas while it holds at least this many partition-replicas above target. */
const shedFrom = 0.5
/**
 * A device receives replicas from overfull ones while it misses at least one partition-replica
 * and at least this fraction of its target: half the 1% balance goal. Smaller gaps are not worth
 * moving data for (removing a device then moves only that device's partitions).
 */
const worthFilling = 0.005

export function rebalanceAssignment (a: Assignment, tree: TierTree, targets: TierTargets, limits: RebalanceLimits): RebalanceStats {
  const run = new Rebalance(a, tree, targets, limits)
  run.gatherLost()
  run.gatherUndispersed()
  run.placeGathered()
  run.shedOverfull()
  return run.finish()
}

class Rebalance {
  /** Partition-replicas each tier holds now. */
  private readonly held: Float64Array
  /** Per partition: 1 if it gave up a replica in this rebalance, 2 if min_part_hours held one back. */
  private readonly touched: Uint8Array
  /** Where each slot's replica was before this rebalance (-1 for none). */
  private readonly before: Int32Array
  private gathered: Int32Array
  private gatheredCount = 0
  /** Scratch: tiers of the current partition's placed replicas, 4 per replica (levels 1..4), and their weight. */
  private readonly peerTiers: Int32Array
  private readonly peerWeighted: Uint8Array
  private peerCount = 0

  constructor (
    private readonly a: Assignment,
    private readonly tree: TierTree,
    private readonly targets: TierTargets,
    private readonly limits: RebalanceLimits
  ) {
    this.held = new Float64Array(tree.count)
    this.touched = new Uint8Array(a.partCount)
    this.before = Int32Array.from(a.slots)
    this.gathered = new Int32Array(Math.min(a.slots.length, 1024))
    this.peerTiers = new Int32Array(a.replicas * 4)
    this.peerWeighted = new Uint8Array(a.replicas)
    for (const id of a.slots) if (this.inTree(id)) this.addHeld(id, 1)
  }

  private inTree (id: number): boolean {
    return id >= 0 && id * 4 < this.tree.ancestry.length && this.tree.ancestry[id * 4] >= 0
  }

  private addHeld (id: number, delta: number): void {
    this.held[0] += delta
    for (let level = 0; level < 4; level++) this.held[this.tree.ancestry[id * 4 + level]] += delta
  }

  private deviceTier (id: number): number {
    return this.tree.ancestry[id * 4 + deviceLevel - 1]
  }

  private locked (part: number): boolean {
    const { nowSeconds, minPartSeconds } = this.limits
    return minPartSeconds > 0 && nowSeconds - this.a.lastMoved[part] < minPartSeconds
  }

  private gather (slot: number): void {
    const id = this.a.slots[slot]
    if (this.inTree(id)) this.addHeld(id, -1)
    this.a.slots[slot] = -1
    // A replica that held data counts against the partition's one move per rebalance; placing
    // a replica that never had a device moves no data.
    if (this.before[slot] >= 0) this.touched[(slot / this.a.replicas) | 0] = 1
    if (this.gatheredCount === this.gathered.length) {
      const bigger = new Int32Array(Math.min(this.gathered.length * 2, this.a.slots.length))
      bigger.set(this.gathered)
      this.gathered = bigger
    }
    this.gathered[this.gatheredCount++] = slot
  }

  /** Replicas with no device, or on a device no longer in the ring. */
  gatherLost (): void {
    const { slots } = this.a
    for (let slot = 0; slot < slots.length; slot++) {
      if (!this.inTree(slots[slot])) this.gather(slot)
    }
  }

  /** One replica of each partition that has more replicas in some tier than the tier's maxPerPart. */
  gatherUndispersed (): void {
    const { replicas, partCount, slots } = this.a
    const { ancestry } = this.tree
    const { maxPerPart } = this.targets
    for (let part = 0; part < partCount; part++) {
      const base = part * replicas
      // Partitions with a replica to place are dispersed by that placement.
      if (this.touched[part] !== 0 || slots.subarray(base, base + replicas).includes(-1)) continue
      let worst = -1
      for (let level = 0; level < 4 && worst < 0; level++) {
        for (let i = 0; i < replicas && worst < 0; i++) {
          const tier = ancestry[slots[base + i] * 4 + level]
          let count = 0
          for (let j = 0; j < replicas; j++) if (ancestry[slots[base + j] * 4 + level] === tier) count++
          if (count > maxPerPart[tier]) worst = this.mostOverfullIn(base, level, tier)
        }
      }
      if (worst < 0) continue
      if (this.locked(part)) this.touched[part] = 2
      else this.gather(worst)
    }
  }

  /** The slot of `part` (at base) within `tier` whose device is furthest above its target. */
  private mostOverfullIn (base: number, level: number, tier: number): number {
    let best = -1
    let bestExcess = -Infinity
    for (let i = 0; i < this.a.replicas; i++) {
      const id = this.a.slots[base + i]
      if (this.tree.ancestry[id * 4 + level] !== tier) continue
      const t = this.deviceTier(id)
      const excess = this.held[t] - this.targets.parts[t]
      if (excess > bestExcess) {
        bestExcess = excess
        best = base + i
      }
    }
    return best
  }

  placeGathered (): void {
    shuffleRange(this.limits.random, this.gathered, 0, this.gatheredCount)
    for (let k = 0; k < this.gatheredCount; k++) {
      const slot = this.gathered[k]
      this.assign(slot, this.tree.deviceId[this.walk(slot)])
    }
    this.gatheredCount = 0
  }

  private assign (slot: number, id: number): void {
    this.a.slots[slot] = id
    this.addHeld(id, 1)
  }

  /** The device tier a replica of this slot's partition should go to, given its other replicas. */
  private walk (slot: number): number {
    this.loadPeers(slot - (slot % this.a.replicas))
    let tier = 0
    for (let level = 1; level <= deviceLevel; level++) tier = this.chooseChild(tier, level)
    return tier
  }

  /** Devices above target give replicas to devices clearly below theirs (step 3 of the module comment). */
  shedOverfull (): void {
    const { slots } = this.a
    const { deviceId, count } = this.tree
    // Slots of each overfull device, shuffled so the partitions given up are random.
    const start = new Int32Array(count + 1)
    for (const id of slots) if (id >= 0 && this.overfull(this.deviceTier(id))) start[this.deviceTier(id) + 1]++
    for (let t = 0; t < count; t++) start[t + 1] += start[t]
    const bySlot = new Int32Array(start[count])
    const cursor = start.slice(0, count)
    for (let slot = 0; slot < slots.length; slot++) {
      const id = slots[slot]
      if (id >= 0 && this.overfull(this.deviceTier(id))) bySlot[cursor[this.deviceTier(id)]++] = slot
    }
    const sources: number[] = []
    for (let t = 0; t < count; t++) {
      if (deviceId[t] < 0 || start[t + 1] === start[t]) continue
      shuffleRange(this.limits.random, bySlot, start[t], start[t + 1])
      cursor[t] = start[t]
      sources.push(t)
    }
    for (let moving = true; moving;) {
      moving = false
      sources.sort((x, y) => this.want(x) - this.want(y))
      for (const t of sources) {
        while (this.overfull(t) && cursor[t] < start[t + 1]) {
          if (this.shedOne(bySlot[cursor[t]++])) {
            moving = true
            break
          }
        }
      }
    }
  }

  private overfull (deviceTier: number): boolean {
    return this.want(deviceTier) <= -shedFrom + epsilon
  }

  private worthFilling (deviceTier: number): boolean {
    return this.want(deviceTier) >= Math.max(1, worthFilling * this.targets.parts[deviceTier]) - epsilon
  }

  /** Moves the replica in `slot` to the device its walk picks, if that one is worth filling and the partition may move. */
  private shedOne (slot: number): boolean {
    const part = (slot / this.a.replicas) | 0
    if (this.touched[part] !== 0) return false
    const id = this.a.slots[slot]
    this.a.slots[slot] = -1
    this.addHeld(id, -1)
    const to = this.walk(slot)
    const worth = this.tree.deviceId[to] !== id && this.worthFilling(to)
    if (worth && this.locked(part)) this.touched[part] = 2
    const move = worth && this.touched[part] === 0
    this.assign(slot, move ? this.tree.deviceId[to] : id)
    if (move && this.before[slot] >= 0) this.touched[part] = 1
    return move
  }

  /** Tiers of the partition's replicas that are placed, for the dispersion checks. */
  private loadPeers (base: number): void {
    this.peerCount = 0
    for (let i = 0; i < this.a.replicas; i++) {
      const id = this.a.slots[base + i]
      if (!this.inTree(id)) continue
      for (let level = 0; level < 4; level++) this.peerTiers[this.peerCount * 4 + level] = this.tree.ancestry[id * 4 + level]
      this.peerWeighted[this.peerCount] = this.tree.weight[this.deviceTier(id)] > 0 ? 1 : 0
      this.peerCount++
    }
  }

  private want (tier: number): number {
    return this.targets.parts[tier] - this.held[tier]
  }

  /**
   * The child of `parent` to descend into: among children with a free device for this partition
   * and room under maxPerPart, the one furthest below target; if none has room, the one holding
   * the fewest replicas of the partition. Scanning starts at a random child, so ties fall randomly.
   */
  private chooseChild (parent: number, level: number): number {
    const { childStart, weight, capacity } = this.tree
    const { maxPerPart } = this.targets
    const first = childStart[parent]
    const n = childStart[parent + 1] - first
    const rotation = randomIndex(this.limits.random, n)
    let best = -1
    let bestWant = -Infinity
    let fallback = -1
    let fallbackCount = Infinity
    let fallbackWant = -Infinity
    for (let k = 0; k < n; k++) {
      const child = first + ((rotation + k) % n)
      if (weight[child] <= 0) continue
      let count = 0
      let weightedCount = 0
      for (let i = 0; i < this.peerCount; i++) {
        if (this.peerTiers[i * 4 + level - 1] === child) {
          count++
          weightedCount += this.peerWeighted[i]
        }
      }
      if (capacity[child] - weightedCount <= 0) continue
      const want = this.want(child)
      if (count < maxPerPart[child]) {
        if (want > bestWant) {
          best = child
          bestWant = want
        }
      } else if (count < fallbackCount || (count === fallbackCount && want > fallbackWant)) {
        fallback = child
        fallbackCount = count
        fallbackWant = want
      }
    }
    if (best >= 0) return best
    if (fallback >= 0) return fallback
    throw new Error(`no device can take another replica under ${this.tree.label[parent]}`)
  }

  /** Stamps the partitions whose data moved, and counts the moves. */
  finish (): RebalanceStats {
    const { replicas, partCount, slots, lastMoved } = this.a
    let moved = 0
    let movedParts = 0
    let heldByMinPartHours = 0
    for (let part = 0; part < partCount; part++) {
      if (this.touched[part] === 2) heldByMinPartHours++
      let dataMoved = false
      let anyMoved = false
      for (let i = part * replicas; i < (part + 1) * replicas; i++) {
        if (slots[i] === this.before[i]) continue
        moved++
        anyMoved = true
        if (this.before[i] >= 0) dataMoved = true
      }
      if (anyMoved) movedParts++
      if (dataMoved) lastMoved[part] = this.limits.nowSeconds
    }
    return { moved, movedParts, heldByMinPartHours }
  }
}
