/**
 * RingBuilder: the offline, mutable side of the ring. Operators add, remove and reweight devices,
 * then rebalance; the builder keeps the assignment and each partition's last move time (in the
 * builder file) so the next rebalance moves as little as possible. `writeRing` hands the result
 * to the daemons as a ring file.
 *
 * Placement goals, in order: dispersion (replicas in distinct regions, then zones, nodes,
 * devices), balance (partitions in proportion to weight, traded against dispersion by overload),
 * and minimal movement (bounded by min_part_hours). See targets.ts and rebalance.ts.
 */
import { createHash, randomInt } from 'node:crypto'
import { writeFileAtomic } from '../atomic-write.js'
import { RingBuilderError } from '../errors.js'
import { encodeRingFile, type RingData } from '../ring-file.js'
import type { Device } from '../types.js'
import { loadBuilderFile, saveBuilderFile, type BuilderState } from './builder-file.js'
import type { DeviceSpec } from './device-spec.js'
import { dispersionReport, type DispersionReport } from './dispersion.js'
import { createRandom } from './random.js'
import { rebalanceAssignment } from './rebalance.js'
import { computeTargets } from './targets.js'
import { buildTierTree } from './tiers.js'

export const maxPartPower = 32

/** Balance shown for a device of weight 0 that still holds partitions, as swift-ring-builder does. */
export const drainingBalance = 999.99

export interface NewDevice extends Omit<DeviceSpec, 'replicationIp' | 'replicationPort' | 'meta'> {
  weight: number
  replicationIp?: string
  replicationPort?: number
  meta?: string
}

export interface RebalanceOptions {
  /** Seeds the random choices; the same builder and seed give the same ring. Random when absent. */
  seed?: number
  /** The current time in ms, for min_part_hours; Date.now() when absent. */
  now?: number
}

export interface RebalanceResult {
  /** Partition-replicas assigned to another device than before (all of them on a first rebalance). */
  moved: number
  /** Partitions with at least one replica moved. */
  movedParts: number
  /** Partitions that should have moved a replica but moved one less than min_part_hours ago. */
  heldByMinPartHours: number
  /** Largest deviation of any device from its share by weight, in percent. */
  balance: number
  seed: number
}

export interface DeviceUsage {
  device: Device
  parts: number
  /** Partition-replicas this device would hold by weight alone. */
  wantedParts: number
  /** Percent above (+) or below (-) wantedParts. */
  balance: number
}

export class RingBuilder {
  private constructor (private state: BuilderState) {}

  static create (partPower: number, replicas: number, minPartHours: number): RingBuilder {
    if (!Number.isInteger(partPower) || partPower < 1 || partPower > maxPartPower) {
      throw new RingBuilderError(`part power must be an integer from 1 to ${maxPartPower}, got ${partPower}`)
    }
    if (!Number.isInteger(replicas) || replicas < 1) throw new RingBuilderError(`replicas must be a positive integer, got ${replicas}`)
    if (!Number.isInteger(minPartHours) || minPartHours < 0) {
      throw new RingBuilderError(`min_part_hours must be a non-negative integer, got ${minPartHours}`)
    }
    return new RingBuilder({ partPower, replicas, minPartHours, overload: 0, nextDeviceId: 0, devices: [], dirty: true })
  }

  static async load (file: string): Promise<RingBuilder> {
    return new RingBuilder(await loadBuilderFile(file))
  }

  async save (file: string): Promise<void> {
    await saveBuilderFile(file, this.state)
  }

  get partPower (): number { return this.state.partPower }
  get replicas (): number { return this.state.replicas }
  get partCount (): number { return 2 ** this.state.partPower }
  get minPartHours (): number { return this.state.minPartHours }
  get overload (): number { return this.state.overload }
  /** Whether devices or settings changed since the last rebalance. */
  get dirty (): boolean { return this.state.dirty }
  get devices (): readonly Device[] { return this.state.devices }

  getDevice (id: number): Device {
    const dev = this.state.devices.find((d) => d.id === id)
    if (dev === undefined) throw new RingBuilderError(`unknown device d${id}`)
    return dev
  }

  addDevice (spec: NewDevice): Device {
    checkWeight(spec.weight)
    const dev: Device = {
      id: this.state.nextDeviceId,
      region: spec.region,
      zone: spec.zone,
      ip: spec.ip,
      port: spec.port,
      replicationIp: spec.replicationIp ?? spec.ip,
      replicationPort: spec.replicationPort ?? spec.port,
      device: spec.device,
      weight: spec.weight,
      meta: spec.meta ?? ''
    }
    checkDeviceFields(dev)
    const clash = this.state.devices.find((d) => d.ip === dev.ip && d.port === dev.port && d.device === dev.device)
    if (clash !== undefined) throw new RingBuilderError(`device ${dev.ip}:${dev.port}/${dev.device} is already in the ring as d${clash.id}`)
    this.state.devices.push(dev)
    this.state.nextDeviceId++
    this.state.dirty = true
    return { ...dev }
  }

  /** Takes a device out; its partitions move to other devices at the next rebalance. */
  removeDevice (id: number): void {
    this.getDevice(id)
    this.state.devices = this.state.devices.filter((d) => d.id !== id)
    this.state.dirty = true
  }

  setWeight (id: number, weight: number): void {
    checkWeight(weight)
    this.getDevice(id).weight = weight
    this.state.dirty = true
  }

  /** Extra fraction of its weight a tier may hold for the sake of dispersion (0.1 = 10%). */
  setOverload (overload: number): void {
    if (!Number.isFinite(overload) || overload < 0) throw new RingBuilderError(`overload must be a non-negative number, got ${overload}`)
    this.state.overload = overload
    this.state.dirty = true
  }

  setMinPartHours (hours: number): void {
    if (!Number.isInteger(hours) || hours < 0) throw new RingBuilderError(`min_part_hours must be a non-negative integer, got ${hours}`)
    this.state.minPartHours = hours
  }

  rebalance (opts: RebalanceOptions = {}): RebalanceResult {
    const { replicas } = this.state
    const weighted = this.state.devices.filter((d) => d.weight > 0).length
    if (weighted < replicas) {
      throw new RingBuilderError(`${replicas} replicas need at least ${replicas} devices of positive weight, the builder has ${weighted}`)
    }
    const assignment = this.state.assignment ?? this.newAssignment()
    const tree = buildTierTree(this.state.devices, this.state.nextDeviceId)
    const targets = computeTargets(tree, replicas, this.state.overload, this.partCount)
    const seed = opts.seed ?? randomInt(2 ** 31)
    const stats = rebalanceAssignment(
      { partCount: this.partCount, replicas, ...assignment },
      tree,
      targets,
      { nowSeconds: Math.floor((opts.now ?? Date.now()) / 1000), minPartSeconds: this.state.minPartHours * 3600, random: createRandom(seed) }
    )
    this.state.assignment = assignment
    this.state.dirty = false
    return { ...stats, balance: this.balance(), seed }
  }

  private newAssignment (): NonNullable<BuilderState['assignment']> {
    const slotCount = this.partCount * this.state.replicas
    try {
      return { slots: new Int32Array(slotCount).fill(-1), lastMoved: new Uint32Array(this.partCount) }
    } catch (err) {
      throw new RingBuilderError(`part power ${this.state.partPower} needs ${slotCount} partition-replicas, too many for this machine (${(err as Error).message})`)
    }
  }

  /** Each device with the partition-replicas it holds, its share by weight, and the gap in percent. */
  usage (): DeviceUsage[] {
    const held = new Map<number, number>()
    for (const id of this.state.assignment?.slots ?? []) held.set(id, (held.get(id) ?? 0) + 1)
    const totalWeight = this.state.devices.reduce((s, d) => s + d.weight, 0)
    const slotCount = this.partCount * this.state.replicas
    return this.state.devices.map((device) => {
      const parts = held.get(device.id) ?? 0
      const wantedParts = totalWeight > 0 ? slotCount * device.weight / totalWeight : 0
      const balance = wantedParts > 0 ? 100 * (parts / wantedParts - 1) : (parts > 0 ? drainingBalance : 0)
      return { device: { ...device }, parts, wantedParts, balance }
    })
  }

  /** The largest deviation of a device from its share by weight, in percent. */
  balance (): number {
    return this.usage().reduce((worst, u) => Math.max(worst, Math.abs(u.balance)), 0)
  }

  dispersionReport (): DispersionReport {
    const tree = buildTierTree(this.state.devices, this.state.nextDeviceId)
    const slots = this.state.assignment?.slots ?? new Int32Array(this.partCount * this.state.replicas).fill(-1)
    return dispersionReport(tree, slots, this.state.replicas, this.partCount)
  }

  /** Checks that the builder can write a usable ring; throws listing the problems. */
  validate (): void {
    const problems = this.problems()
    if (problems.length > 0) throw new RingBuilderError(`builder is not valid: ${problems.join('; ')}`)
  }

  private problems (): string[] {
    const { assignment, replicas, devices } = this.state
    if (assignment === undefined) return ['never rebalanced']
    const problems: string[] = []
    if (this.state.dirty) problems.push('devices or settings changed since the last rebalance')
    const present = new Set(devices.map((d) => d.id))
    let unassigned = 0
    let doubled = 0
    for (let part = 0; part < this.partCount; part++) {
      const ids = assignment.slots.subarray(part * replicas, (part + 1) * replicas)
      if (ids.some((id) => !present.has(id))) unassigned++
      if (new Set(ids).size < replicas) doubled++
    }
    if (unassigned > 0) problems.push(`${unassigned} partitions have a replica on no device`)
    if (doubled > 0) problems.push(`${doubled} partitions have two replicas on one device`)
    return problems
  }

  /** The ring as daemons see it; the builder must be valid (rebalanced since its last change). */
  ringData (): RingData {
    this.validate()
    const { replicas, devices } = this.state
    const slots = (this.state.assignment as NonNullable<BuilderState['assignment']>).slots
    const replicaTables = Array.from({ length: replicas }, (_, r) => {
      const table = new Uint32Array(this.partCount)
      for (let part = 0; part < table.length; part++) table[part] = slots[part * replicas + r]
      return table
    })
    const hash = createHash('sha256').update(JSON.stringify(devices))
    for (const t of replicaTables) hash.update(new Uint8Array(t.buffer))
    const version = hash.digest('hex').slice(0, 16)
    return { partPower: this.partPower, replicaCount: replicas, version, devices: devices.map((d) => ({ ...d })), replicaTables }
  }

  async writeRing (file: string): Promise<void> {
    await writeFileAtomic(file, await encodeRingFile(this.ringData()))
  }
}

function checkWeight (weight: number): void {
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    throw new RingBuilderError(`weight must be a non-negative number, got ${weight}`)
  }
}

function checkDeviceFields (d: Device): void {
  const bad = (what: string): never => { throw new RingBuilderError(`device ${JSON.stringify(d.device)}: ${what}`) }
  if (!Number.isInteger(d.region) || d.region < 0) bad(`region must be a non-negative integer, got ${d.region}`)
  if (!Number.isInteger(d.zone) || d.zone < 0) bad(`zone must be a non-negative integer, got ${d.zone}`)
  if (typeof d.ip !== 'string' || d.ip === '') bad('ip is missing')
  if (typeof d.replicationIp !== 'string' || d.replicationIp === '') bad('replication ip is missing')
  for (const [name, port] of [['port', d.port], ['replication port', d.replicationPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`${name} must be 1..65535, got ${port}`)
  }
  if (typeof d.device !== 'string' || !/^[^/\s]+$/.test(d.device)) bad('device name must be non-empty, without / or spaces')
}
