/**
 * The dispersion report: for each failure-domain level, how many partitions have two or more
 * replicas inside one tier of that level, and the most replicas of one partition any tier holds.
 * With 3 replicas and 2 regions every partition shares a region, and that is expected; with 3
 * regions, a partition sharing one is a dispersion failure.
 */
import type { LevelName, TierTree } from './tiers.js'

export interface LevelDispersion {
  /** Partitions with 2+ replicas in one tier of this level. */
  sharing: number
  /** The most replicas of one partition found in a single tier of this level. */
  maxReplicasInOneTier: number
}

export interface DispersionReport {
  partCount: number
  replicas: number
  /** Partitions with a replica not placed on a device of the ring. */
  unplaced: number
  levels: Record<Exclude<LevelName, 'cluster'>, LevelDispersion>
}

export function dispersionReport (tree: TierTree, slots: Int32Array, replicas: number, partCount: number): DispersionReport {
  const sharing = new Int32Array(4)
  const maxInTier = new Int32Array(4)
  let unplaced = 0
  const tiers = new Int32Array(replicas)
  for (let part = 0; part < partCount; part++) {
    const base = part * replicas
    let placed = true
    for (let i = 0; i < replicas; i++) {
      const id = slots[base + i]
      if (id < 0 || id * 4 >= tree.ancestry.length || tree.ancestry[id * 4] < 0) placed = false
    }
    if (!placed) {
      unplaced++
      continue
    }
    for (let level = 0; level < 4; level++) {
      let most = 1
      for (let i = 0; i < replicas; i++) tiers[i] = tree.ancestry[slots[base + i] * 4 + level]
      for (let i = 0; i < replicas; i++) {
        let count = 0
        for (let j = 0; j < replicas; j++) if (tiers[j] === tiers[i]) count++
        if (count > most) most = count
      }
      if (most >= 2) sharing[level]++
      if (most > maxInTier[level]) maxInTier[level] = most
    }
  }
  const at = (level: number): LevelDispersion => ({ sharing: sharing[level], maxReplicasInOneTier: maxInTier[level] })
  return {
    partCount,
    replicas,
    unplaced,
    levels: { region: at(0), zone: at(1), node: at(2), device: at(3) }
  }
}
