/**
 * The builder file (`object.builder`): everything the builder needs to rebalance later without
 * moving more than it must, so operators keep it safe (the ring file alone is not enough).
 *
 * Format 1, inside the shared envelope (../codec.ts) with magic `RSBD`:
 * - header JSON: settings, devices, the next device id, whether devices changed since the last
 *   rebalance, and whether an assignment exists;
 * - when it does, two sections: the assignment (partition-major, replica r of part p at
 *   p * replicas + r, Int32 device ids, -1 for none) and each partition's last move time
 *   (Uint32 seconds since the epoch).
 */
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../atomic-write.js'
import { decodeEnvelope, encodeEnvelope, type EnvelopeKind } from '../codec.js'
import { RingFileError } from '../errors.js'
import type { Device } from '../types.js'

export const builderFileKind: EnvelopeKind = { magic: 'RSBD', maxVersion: 1, label: 'builder file' }

export interface BuilderState {
  partPower: number
  replicas: number
  minPartHours: number
  overload: number
  nextDeviceId: number
  devices: Device[]
  /** Devices or settings changed since the last rebalance. */
  dirty: boolean
  /** Absent until the first rebalance. */
  assignment?: { slots: Int32Array, lastMoved: Uint32Array }
}

type BuilderHeader = Omit<BuilderState, 'assignment'> & { assigned: boolean }

export async function saveBuilderFile (file: string, state: BuilderState): Promise<void> {
  const { assignment, ...settings } = state
  const header: BuilderHeader = { ...settings, assigned: assignment !== undefined }
  const sections = assignment === undefined
    ? []
    : [assignment.slots, assignment.lastMoved].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
  await writeFileAtomic(file, await encodeEnvelope(builderFileKind, { formatVersion: 1, header, sections }))
}

export async function loadBuilderFile (file: string): Promise<BuilderState> {
  let raw: Buffer
  try {
    raw = await readFile(file)
  } catch (err) {
    throw new RingFileError(`cannot read builder file ${file}: ${(err as Error).message}`)
  }
  const env = await decodeEnvelope(builderFileKind, file, raw)
  const { assigned, ...settings } = checkHeader(file, env.header)
  if (!assigned) return settings
  const partCount = 2 ** settings.partPower
  const expected = [partCount * settings.replicas * 4, partCount * 4]
  if (env.sections.length !== 2 || env.sections.some((s, i) => s.byteLength !== expected[i])) {
    throw new RingFileError(`${file}: builder file is corrupt (assignment tables have the wrong size)`)
  }
  const [slots, lastMoved] = env.sections
  return {
    ...settings,
    assignment: {
      slots: new Int32Array(slots.buffer, slots.byteOffset, slots.byteLength / 4),
      lastMoved: new Uint32Array(lastMoved.buffer, lastMoved.byteOffset, lastMoved.byteLength / 4)
    }
  }
}

function checkHeader (file: string, value: unknown): BuilderHeader {
  const h = value as Partial<BuilderHeader> | null
  const isInt = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min
  const ok = h !== null && typeof h === 'object' &&
    isInt(h.partPower, 1) && (h.partPower as number) <= 32 && isInt(h.replicas, 1) && isInt(h.minPartHours, 0) &&
    typeof h.overload === 'number' && h.overload >= 0 && isInt(h.nextDeviceId, 0) &&
    typeof h.dirty === 'boolean' && typeof h.assigned === 'boolean' &&
    Array.isArray(h.devices) && h.devices.every((d) => isDevice(d, h.nextDeviceId as number))
  if (!ok) throw new RingFileError(`${file}: builder file is corrupt (bad header)`)
  return h as BuilderHeader
}

function isDevice (d: unknown, idLimit: number): boolean {
  const x = d as Partial<Device> | null
  return x !== null && typeof x === 'object' && Number.isInteger(x.id) && (x.id as number) >= 0 && (x.id as number) < idLimit &&
    Number.isInteger(x.region) && Number.isInteger(x.zone) && typeof x.ip === 'string' && Number.isInteger(x.port) &&
    typeof x.replicationIp === 'string' && Number.isInteger(x.replicationPort) && typeof x.device === 'string' &&
    typeof x.weight === 'number' && x.weight >= 0 && typeof x.meta === 'string'
}
