/** Builders for the ring tests: clusters described by their shape, and helpers to compare assignments. */
import { RingBuilder, type Device } from '../../src/ring/index.js'

export interface Shape {
  partPower: number
  replicas?: number
  minPartHours?: number
  regions: number
  zonesPerRegion: number
  nodesPerZone: number
  devicesPerNode: number
  /** Weight of the i-th device added; 100 for all when absent. */
  weight?: (i: number) => number
}

/** A builder with devices r<R>z<Z>-10.R.Z.N:6200/d<D>, added region by region. */
export function builderOf (shape: Shape): RingBuilder {
  const b = RingBuilder.create(shape.partPower, shape.replicas ?? 3, shape.minPartHours ?? 0)
  let i = 0
  for (let r = 1; r <= shape.regions; r++) {
    for (let z = 1; z <= shape.zonesPerRegion; z++) {
      for (let n = 0; n < shape.nodesPerZone; n++) {
        for (let d = 0; d < shape.devicesPerNode; d++) {
          b.addDevice({ region: r, zone: z, ip: `10.${r}.${z}.${n}`, port: 6200, device: `d${d}`, weight: shape.weight?.(i) ?? 100 })
          i++
        }
      }
    }
  }
  return b
}

/** Replica tables of the builder's ring, as one partition-major array of device ids. */
export function assignmentOf (b: RingBuilder): Int32Array {
  const data = b.ringData()
  const out = new Int32Array(b.partCount * b.replicas)
  data.replicaTables.forEach((table, r) => table.forEach((id, part) => { out[part * b.replicas + r] = id }))
  return out
}

/** Partition-replicas that changed device, and the partitions with more than one replica changed. */
export function movesBetween (before: Int32Array, after: Int32Array, replicas: number): { moved: number, partsWithTwoMoves: number } {
  let moved = 0
  let partsWithTwoMoves = 0
  for (let base = 0; base < before.length; base += replicas) {
    // Compare as sets: a replica that kept its device may have changed index.
    const old = new Set(before.subarray(base, base + replicas))
    const changed = Array.from(after.subarray(base, base + replicas)).filter((id) => !old.has(id)).length
    moved += changed
    if (changed > 1) partsWithTwoMoves++
  }
  return { moved, partsWithTwoMoves }
}

export function tierOf (d: Device, level: 'region' | 'zone' | 'node'): string {
  if (level === 'region') return `${d.region}`
  if (level === 'zone') return `${d.region}/${d.zone}`
  return `${d.region}/${d.zone}/${d.ip}`
}

export const hour = 3600 * 1000
