/**
 * Replication endpoints: `/{device}/{partition}` (suffix hashes, one suffix's entries, dropping
 * a handoff partition), `/{device}?partitions` (the partitions this device holds for a role) and
 * `/{device}?digests` (each of those partitions' digest of its suffix hashes).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BadRequest, HttpError } from './errors.js'
import { isReplication, policyIndex, send, type RequestContext } from './http-util.js'
import { entryPrefix, hashPartPrefix, objectRole, partHex, prefixRange, type HashRole } from './keys.js'
import { decodeMeta, effectiveTimestamp } from './object-record.js'
import { listPartitions, readPartitionDigests, readPartitionHashes } from './partition-hashes.js'
import { decodeInfo } from './container-db.js'
import { decodeAccountInfo } from './account-db.js'
import { isDeleted } from './listing-meta.js'
import type { Device } from './device.js'
import type { Services } from './services.js'

function role (s: Services, ctx: RequestContext): HashRole {
  const r = ctx.query.get('role')
  if (r === 'object') return objectRole(policyIndex(ctx.req, s.policies))
  if (r === 'container') return 'c'
  if (r === 'account') return 'a'
  throw new BadRequest(`role must be object, container or account, got ${JSON.stringify(r)}`)
}

export interface SuffixEntry {
  hash: string
  name: string
  timestamp: string
  deleted: boolean
  /** Containers and accounts: the digest of the whole database, to find which ones differ. */
  digest?: string
}

async function suffixEntries (device: Device, r: HashRole, part: number, suffix: string): Promise<SuffixEntry[]> {
  const prefix = entryPrefix(r, part, suffix)
  const out: SuffixEntry[] = []
  for await (const [key, value] of device.db.iterator(prefixRange(prefix))) {
    const hash = key.slice(prefix.length)
    if (r === 'c') {
      const info = decodeInfo(value)
      if (info !== undefined) out.push({ hash, name: `${info.account}/${info.container}`, timestamp: info.changedTs, deleted: isDeleted(info), digest: info.digest })
    } else if (r === 'a') {
      const info = decodeAccountInfo(value)
      if (info !== undefined) out.push({ hash, name: info.account, timestamp: info.putTs > info.deleteTs ? info.putTs : info.deleteTs, deleted: isDeleted(info), digest: info.digest })
    } else {
      const meta = decodeMeta(value)
      out.push({ hash, name: meta.name, timestamp: effectiveTimestamp(meta), deleted: meta.deleted === true })
    }
  }
  return out
}

/** Drops every key of the partition for a role, and for objects their data files. */
async function dropPartition (device: Device, r: HashRole, part: number): Promise<void> {
  const prefixes = [entryPrefix(r, part), hashPartPrefix(r, part)]
  if (r === 'c') prefixes.push(`cr/${partHex(part)}/`)
  if (r === 'a') prefixes.push(`ar/${partHex(part)}/`)
  if (r.startsWith('o')) {
    for await (const value of device.db.values(prefixRange(entryPrefix(r, part)))) {
      const file = decodeMeta(value).file
      if (file !== undefined) await rm(join(device.path, file), { force: true })
    }
  }
  for (const prefix of prefixes) await device.db.clear(prefixRange(prefix))
}

export async function handleReplicate (s: Services, ctx: RequestContext): Promise<void> {
  const device = await s.devices.get(ctx.path.device)
  const r = role(s, ctx)
  const part = ctx.path.partition
  if (part === undefined) {
    if (ctx.method === 'GET' && ctx.query.has('digests')) {
      return send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(await readPartitionDigests(device.db, r)))
    }
    if (ctx.method !== 'GET' || !ctx.query.has('partitions')) throw new HttpError(405, 'only GET ?partitions or ?digests on a device')
    return send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(await listPartitions(device.db, r)))
  }
  if (ctx.method === 'DELETE') {
    if (!isReplication(ctx.req)) throw new BadRequest('dropping a partition needs X-Backend-Replication: true')
    await dropPartition(device, r, part)
    return send(ctx.res, 204, {})
  }
  if (ctx.method !== 'GET') throw new HttpError(405, `method ${ctx.method} not allowed on a partition`)
  const suffix = ctx.query.get('suffix')
  if (suffix !== null) {
    if (!/^[0-9a-f]{3}$/.test(suffix)) throw new BadRequest(`invalid suffix: ${suffix}`)
    return send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(await suffixEntries(device, r, part, suffix)))
  }
  if (!ctx.query.has('hashes')) throw new BadRequest('expected ?hashes or ?suffix=')
  send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(await readPartitionHashes(device.db, r, part)))
}
