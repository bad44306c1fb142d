/**
 * swift-ring-builder's device syntax, so operators can reuse their habits and scripts.
 *
 * A device spec names a new device:  `[r<region>]z<zone>-<ip>:<port>[R<ip>:<port>]/<device>[_<meta>]`,
 * e.g. `r1z1-10.0.0.1:6200/sdb1` or `r1z1-10.0.0.1:6200R10.0.1.1:6300/sdb1_ssd`; the region
 * defaults to 1, the replication address to the main one; IPv6 addresses go in brackets.
 *
 * A search picks existing devices with any subset of the same parts, plus `d<id>`:
 * `d3`, `r1z1`, `z2-10.0.0.1`, `10.0.0.1`, `10.0.0.1:6200/sdb1`, `r1z1-127.0.0.1:6200/d1`.
 */
import { RingBuilderError } from '../errors.js'
import type { Device } from '../types.js'

/** A device as an operator describes it; the builder gives it an id. */
export interface DeviceSpec {
  region: number
  zone: number
  ip: string
  port: number
  replicationIp: string
  replicationPort: number
  device: string
  meta: string
}

type Fields = Partial<DeviceSpec> & { id?: number }

const addressPattern = /^(\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z][A-Za-z0-9.-]*)/

/** Parses the parts present in `text`, in the fixed order of the syntax. */
function parseFields (text: string, what: string): Fields {
  const fields: Fields = {}
  let rest = text
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const m = pattern.exec(rest)
    if (m !== null) rest = rest.slice(m[0].length)
    return m
  }
  const id = take(/^d(\d+)/)
  if (id !== null) fields.id = Number(id[1])
  const region = take(/^r(\d+)/)
  if (region !== null) fields.region = Number(region[1])
  const zone = take(/^z(\d+)/)
  if (zone !== null) fields.zone = Number(zone[1])
  const bare = rest !== '' && rest === text && /^[\d[]/.test(rest)
  if (take(/^-/) !== null || bare) {
    const ip = take(addressPattern)
    if (ip === null) throw new RingBuilderError(`${what} ${JSON.stringify(text)}: expected an ip address at ${JSON.stringify(rest)}`)
    fields.ip = unbracket(ip[1])
  }
  const port = take(/^:(\d+)/)
  if (port !== null) fields.port = Number(port[1])
  const replication = take(/^R(\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z][A-Za-z0-9.-]*)(?::(\d+))?/)
  if (replication !== null) {
    fields.replicationIp = unbracket(replication[1])
    if (replication[2] !== undefined) fields.replicationPort = Number(replication[2])
  }
  const device = take(/^\/([^_/\s]+)/)
  if (device !== null) fields.device = device[1]
  const meta = take(/^_(.*)$/)
  if (meta !== null) fields.meta = meta[1]
  if (rest !== '') throw new RingBuilderError(`${what} ${JSON.stringify(text)}: cannot parse ${JSON.stringify(rest)}`)
  return fields
}

function unbracket (ip: string): string {
  return ip.startsWith('[') ? ip.slice(1, -1) : ip
}

/** Parses a new device's spec, e.g. `r1z1-127.0.0.1:6200/d1`; throws naming the missing or bad part. */
export function parseDeviceSpec (text: string): DeviceSpec {
  const f = parseFields(text, 'device spec')
  if (f.id !== undefined) throw new RingBuilderError(`device spec ${JSON.stringify(text)}: a new device cannot name its id`)
  const missing = (['zone', 'ip', 'port', 'device'] as const).filter((k) => f[k] === undefined)
  if (missing.length > 0) {
    throw new RingBuilderError(`device spec ${JSON.stringify(text)}: missing ${missing.join(', ')} (expected r<region>z<zone>-<ip>:<port>/<device>)`)
  }
  return {
    region: f.region ?? 1,
    zone: f.zone as number,
    ip: f.ip as string,
    port: f.port as number,
    replicationIp: f.replicationIp ?? (f.ip as string),
    replicationPort: f.replicationPort ?? (f.port as number),
    device: f.device as string,
    meta: f.meta ?? ''
  }
}

/** The devices a search value picks out (see the module comment); throws on a search it cannot parse. */
export function searchDevices (devices: readonly Device[], search: string): Device[] {
  if (search === '') throw new RingBuilderError('empty device search')
  const f = parseFields(search, 'device search')
  return devices.filter((d) => (Object.keys(f) as Array<keyof Fields>).every((k) => d[k] === f[k]))
}

/** The spec an operator would type for an existing device. */
export function formatDevice (d: Device): string {
  const addr = (ip: string): string => ip.includes(':') ? `[${ip}]` : ip
  const replication = d.replicationIp !== d.ip || d.replicationPort !== d.port ? `R${addr(d.replicationIp)}:${d.replicationPort}` : ''
  return `d${d.id}r${d.region}z${d.zone}-${addr(d.ip)}:${d.port}${replication}/${d.device}${d.meta !== '' ? `_${d.meta}` : ''}`
}
