/**
 * How many partition-replicas each tier should hold, and how many replicas of one partition it
 * may hold. Computed top down: a tier's share is split among its children.
 *
 * When there are at least as many children (of positive weight) as the parent has replicas of a
 * partition, every replica can sit in a different child, and that is what happens: the dispersed
 * answer below is taken as it is, so losing one region, zone or node never loses two replicas.
 * The product promises this (a site can be lost), so it is not traded for balance.
 *
 * Otherwise there are two answers, and overload chooses between them:
 * - by weight ("weighted"): children share in proportion to weight, capped by what they can
 *   physically hold (one replica per partition per device): best balance;
 * - dispersed ("wanted"): each child takes as even a number of replicas of every partition as the
 *   parent's count allows (with 3 replicas and 2 regions, 1 or 2 each), and within that range by
 *   weight: replicas as far apart as possible, even if small tiers are then overfull.
 * A child that dispersion wants fuller than its weight ("light") may be filled up to weight x
 * (1 + overload), never beyond what dispersion wants; the heavy children give up the same amount,
 * each in proportion to its own gap between the two answers. Overload 0 is pure balance; a large
 * overload is pure dispersion.
 *
 * Shares are in replicas per partition (the cluster holds `replicas`); `parts` scales them to
 * partition-replica counts.
 */
import type { TierTree } from './tiers.js'

export interface TierTargets {
  /** Partition-replicas each tier should hold. */
  parts: Float64Array
  /** Partition-replicas each tier would hold by weight alone: what balance is measured against. */
  weightedParts: Float64Array
  /** The most replicas of one partition a tier should hold. */
  maxPerPart: Int32Array
}

const epsilon = 1e-9

export function computeTargets (tree: TierTree, replicas: number, overload: number, partCount: number): TierTargets {
  const share = new Float64Array(tree.count)
  share[0] = replicas
  for (let t = 0; t < tree.count; t++) {
    const first = tree.childStart[t]
    const end = tree.childStart[t + 1]
    if (end > first) splitShare(tree, share, first, end, share[t], overload)
  }
  const parts = new Float64Array(tree.count)
  const weightedParts = new Float64Array(tree.count)
  const maxPerPart = new Int32Array(tree.count)
  const totalWeight = tree.weight[0]
  for (let t = 0; t < tree.count; t++) {
    parts[t] = share[t] * partCount
    weightedParts[t] = totalWeight > 0 ? replicas * partCount * tree.weight[t] / totalWeight : 0
    maxPerPart[t] = share[t] > epsilon ? Math.max(1, Math.ceil(share[t] - epsilon)) : 0
  }
  return { parts, weightedParts, maxPerPart }
}

/** Splits `total` replicas per partition among the sibling tiers first..end-1. */
function splitShare (tree: TierTree, share: Float64Array, first: number, end: number, total: number, overload: number): void {
  const n = end - first
  const weight = tree.weight.subarray(first, end)
  const capacity = tree.capacity.subarray(first, end)
  const zero = new Float64Array(n)
  const cap = Float64Array.from(capacity)
  const weighted = proportional(total, weight, zero, cap)

  // Dispersion bounds: with k replicas over m tiers, each tier takes floor(k/m) or ceil(k/m).
  const m = weight.reduce((c, w) => c + (w > 0 ? 1 : 0), 0)
  const low = new Float64Array(n)
  const high = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (weight[i] <= 0) continue
    low[i] = Math.min(cap[i], Math.floor(Math.floor(total + epsilon) / m))
    high[i] = Math.min(cap[i], Math.ceil(Math.ceil(total - epsilon) / m))
  }
  const wanted = sum(high) + epsilon >= total ? proportional(total, weight, low, high) : weighted
  if (m >= Math.ceil(total - epsilon)) {
    share.set(wanted, first)
    return
  }

  let lightGain = 0
  let heavyGap = 0
  const target = Float64Array.from(weighted)
  for (let i = 0; i < n; i++) {
    if (wanted[i] > weighted[i]) {
      target[i] = Math.min(wanted[i], weighted[i] * (1 + overload))
      lightGain += target[i] - weighted[i]
    } else {
      heavyGap += weighted[i] - wanted[i]
    }
  }
  const giveUp = heavyGap > 0 ? lightGain / heavyGap : 0
  for (let i = 0; i < n; i++) {
    if (wanted[i] < weighted[i]) target[i] = weighted[i] - (weighted[i] - wanted[i]) * giveUp
    share[first + i] = target[i]
  }
}

/**
 * Shares of `total` in proportion to weight, each clamped to [low, high]: finds the scale s with
 * sum(clamp(s * weight)) = total by bisection (the sum grows with s). When the bounds cannot add
 * up to total, the nearest bound wins.
 */
function proportional (total: number, weight: Float64Array, low: Float64Array, high: Float64Array): Float64Array {
  const n = weight.length
  const out = new Float64Array(n)
  const fill = (scale: number): number => {
    let s = 0
    for (let i = 0; i < n; i++) {
      out[i] = weight[i] > 0 ? Math.min(high[i], Math.max(low[i], scale * weight[i])) : 0
      s += out[i]
    }
    return s
  }
  let lo = 0
  let hi = 1
  while (fill(hi) < total - epsilon && hi < 1e300) hi *= 2
  for (let iter = 0; iter < 200 && hi - lo > hi * 1e-15; iter++) {
    const mid = (lo + hi) / 2
    if (fill(mid) < total) lo = mid
    else hi = mid
  }
  fill(hi)
  return out
}

function sum (values: Float64Array): number {
  let s = 0
  for (const v of values) s += v
  return s
}
