/**
 * What the auditor and the expirer need from the object rows, which only objectd can read
 * (LevelDB is single-process):
 * - the rows of one suffix with their data file and ETag, so the auditor can check the bytes;
 * - quarantine: a corrupt object's data file is moved to `<device>/quarantined/objects/` and
 *   its row removed (the suffix hash moves with it), so the replicator sees this replica as
 *   missing the object and pushes a good copy back;
 * - the objects whose X-Delete-At has passed.
 */
import { mkdir, rename } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Device } from './device.js'
import { NotFound } from './errors.js'
import { entryPrefix, hashKey, objectRole, prefixRange, suffixOf } from './keys.js'
import { decodeMeta, effectiveTimestamp } from './object-record.js'
import type { ObjectRef } from './object-store.js'
import { applyHashDelta, entryDigest } from './partition-hashes.js'

export interface AuditEntry {
  hash: string
  name: string
  /** The data's timestamp (the PUT), which names the version to quarantine. */
  data_timestamp: string
  timestamp: string
  deleted: boolean
  etag: string
  size: number
  /** Data file relative to the device; absent for inline objects and tombstones. */
  file?: string
  delete_at?: string
}

export async function auditEntries (device: Device, policy: number, part: number, suffix: string): Promise<AuditEntry[]> {
  const prefix = entryPrefix(objectRole(policy), part, suffix)
  const out: AuditEntry[] = []
  for await (const [key, value] of device.db.iterator(prefixRange(prefix))) {
    const meta = decodeMeta(value)
    const entry: AuditEntry = {
      hash: key.slice(prefix.length), name: meta.name, data_timestamp: meta.ts, timestamp: effectiveTimestamp(meta),
      deleted: meta.deleted === true, etag: meta.etag, size: meta.size
    }
    if (meta.file !== undefined) entry.file = meta.file
    if (meta.headers['x-delete-at'] !== undefined) entry.delete_at = meta.headers['x-delete-at']
    out.push(entry)
  }
  return out
}

export interface ExpiringEntry { policy: number, part: number, name: string, delete_at: string, timestamp: string }

/**
 * Live objects of a device whose X-Delete-At is at or before `nowSeconds`, at most `limit`.
 * A scan of the object rows: an index would cost every write a second key, and the expirer
 * runs rarely enough that a sequential read of the rows is cheaper overall.
 */
export async function expiringEntries (device: Device, nowSeconds: number, limit: number): Promise<ExpiringEntry[]> {
  const out: ExpiringEntry[] = []
  // Object rows are the keys from 'o' up to (not including) 'p'.
  for await (const [key, value] of device.db.iterator({ gte: 'o', lt: 'p' })) {
    const meta = decodeMeta(value)
    const at = meta.headers['x-delete-at']
    if (meta.deleted === true || at === undefined || Number(at) > nowSeconds) continue
    const [role, part] = key.split('/')
    out.push({ policy: Number(role.slice(1)), part: parseInt(part, 16), name: meta.name, delete_at: at, timestamp: effectiveTimestamp(meta) })
    if (out.length >= limit) break
  }
  return out
}

/**
 * Moves the data file aside and removes the row, if the row still holds the version the
 * auditor checked (`dataTs`); a newer write since then is left alone.
 */
export async function quarantineObject (ref: ObjectRef, dataTs: string): Promise<void> {
  const role = objectRole(ref.policy)
  const hk = hashKey(role, ref.part, suffixOf(ref.nameHash))
  const removed = await ref.device.commit.run({
    reads: [ref.key, hk],
    apply: (view) => {
      const value = view.get(ref.key)
      if (value === undefined) return undefined
      const meta = decodeMeta(value)
      if (meta.ts !== dataTs || meta.deleted === true) return undefined
      view.del(ref.key)
      applyHashDelta(view, role, ref.part, suffixOf(ref.nameHash), entryDigest(ref.nameHash, effectiveTimestamp(meta), false))
      return meta
    }
  })
  if (removed === undefined) throw new NotFound(`no object at data timestamp ${dataTs} to quarantine`)
  if (removed.file !== undefined) await moveToQuarantine(ref.device.path, removed.file)
}

/** Moves a file of the device (path relative to the device) into its quarantine directory. */
export async function moveToQuarantine (devicePath: string, relPath: string): Promise<void> {
  const dir = join(devicePath, 'quarantined', 'objects')
  await mkdir(dir, { recursive: true })
  await rename(join(devicePath, relPath), join(dir, basename(relPath))).catch((err: NodeJS.ErrnoException) => {
    // The file may already be gone (the case that made the row useless): the row is what mattered.
    if (err.code !== 'ENOENT') throw err
  })
}
