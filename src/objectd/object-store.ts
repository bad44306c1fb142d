/**
 * Object rows: the timestamp rule and the suffix hashes, as group-commit transactions.
 *
 * Every write compares its timestamp with the stored row (data, tombstone or metadata, whichever
 * is newest) inside its transaction, so the newest timestamp wins whatever the arrival order,
 * even for concurrent writes to one name. Old data files are removed only after the batch that
 * stopped naming them is synced.
 */
import type { HashSecrets } from '../common/hash.js'
import { hashPathHex } from '../common/hash.js'
import type { Device } from './device.js'
import { Conflict, NotFound } from './errors.js'
import type { TxnView } from './group-commit.js'
import { hashKey, objectKey, objectRole, suffixOf } from './keys.js'
import { decodeMeta, decodeRecord, effectiveTimestamp, encodeRecord, isExpired, type ObjectMeta, type ObjectRecord } from './object-record.js'
import { applyHashDelta, entryDigest, xorInto } from './partition-hashes.js'
import { dataFileName, placeDataFile, removeDataFile, type DataFileHooks, type ReceivedBody } from './data-files.js'

export interface ObjectRef {
  device: Device
  policy: number
  part: number
  account: string
  container: string
  object: string
  nameHash: string
  key: string
}

export interface PutSpec {
  ts: string
  headers: Record<string, string>
  body: ReceivedBody
  /** Replication only: the POST timestamp that came with the object's metadata. */
  metaTs?: string
}

/** What a write replaced: the previous row's metadata, if any. */
export interface WriteResult { previous?: ObjectMeta }

function conflict (stored: ObjectMeta): Conflict {
  const ts = effectiveTimestamp(stored)
  return new Conflict(`stored timestamp ${ts} is as new or newer`, { 'X-Backend-Timestamp': ts })
}

export class ObjectStore {
  constructor (private readonly secrets: HashSecrets, private readonly dataHooks: DataFileHooks) {}

  ref (device: Device, policy: number, part: number, account: string, container: string, object: string): ObjectRef {
    const nameHash = hashPathHex(this.secrets, account, container, object)
    return { device, policy, part, account, container, object, nameHash, key: objectKey(policy, part, nameHash) }
  }

  /** The stored row for this exact name (a hash collision with another name reads as absent). */
  async read (ref: ObjectRef): Promise<ObjectRecord | undefined> {
    const value = await ref.device.reads.get(ref.key)
    if (value === undefined) return undefined
    const record = decodeRecord(value)
    return record.meta.name === fullName(ref) ? record : undefined
  }

  /** Cheap early check before a body is read: 409 now rather than after streaming gigabytes. */
  async checkNewer (ref: ObjectRef, ts: string): Promise<void> {
    const value = await ref.device.reads.get(ref.key)
    if (value === undefined) return
    const stored = decodeMeta(value)
    if (effectiveTimestamp(stored) >= ts) throw conflict(stored)
  }

  async put (ref: ObjectRef, spec: PutSpec): Promise<WriteResult> {
    const { body } = spec
    const file = body.tmpPath === undefined ? undefined : dataFileName(ref.device, ref.policy, ref.part, ref.nameHash, spec.ts)
    if (file !== undefined && body.tmpPath !== undefined) await placeDataFile(ref.device, body.tmpPath, file, body.size, this.dataHooks)
    const meta: ObjectMeta = {
      v: 1, name: fullName(ref), ts: spec.ts, size: body.size, etag: body.etag, headers: spec.headers
    }
    if (spec.metaTs !== undefined && spec.metaTs > spec.ts) meta.metaTs = spec.metaTs
    if (file !== undefined) meta.file = file
    try {
      const result = await this.write(ref, meta, () => encodeRecord(meta, body.inline))
      if (result.previous?.file !== undefined) await removeDataFile(ref.device, result.previous.file)
      return result
    } catch (err) {
      if (file !== undefined) await removeDataFile(ref.device, file)
      throw err
    }
  }

  /**
   * Writes a tombstone; `previous` tells whether there was something to delete. `veto` sees the
   * stored row inside the transaction and may throw to keep it.
   */
  async delete (ref: ObjectRef, ts: string, veto?: (stored: ObjectMeta) => void): Promise<WriteResult> {
    const meta: ObjectMeta = { v: 1, name: fullName(ref), ts, deleted: true, size: 0, etag: '', headers: {} }
    const result = await this.write(ref, meta, () => encodeRecord(meta), veto)
    if (result.previous?.file !== undefined) await removeDataFile(ref.device, result.previous.file)
    return result
  }

  /** Replaces the metadata of a live object at a newer timestamp. */
  async post (ref: ObjectRef, ts: string, update: (stored: Record<string, string>) => Record<string, string>,
    nowSeconds: number): Promise<void> {
    const hk = hashKey(objectRole(ref.policy), ref.part, suffixOf(ref.nameHash))
    await ref.device.commit.run({
      reads: [ref.key, hk],
      apply: (view) => {
        const value = view.get(ref.key)
        const record = value === undefined ? undefined : decodeRecord(value)
        if (record === undefined || record.meta.deleted === true || isExpired(record.meta, nowSeconds)) throw new NotFound()
        if (effectiveTimestamp(record.meta) >= ts) throw conflict(record.meta)
        const meta: ObjectMeta = { ...record.meta, metaTs: ts, headers: update(record.meta.headers) }
        view.put(ref.key, encodeRecord(meta, record.inline))
        this.updateHash(view, ref, record.meta, meta)
      }
    })
  }

  /** Removes a tombstone older than the reclaim age, if it is still the row's state. */
  async reclaim (device: Device, key: string, policy: number, part: number, nameHash: string, ts: string): Promise<void> {
    const hk = hashKey(objectRole(policy), part, suffixOf(nameHash))
    await device.commit.run({
      reads: [key, hk],
      apply: (view) => {
        const value = view.get(key)
        if (value === undefined) return
        const stored = decodeMeta(value)
        if (stored.deleted !== true || stored.ts !== ts) return
        view.del(key)
        applyHashDelta(view, objectRole(policy), part, suffixOf(nameHash), entryDigest(nameHash, ts, true))
      }
    })
  }

  private async write (ref: ObjectRef, meta: ObjectMeta, encode: () => Buffer,
    veto?: (stored: ObjectMeta) => void): Promise<WriteResult> {
    const hk = hashKey(objectRole(ref.policy), ref.part, suffixOf(ref.nameHash))
    return await ref.device.commit.run({
      reads: [ref.key, hk],
      apply: (view) => {
        const value = view.get(ref.key)
        const previous = value === undefined ? undefined : decodeMeta(value)
        if (previous !== undefined && effectiveTimestamp(previous) >= effectiveTimestamp(meta)) throw conflict(previous)
        if (previous !== undefined && veto !== undefined) veto(previous)
        view.put(ref.key, encode())
        this.updateHash(view, ref, previous, meta)
        return { previous }
      }
    })
  }

  private updateHash (view: TxnView, ref: ObjectRef, before: ObjectMeta | undefined, after: ObjectMeta): void {
    const delta = entryDigest(ref.nameHash, effectiveTimestamp(after), after.deleted === true)
    if (before !== undefined) xorInto(delta, entryDigest(ref.nameHash, effectiveTimestamp(before), before.deleted === true))
    applyHashDelta(view, objectRole(ref.policy), ref.part, suffixOf(ref.nameHash), delta)
  }
}

export function fullName (ref: { account: string, container: string, object: string }): string {
  return `${ref.account}/${ref.container}/${ref.object}`
}
