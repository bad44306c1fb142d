/**
 * The ring file (`object.ring.gz`, ...): what the builder hands to every daemon.
 *
 * Format 1, inside the shared envelope (see codec.ts) with magic `RSRG`:
 * - header JSON: `{ partPower, replicaCount, idBytes, version, devices }`, where devices are the
 *   ring's devices (all fields of Device) and version identifies the contents;
 * - one section per replica: partition -> device id, `2^partPower` little-endian unsigned
 *   integers of `idBytes` (2, or 4 when a device id is 65535 or more).
 */
import { readFile } from 'node:fs/promises'
import { decodeEnvelope, encodeEnvelope, type EnvelopeKind } from './codec.js'
import { RingFileError } from './errors.js'
import type { Device } from './types.js'

export const ringFileKind: EnvelopeKind = { magic: 'RSRG', maxVersion: 1, label: 'ring file' }

/** The contents of a ring file. */
export interface RingData {
  partPower: number
  replicaCount: number
  version: string
  devices: Device[]
  /** One table per replica, indexed by partition, holding device ids. */
  replicaTables: Uint32Array[]
}

interface RingHeader {
  partPower: number
  replicaCount: number
  idBytes: 2 | 4
  version: string
  devices: Device[]
}

export async function encodeRingFile (data: RingData): Promise<Buffer> {
  const maxId = data.devices.reduce((m, d) => Math.max(m, d.id), 0)
  const idBytes = maxId < 0xffff ? 2 : 4
  const header: RingHeader = {
    partPower: data.partPower,
    replicaCount: data.replicaCount,
    idBytes,
    version: data.version,
    devices: data.devices
  }
  const sections = data.replicaTables.map((table) => {
    const packed = idBytes === 2 ? Uint16Array.from(table) : table
    return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength)
  })
  return await encodeEnvelope(ringFileKind, { formatVersion: 1, header, sections })
}

export async function readRingFile (file: string): Promise<RingData> {
  let raw: Buffer
  try {
    raw = await readFile(file)
  } catch (err) {
    throw new RingFileError(`cannot read ring file ${file}: ${(err as Error).message}`)
  }
  return await decodeRingFile(file, raw)
}

export async function decodeRingFile (file: string, raw: Buffer): Promise<RingData> {
  const env = await decodeEnvelope(ringFileKind, file, raw)
  const header = checkHeader(file, env.header)
  const partCount = 2 ** header.partPower
  if (env.sections.length !== header.replicaCount) {
    throw new RingFileError(`${file}: ring file has ${env.sections.length} replica tables, header says ${header.replicaCount}`)
  }
  const known = new Uint8Array(header.devices.reduce((m, d) => Math.max(m, d.id + 1), 0))
  for (const d of header.devices) known[d.id] = 1
  const replicaTables = env.sections.map((bytes, replica) => {
    if (bytes.byteLength !== partCount * header.idBytes) {
      throw new RingFileError(`${file}: replica table ${replica} has ${bytes.byteLength} bytes, expected ${partCount * header.idBytes}`)
    }
    const table = header.idBytes === 2
      ? Uint32Array.from(new Uint16Array(bytes.buffer, bytes.byteOffset, partCount))
      : new Uint32Array(bytes.buffer, bytes.byteOffset, partCount)
    checkDeviceIds(file, replica, table, known)
    return table
  })
  return { partPower: header.partPower, replicaCount: header.replicaCount, version: header.version, devices: header.devices, replicaTables }
}

function checkHeader (file: string, value: unknown): RingHeader {
  const h = value as Partial<RingHeader> | null
  const ok = h !== null && typeof h === 'object' &&
    Number.isInteger(h.partPower) && (h.partPower as number) >= 1 && (h.partPower as number) <= 32 &&
    Number.isInteger(h.replicaCount) && (h.replicaCount as number) >= 1 &&
    (h.idBytes === 2 || h.idBytes === 4) && typeof h.version === 'string' && Array.isArray(h.devices)
  if (!ok) throw new RingFileError(`${file}: ring file header is corrupt`)
  return h as RingHeader
}

function checkDeviceIds (file: string, replica: number, table: Uint32Array, known: Uint8Array): void {
  for (let part = 0; part < table.length; part++) {
    const id = table[part]
    if (id >= known.length || known[id] === 0) {
      throw new RingFileError(`${file}: replica ${replica} of partition ${part} names unknown device ${id}`)
    }
  }
}
