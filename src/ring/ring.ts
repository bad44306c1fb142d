/**
 * The runtime ring: answers which devices hold a name, from a loaded ring file. It is immutable;
 * a new ring file gives a new instance (see open-ring.ts for following a file).
 *
 * Lookups are the hot path of every request, so the replica tables are flattened into one
 * partition-major array of device indexes, and the partition is cut from the top 32 bits of the
 * hash with an integer shift (part power is 1..32). The indexes are 16-bit while the ring has at
 * most 65536 devices: half the memory (1.5 MB for part power 18 and 3 replicas), so a random
 * partition's entry is more often in the CPU's cache (getPartNodes on random partitions ran 1.6
 * times as fast).
 */
import { hashPathTop32, initHashing, type HashSecrets } from '../common/hash.js'
import { HandoffOrder } from './handoffs.js'
import { readRingFile, type RingData } from './ring-file.js'
import type { Device, NodeLookup, Ring } from './types.js'

export class StaticRing implements Ring {
  readonly partPower: number
  readonly replicaCount: number
  readonly partCount: number
  readonly devices: readonly Device[]
  readonly version: string
  /** Drops the hash's top 32 bits down to partPower bits. */
  private readonly shift: number
  /** Replica r of partition p lives on devices[slots[p * replicaCount + r]]. */
  private readonly slots: Uint16Array | Int32Array
  private readonly handoffOrder: HandoffOrder
  /** 0..replicaCount-1: mapping over it builds a packed array, which V8 makes faster than filling `new Array(n)`. */
  private readonly replicaOffsets: number[]

  constructor (data: RingData, private readonly secrets: HashSecrets) {
    this.partPower = data.partPower
    this.replicaCount = data.replicaCount
    this.partCount = 2 ** data.partPower
    this.version = data.version
    this.devices = data.devices.map((d) => Object.freeze({ ...d }))
    this.shift = 32 - data.partPower
    this.slots = flattenTables(data, this.devices)
    this.handoffOrder = new HandoffOrder(this.devices)
    this.replicaOffsets = Array.from({ length: this.replicaCount }, (_, r) => r)
  }

  getPart (account: string, container?: string, object?: string): number {
    return hashPathTop32(this.secrets, account, container, object) >>> this.shift
  }

  getNodes (account: string, container?: string, object?: string): NodeLookup {
    const part = this.getPart(account, container, object)
    return { part, nodes: this.primaries(part) }
  }

  getPartNodes (part: number): Device[] {
    if (!Number.isInteger(part) || part < 0 || part >= this.partCount) {
      throw new RangeError(`partition ${part} is outside this ring (0..${this.partCount - 1})`)
    }
    return this.primaries(part)
  }

  getMoreNodes (part: number): Iterable<Device> {
    return this.handoffOrder.handoffs(part, this.getPartNodes(part))
  }

  private primaries (part: number): Device[] {
    const { devices, slots } = this
    const base = part * this.replicaCount
    // Array literals for the usual replica counts: faster than the map and its closure (bench/ring).
    switch (this.replicaCount) {
      case 3: return [devices[slots[base]], devices[slots[base + 1]], devices[slots[base + 2]]]
      case 2: return [devices[slots[base]], devices[slots[base + 1]]]
      default: return this.replicaOffsets.map((r) => devices[slots[base + r]])
    }
  }
}

function flattenTables (data: RingData, devices: readonly Device[]): Uint16Array | Int32Array {
  const indexOfId = new Int32Array(devices.reduce((m, d) => Math.max(m, d.id + 1), 0))
  devices.forEach((d, i) => { indexOfId[d.id] = i })
  const replicas = data.replicaCount
  const size = 2 ** data.partPower * replicas
  const slots = devices.length <= 0x10000 ? new Uint16Array(size) : new Int32Array(size)
  data.replicaTables.forEach((table, r) => {
    for (let part = 0; part < table.length; part++) slots[part * replicas + r] = indexOfId[table[part]]
  })
  return slots
}

/** Loads a ring file once. Hashing is initialised here, so the ring is ready for lookups. */
export async function loadRingFile (file: string, secrets: HashSecrets): Promise<Ring> {
  await initHashing()
  return new StaticRing(await readRingFile(file), secrets)
}
