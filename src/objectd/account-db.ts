/**
 * Account databases: one info row per account (timestamps, metadata, stats) and one row per
 * container, reported by container servers.
 *
 * A container row carries its put and delete timestamps (each merges as the max) and its stats
 * with the timestamp of the newest change the container had seen when it reported (`timestamp`);
 * stats from the newer report win. So reports merge in any order, and the account's stats
 * (containers, objects, bytes of live containers) move by the difference in the same transaction.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { hashPathHex, type HashSecrets } from '../common/hash.js'
import type { Device } from './device.js'
import { BadRequest, NotFound } from './errors.js'
import type { TxnView } from './group-commit.js'
import { accountInfoKey, accountRowPrefix, hashKey, suffixOf } from './keys.js'
import { infoReads, isDeleted, mergeMeta, NO_TIMESTAMP, putInfo, type TimedMeta } from './listing-meta.js'
import { applyHashDelta, entryDigest, xorInto } from './partition-hashes.js'

export interface AccountInfo {
  v: 1
  account: string
  created: string
  putTs: string
  deleteTs: string
  meta: TimedMeta
  containerCount: number
  objectCount: number
  bytesUsed: number
  /** Hex XOR of the info digest and every row digest. */
  digest: string
}

/** A container row as container servers send it (PATCH). */
export interface ContainerRow {
  name: string
  put_timestamp: string
  delete_timestamp: string
  object_count: number
  bytes_used: number
  storage_policy_index: number
  /** Newest change the container had seen: orders the stats of two reports. */
  timestamp: string
}

type StoredRow = Omit<ContainerRow, 'name'>

export interface AccountRef {
  device: Device
  part: number
  account: string
  nameHash: string
  infoKey: string
  rowPrefix: string
}

const META_PREFIXES = ['x-account-meta-', 'x-account-sysmeta-']
const META_NAMES = new Set(['x-account-access-control'])

function isAccountMetaHeader (name: string): boolean {
  return META_NAMES.has(name) || META_PREFIXES.some((p) => name.startsWith(p))
}

export function decodeAccountInfo (value: Buffer | undefined): AccountInfo | undefined {
  return value === undefined ? undefined : JSON.parse(value.toString('utf8')) as AccountInfo
}

function isLive (row: StoredRow): boolean {
  return row.put_timestamp > row.delete_timestamp
}

const TS_RE = /^\d{10}\.\d{5}$/

export function validateContainerRow (raw: unknown): ContainerRow {
  const r = raw as Partial<ContainerRow> | null
  const ts = (v: unknown): v is string => typeof v === 'string' && TS_RE.test(v)
  if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name === '' || r.name.includes('\0') ||
      !ts(r.put_timestamp) || !(r.delete_timestamp === undefined || ts(r.delete_timestamp))) {
    throw new BadRequest(`invalid container row: ${JSON.stringify(raw)?.slice(0, 200)}`)
  }
  const deleteTs = r.delete_timestamp ?? NO_TIMESTAMP
  return {
    name: r.name,
    put_timestamp: r.put_timestamp,
    delete_timestamp: deleteTs,
    object_count: typeof r.object_count === 'number' ? r.object_count : 0,
    bytes_used: typeof r.bytes_used === 'number' ? r.bytes_used : 0,
    storage_policy_index: typeof r.storage_policy_index === 'number' ? r.storage_policy_index : 0,
    timestamp: ts(r.timestamp) ? r.timestamp : (r.put_timestamp > deleteTs ? r.put_timestamp : deleteTs)
  }
}

export class AccountDb {
  constructor (private readonly secrets: HashSecrets) {}

  ref (device: Device, part: number, account: string): AccountRef {
    const nameHash = hashPathHex(this.secrets, account)
    return { device, part, account, nameHash, infoKey: accountInfoKey(part, nameHash), rowPrefix: accountRowPrefix(part, nameHash) }
  }

  async info (ref: AccountRef): Promise<AccountInfo | undefined> {
    return decodeAccountInfo(await ref.device.reads.get(ref.infoKey))
  }

  /** Creates the account (or revives a deleted one at a newer timestamp); true when created. */
  async put (ref: AccountRef, ts: string, headers: IncomingHttpHeaders): Promise<boolean> {
    const { before } = await this.changeInfo(ref, (info) => {
      if (info === undefined || (isDeleted(info) && ts > info.deleteTs)) {
        return {
          v: 1, account: ref.account, created: ts, putTs: ts, deleteTs: info?.deleteTs ?? NO_TIMESTAMP,
          meta: mergeMeta(info?.meta ?? {}, headers, ts, isAccountMetaHeader),
          containerCount: info?.containerCount ?? 0, objectCount: info?.objectCount ?? 0, bytesUsed: info?.bytesUsed ?? 0,
          digest: info?.digest ?? ''
        }
      }
      return { ...info, putTs: ts > info.putTs ? ts : info.putTs, meta: mergeMeta(info.meta, headers, ts, isAccountMetaHeader) }
    })
    return before === undefined || isDeleted(before)
  }

  async post (ref: AccountRef, ts: string, headers: IncomingHttpHeaders): Promise<void> {
    await this.changeInfo(ref, (info) => {
      if (info === undefined || isDeleted(info)) throw new NotFound()
      return { ...info, meta: mergeMeta(info.meta, headers, ts, isAccountMetaHeader) }
    })
  }

  async delete (ref: AccountRef, ts: string): Promise<void> {
    await this.changeInfo(ref, (info) => {
      if (info === undefined || isDeleted(info)) throw new NotFound()
      return { ...info, deleteTs: ts > info.deleteTs ? ts : info.deleteTs }
    })
  }

  /** Merges container rows (PATCH); 404 when the account is not on this device. */
  async mergeRows (ref: AccountRef, rows: ContainerRow[]): Promise<void> {
    const rowKeys = rows.map((r) => ref.rowPrefix + r.name)
    await ref.device.commit.run({
      reads: [ref.infoKey, hashKey('a', ref.part, suffixOf(ref.nameHash)), ...rowKeys],
      apply: (view) => {
        const info = decodeAccountInfo(view.get(ref.infoKey))
        if (info === undefined) throw new NotFound(`account ${ref.account} is not here`)
        const next: AccountInfo = { ...info }
        const delta = Buffer.alloc(16)
        rows.forEach((row, i) => { this.mergeRow(view, ref, rowKeys[i], row, next, delta) })
        const digest = next.digest === '' ? Buffer.alloc(16) : Buffer.from(next.digest, 'hex')
        xorInto(digest, delta)
        next.digest = digest.toString('hex')
        view.put(ref.infoKey, Buffer.from(JSON.stringify(next)))
        applyHashDelta(view, 'a', ref.part, suffixOf(ref.nameHash), delta)
      }
    })
  }

  private mergeRow (view: TxnView, ref: AccountRef, key: string, row: ContainerRow, info: AccountInfo, delta: Buffer): void {
    const oldValue = view.get(key)
    const old = oldValue === undefined ? undefined : JSON.parse(oldValue.toString('utf8')) as StoredRow
    const stats: StoredRow = old === undefined || row.timestamp > old.timestamp ? row : old
    const merged: StoredRow = {
      put_timestamp: old !== undefined && old.put_timestamp > row.put_timestamp ? old.put_timestamp : row.put_timestamp,
      delete_timestamp: old !== undefined && old.delete_timestamp > row.delete_timestamp ? old.delete_timestamp : row.delete_timestamp,
      object_count: stats.object_count,
      bytes_used: stats.bytes_used,
      storage_policy_index: stats.storage_policy_index,
      timestamp: stats.timestamp
    }
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(merged)) return
    view.put(key, Buffer.from(JSON.stringify(merged)))
    if (old !== undefined && isLive(old)) {
      info.containerCount--
      info.objectCount -= old.object_count
      info.bytesUsed -= old.bytes_used
    }
    if (isLive(merged)) {
      info.containerCount++
      info.objectCount += merged.object_count
      info.bytesUsed += merged.bytes_used
    }
    xorInto(delta, rowDigest(ref, row.name, merged))
    if (old !== undefined) xorInto(delta, rowDigest(ref, row.name, old))
  }

  private async changeInfo (ref: AccountRef, change: (info: AccountInfo | undefined) => AccountInfo): Promise<{ before?: AccountInfo }> {
    return await ref.device.commit.run({
      reads: infoReads('a', ref),
      apply: (view) => {
        const before = decodeAccountInfo(view.get(ref.infoKey))
        putInfo(view, 'a', ref, before, change(before))
        return { before }
      }
    })
  }
}

function rowDigest (ref: AccountRef, name: string, row: StoredRow): Buffer {
  return entryDigest(`${ref.nameHash}/${name}`, `${row.put_timestamp}|${row.delete_timestamp}|${row.timestamp}`, !isLive(row))
}

/** Decodes a stored row for listings; deleted containers are skipped. */
export function listedContainer (value: Buffer): StoredRow | undefined {
  const row = JSON.parse(value.toString('utf8')) as StoredRow
  return isLive(row) ? row : undefined
}
