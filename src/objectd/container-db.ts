/**
 * Container databases: one info row per container (timestamps, policy, metadata, stats, the
 * account replicas to report to) and one row per object, all in the device's LevelDB.
 *
 * Object rows merge by timestamp (the newest row for a name wins; a deleted row is a tombstone
 * kept until the reclaim age), and stats move by the difference between the old and new row in
 * the same transaction, so they never need a recount. Each change also moves the container's
 * digest, and with it the suffix hash, by exactly the digests that changed.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { hashPathHex, type HashSecrets } from '../common/hash.js'
import type { Device } from './device.js'
import { BadRequest, Conflict, NotFound } from './errors.js'
import type { TxnView } from './group-commit.js'
import { containerInfoKey, containerRowPrefix, hashKey, suffixOf } from './keys.js'
import { infoReads, isDeleted, mergeMeta, NO_TIMESTAMP, putInfo, type TimedMeta } from './listing-meta.js'
import { applyHashDelta, entryDigest, xorInto } from './partition-hashes.js'

export interface UpdateTarget { host: string, device: string, partition: number }

export interface ContainerInfo {
  v: 1
  account: string
  container: string
  /** Timestamp of the creation of the current incarnation (X-Timestamp). */
  created: string
  putTs: string
  deleteTs: string
  policy: number
  meta: TimedMeta
  objectCount: number
  bytesUsed: number
  /** Newest timestamp of anything in this container: orders its reports to the account. */
  changedTs: string
  /** Hex XOR of the info digest and every row digest. */
  digest: string
  accountTargets: UpdateTarget[]
}

/** A row as object servers send it (PATCH) and listings read it. */
export interface ObjectRow {
  name: string
  timestamp: string
  size: number
  content_type: string
  etag: string
  deleted: boolean
  storage_policy_index?: number
}

/** Stored row value: the ObjectRow minus its name (the name is in the key). */
type StoredRow = Omit<ObjectRow, 'name'>

export interface ContainerRef {
  device: Device
  part: number
  account: string
  container: string
  nameHash: string
  infoKey: string
  rowPrefix: string
}

const META_PREFIXES = ['x-container-meta-', 'x-container-sysmeta-']
const META_NAMES = new Set(['x-container-read', 'x-container-write', 'x-versions-location', 'x-history-location',
  'x-container-sync-to', 'x-container-sync-key'])

export function isContainerMetaHeader (name: string): boolean {
  return META_NAMES.has(name) || META_PREFIXES.some((p) => name.startsWith(p))
}

export function decodeInfo (value: Buffer | undefined): ContainerInfo | undefined {
  return value === undefined ? undefined : JSON.parse(value.toString('utf8')) as ContainerInfo
}

function rowDigest (ref: ContainerRef, name: string, row: StoredRow): Buffer {
  return entryDigest(`${ref.nameHash}/${name}`, row.timestamp, row.deleted)
}

export function validateRow (raw: unknown): ObjectRow {
  const r = raw as Partial<ObjectRow> | null
  if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name === '' || r.name.includes('\0') ||
      typeof r.timestamp !== 'string' || !/^\d{10}\.\d{5}$/.test(r.timestamp)) {
    throw new BadRequest(`invalid listing row: ${JSON.stringify(raw)?.slice(0, 200)}`)
  }
  return {
    name: r.name,
    timestamp: r.timestamp,
    size: typeof r.size === 'number' ? r.size : 0,
    content_type: typeof r.content_type === 'string' ? r.content_type : 'application/octet-stream',
    etag: typeof r.etag === 'string' ? r.etag : '',
    deleted: r.deleted === true,
    storage_policy_index: typeof r.storage_policy_index === 'number' ? r.storage_policy_index : undefined
  }
}

export interface PutResult { created: boolean }

export class ContainerDb {
  constructor (private readonly secrets: HashSecrets, private readonly onChange: (ref: ContainerRef) => void) {}

  ref (device: Device, part: number, account: string, container: string): ContainerRef {
    const nameHash = hashPathHex(this.secrets, account, container)
    return {
      device, part, account, container, nameHash,
      infoKey: containerInfoKey(part, nameHash),
      rowPrefix: containerRowPrefix(part, nameHash)
    }
  }

  /** A reference from the key's partition and hash alone (background passes have no names). */
  refFromHash (device: Device, part: number, nameHash: string): ContainerRef {
    return {
      device, part, account: '', container: '', nameHash,
      infoKey: containerInfoKey(part, nameHash),
      rowPrefix: containerRowPrefix(part, nameHash)
    }
  }

  async info (ref: ContainerRef): Promise<ContainerInfo | undefined> {
    return decodeInfo(await ref.device.reads.get(ref.infoKey))
  }

  /** Creates the container, or updates a live one's timestamp and metadata. */
  async put (ref: ContainerRef, ts: string, policy: number, headers: IncomingHttpHeaders,
    accountTargets: UpdateTarget[]): Promise<PutResult> {
    const result = await this.changeInfo(ref, (info) => {
      if (info === undefined || (isDeleted(info) && ts > info.deleteTs)) {
        return {
          v: 1, account: ref.account, container: ref.container, created: ts, putTs: ts,
          deleteTs: info?.deleteTs ?? NO_TIMESTAMP, policy, meta: mergeMeta(info?.meta ?? {}, headers, ts, isContainerMetaHeader),
          objectCount: info?.objectCount ?? 0, bytesUsed: info?.bytesUsed ?? 0,
          changedTs: ts, digest: info?.digest ?? '', accountTargets
        }
      }
      if (isDeleted(info)) throw new Conflict(`container was deleted at ${info.deleteTs}`, { 'X-Backend-Timestamp': info.deleteTs })
      if (info.policy !== policy) {
        throw new Conflict(`container exists with storage policy ${info.policy}`, { 'X-Backend-Storage-Policy-Index': String(info.policy) })
      }
      return {
        ...info,
        putTs: ts > info.putTs ? ts : info.putTs,
        changedTs: ts > info.changedTs ? ts : info.changedTs,
        meta: mergeMeta(info.meta, headers, ts, isContainerMetaHeader),
        accountTargets: accountTargets.length > 0 ? accountTargets : info.accountTargets
      }
    })
    return { created: result.before === undefined || isDeleted(result.before) }
  }

  async post (ref: ContainerRef, ts: string, headers: IncomingHttpHeaders): Promise<void> {
    await this.changeInfo(ref, (info) => {
      if (info === undefined || isDeleted(info)) throw new NotFound()
      return { ...info, meta: mergeMeta(info.meta, headers, ts, isContainerMetaHeader), changedTs: ts > info.changedTs ? ts : info.changedTs }
    })
  }

  /** Marks the container deleted; only an empty container can be deleted. */
  async delete (ref: ContainerRef, ts: string): Promise<void> {
    await this.changeInfo(ref, (info) => {
      if (info === undefined || isDeleted(info)) throw new NotFound()
      if (info.objectCount > 0) throw new Conflict(`container holds ${info.objectCount} objects`)
      if (ts <= info.putTs) throw new Conflict(`container was put at ${info.putTs}`, { 'X-Backend-Timestamp': info.putTs })
      return { ...info, deleteTs: ts, changedTs: ts > info.changedTs ? ts : info.changedTs }
    })
  }

  /** Merges listing rows (PATCH); 404 when the container is not on this device. */
  async mergeRows (ref: ContainerRef, rows: ObjectRow[]): Promise<void> {
    const rowKeys = rows.map((r) => ref.rowPrefix + r.name)
    const hk = hashKey('c', ref.part, suffixOf(ref.nameHash))
    await ref.device.commit.run({
      reads: [ref.infoKey, hk, ...rowKeys],
      apply: (view) => {
        const info = decodeInfo(view.get(ref.infoKey))
        if (info === undefined) throw new NotFound(`container ${ref.account}/${ref.container} is not here`)
        const next: ContainerInfo = { ...info }
        const delta = Buffer.alloc(16)
        rows.forEach((row, i) => { this.mergeRow(view, ref, rowKeys[i], row, next, delta) })
        if (delta.equals(Buffer.alloc(16))) return
        const digest = Buffer.from(next.digest === '' ? Buffer.alloc(16) : Buffer.from(next.digest, 'hex'))
        xorInto(digest, delta)
        next.digest = digest.toString('hex')
        view.put(ref.infoKey, Buffer.from(JSON.stringify(next)))
        applyHashDelta(view, 'c', ref.part, suffixOf(ref.nameHash), delta)
      }
    })
    this.onChange(ref)
  }

  private mergeRow (view: TxnView, ref: ContainerRef, key: string, row: ObjectRow, info: ContainerInfo, delta: Buffer): void {
    const oldValue = view.get(key)
    const old = oldValue === undefined ? undefined : JSON.parse(oldValue.toString('utf8')) as StoredRow
    if (old !== undefined && old.timestamp >= row.timestamp) return
    const stored: StoredRow = {
      timestamp: row.timestamp, size: row.deleted ? 0 : row.size, content_type: row.content_type,
      etag: row.etag, deleted: row.deleted, storage_policy_index: row.storage_policy_index
    }
    view.put(key, Buffer.from(JSON.stringify(stored)))
    if (old !== undefined && !old.deleted) {
      info.objectCount--
      info.bytesUsed -= old.size
    }
    if (!stored.deleted) {
      info.objectCount++
      info.bytesUsed += stored.size
    }
    if (row.timestamp > info.changedTs) info.changedTs = row.timestamp
    xorInto(delta, rowDigest(ref, row.name, stored))
    if (old !== undefined) xorInto(delta, rowDigest(ref, row.name, old))
  }

  /** Removes a deleted row older than the reclaim age, if it is still the row's state. */
  async reclaimRow (ref: ContainerRef, name: string, ts: string): Promise<void> {
    const key = ref.rowPrefix + name
    await ref.device.commit.run({
      reads: [ref.infoKey, key, hashKey('c', ref.part, suffixOf(ref.nameHash))],
      apply: (view) => {
        const value = view.get(key)
        const info = decodeInfo(view.get(ref.infoKey))
        if (value === undefined || info === undefined) return
        const row = JSON.parse(value.toString('utf8')) as StoredRow
        if (!row.deleted || row.timestamp !== ts) return
        view.del(key)
        const delta = rowDigest(ref, name, row)
        const digest = Buffer.from(info.digest, 'hex')
        xorInto(digest, delta)
        view.put(ref.infoKey, Buffer.from(JSON.stringify({ ...info, digest: digest.toString('hex') })))
        applyHashDelta(view, 'c', ref.part, suffixOf(ref.nameHash), delta)
      }
    })
  }

  /** Applies a change to the info row, keeping its digest and the suffix hash in step. */
  private async changeInfo (ref: ContainerRef, change: (info: ContainerInfo | undefined) => ContainerInfo): Promise<{ before?: ContainerInfo }> {
    const result = await ref.device.commit.run({
      reads: infoReads('c', ref),
      apply: (view) => {
        const before = decodeInfo(view.get(ref.infoKey))
        putInfo(view, 'c', ref, before, change(before))
        return { before }
      }
    })
    this.onChange(ref)
    return result
  }
}

/** Decodes a stored row for listings; deleted rows are skipped. */
export function listedRow (value: Buffer): StoredRow | undefined {
  const row = JSON.parse(value.toString('utf8')) as StoredRow
  return row.deleted ? undefined : row
}

