/**
 * S3 bucket versioning, kept in the core so that both APIs write a versioned bucket alike: the
 * S3 API (s3/objects.ts, s3/list-versions.ts) and, for a bucket whose versioning was set
 * through S3, the Swift API's writes (swift/middleware/versioned-writes.ts). It builds on the
 * archive steps of core/versioning.ts.
 *
 * State: `PutBucketVersioning` keeps Enabled or Suspended in the bucket container's sysmeta
 * (VERSIONING_SYSMETA), which the Swift API neither shows nor lets a client set; a bucket whose
 * state was never set is unversioned and works as before.
 *
 * Where versions live: the current version is the object in the bucket; older versions and
 * delete markers are in the hidden container `<bucket>+versions` of the same account (like the
 * `+segments` of multipart uploads: `+` is not allowed in S3 bucket names, so no bucket can be
 * named so, and ListBuckets leaves such containers out; the Swift API shows them). Archive names
 * are `<key>\u0001<inverted timestamp><v|n>`: a forward listing gives keys in order and each
 * key's versions newest first, which ListObjectVersions walks alongside the bucket's listing;
 * `n` marks the one "null" version a key may have.
 *
 * Version ids: a version written while Enabled has its X-Timestamp as id (as Swift's s3api);
 * one written before versioning or while Suspended has the id "null". The object keeps its id
 * in VERSION_ID_SYSMETA (`own` for "my own data timestamp"), and so does every archived copy,
 * with the id spelled out, so an id survives archiving and being made current again.
 *
 * Limits: concurrent writers to one key may archive one version twice; ListObjectVersions reads
 * each current object's headers (its id is not in the listing), a HEAD per key of the page.
 */
import { isTimestamp, nowTimestamp } from '../../common/timestamp.js'
import { CoreError } from './errors.js'
import type { ContainerInfo } from './info.js'
import { segmentsContainer } from './large-objects.js'
import type { ObjectRef, Precondition } from './objects.js'
import type { ObjectStore } from './store.js'
import { Versioning, dataTimestamp, isDeleteMarker, type Archive, type VersionNaming } from './versioning.js'

export const VERSIONING_SYSMETA = 'x-container-sysmeta-s3-versioning'
export const VERSION_ID_SYSMETA = 'x-object-sysmeta-s3-version-id'
export const NULL_VERSION = 'null'
/** The id of a version written while Enabled: its own data timestamp, unknown before the write. */
const OWN = 'own'
const SEP = '\u0001'
const MAX_UNITS = 999999999999999

export type VersioningStatus = 'Enabled' | 'Suspended'

export function versioningOf (info: ContainerInfo): VersioningStatus | undefined {
  const v = info.meta[VERSIONING_SYSMETA]
  return v === 'Enabled' || v === 'Suspended' ? v : undefined
}

export function versionsContainer (bucket: string): string {
  return `${bucket}+versions`
}

/** Newest first in name order: 9999999999.99999 - stamp, in the same fixed form (its own inverse). */
function invert (stamp: string): string {
  const digits = String(MAX_UNITS - Number(stamp.replace('.', ''))).padStart(15, '0')
  return `${digits.slice(0, 10)}.${digits.slice(10)}`
}

export interface ArchivedName { key: string, stamp: string, isNull: boolean }

export function archiveName (key: string, stamp: string, isNull: boolean): string {
  return `${key}${SEP}${invert(stamp)}${isNull ? 'n' : 'v'}`
}

export function parseArchiveName (name: string): ArchivedName | undefined {
  if (name.length < 18 || name[name.length - 18] !== SEP) return undefined
  const inverted = name.slice(-17, -1)
  const tag = name.slice(-1)
  if (!isTimestamp(inverted) || (tag !== 'v' && tag !== 'n')) return undefined
  return { key: name.slice(0, -18), stamp: invert(inverted), isNull: tag === 'n' }
}

function naming (isNull: boolean): VersionNaming {
  return {
    prefix: (key) => key + SEP,
    name: (key, stamp) => archiveName(key, stamp, isNull),
    newestFirst: true,
    stampOf: (key, name) => {
      const parsed = parseArchiveName(name)
      return parsed?.key === key ? parsed.stamp : undefined
    }
  }
}

/** The version id of an object from its stored headers. */
export function versionIdOf (stored: Record<string, string>): string {
  const v = stored[VERSION_ID_SYSMETA]
  if (v === OWN) return dataTimestamp(stored)
  return v !== undefined && isTimestamp(v) ? v : NULL_VERSION
}

/** A version found by id: the current object, or an archived version or delete marker. */
export type Found =
  | { where: 'current', ref: ObjectRef, stored: Record<string, string> }
  | { where: 'archive', ref: ObjectRef, stamp: string, marker: boolean }

export interface DeleteOutcome {
  /** The id of the version deleted, or of the delete marker written. */
  versionId?: string
  deleteMarker: boolean
}

/** One bucket's versions, as S3 sees them. */
export class BucketVersions {
  readonly archive: Archive
  private readonly versions: Versioning

  constructor (private readonly store: ObjectStore, readonly account: string, readonly bucket: string,
    readonly status: VersioningStatus | undefined) {
    this.archive = { container: versionsContainer(bucket), naming: naming(false) }
    this.versions = new Versioning(store)
  }

  ref (key: string): ObjectRef {
    return { account: this.account, container: this.bucket, object: key }
  }

  private archived (name: string): ObjectRef {
    return { account: this.account, container: this.archive.container, object: name }
  }

  /** The key's archived versions and markers, newest first, with their parsed names. */
  async * history (key: string): AsyncGenerator<{ ref: ObjectRef, name: ArchivedName, marker: boolean }> {
    if (this.status === undefined) return
    try {
      for await (const v of this.versions.versions(this.ref(key), this.archive)) {
        const name = parseArchiveName(v.name) as ArchivedName
        yield { ref: this.archived(v.name), name, marker: isDeleteMarker(v.content_type) }
      }
    } catch (err) {
      // An archive removed behind our back (through the Swift API) holds no versions.
      if (!(err instanceof CoreError && err.code === 'CONTAINER_NOT_FOUND')) throw err
    }
  }

  private async newest (key: string): Promise<{ ref: ObjectRef, name: ArchivedName, marker: boolean } | undefined> {
    for await (const v of this.history(key)) return v
    return undefined
  }

  private async archivedNull (key: string): Promise<{ ref: ObjectRef, name: ArchivedName, marker: boolean } | undefined> {
    for await (const v of this.history(key)) if (v.name.isNull) return v
    return undefined
  }

  /** Copies the current object (headers `stored`) into the archive under its own id. */
  private async archiveCurrent (key: string, stored: Record<string, string>): Promise<ObjectRef> {
    const id = versionIdOf(stored)
    const isNull = id === NULL_VERSION
    const dest = this.archived(archiveName(key, isNull ? dataTimestamp(stored) : id, isNull))
    await this.versions.copyVersion(this.ref(key), dest, { [VERSION_ID_SYSMETA]: id })
    return dest
  }

  /**
   * Runs `write` (a PUT, copy or multipart completion of `key`) as the bucket's state wants:
   * what it replaces is archived first (and the copy removed again if the write fails), and
   * the new object is marked with its version (`marks`, to store with it). A conditional write
   * (`precondition`, which `write` checks again as it stores) is judged before anything is
   * archived. Answers the x-amz-version-id header for the reply.
   */
  async write<T extends { timestamp: string }> (key: string, write: (marks: Record<string, string>) => Promise<T>,
    precondition?: Precondition): Promise<{ result: T, headers: Record<string, string> }> {
    if (this.status === undefined) return { result: await write({}), headers: {} }
    if (precondition !== undefined) await this.store.objects.checkPrecondition(this.ref(key), precondition)
    const stored = await this.versions.current(this.ref(key))
    const keep = stored !== undefined && (this.status === 'Enabled' || versionIdOf(stored) !== NULL_VERSION)
    const archived = keep ? await this.archiveCurrent(key, stored) : undefined
    let result: T
    try {
      result = await write({ [VERSION_ID_SYSMETA]: this.status === 'Enabled' ? OWN : NULL_VERSION })
    } catch (err) {
      if (archived !== undefined) await this.store.objects.delete(archived).catch(() => 0)
      throw err
    }
    // While Suspended a write is the key's one null version: an older one, archived, goes.
    if (this.status === 'Suspended') await this.dropArchivedNull(key)
    return { result, headers: { 'x-amz-version-id': this.status === 'Enabled' ? result.timestamp : NULL_VERSION } }
  }

  private async dropArchivedNull (key: string): Promise<void> {
    const old = await this.archivedNull(key)
    if (old !== undefined) await this.store.objects.largeObjects.deleteWithSegments(old.ref, segmentsContainer(this.bucket))
  }

  /** The version `versionId` of `key`, wherever it is. */
  async find (key: string, versionId: string): Promise<Found | undefined> {
    const stored = await this.versions.current(this.ref(key))
    if (stored !== undefined && versionIdOf(stored) === versionId) return { where: 'current', ref: this.ref(key), stored }
    if (this.status === undefined) return undefined
    const hit = versionId === NULL_VERSION
      ? await this.archivedNull(key)
      : await this.archivedById(key, versionId)
    return hit === undefined ? undefined : { where: 'archive', ref: hit.ref, stamp: hit.name.stamp, marker: hit.marker }
  }

  private async archivedById (key: string, versionId: string): Promise<{ ref: ObjectRef, name: ArchivedName, marker: boolean } | undefined> {
    const ref = this.archived(archiveName(key, versionId, false))
    const head = await this.store.objects.get(ref, 'HEAD', {}, false, true).catch(() => ({ status: 404, headers: {} as Record<string, string> }))
    if (head.status !== 200) return undefined
    return { ref, name: { key, stamp: versionId, isNull: false }, marker: isDeleteMarker(head.headers['content-type']) }
  }

  /** When `key` has no current object and its newest version is a delete marker: the marker's id. */
  async latestDeleteMarker (key: string): Promise<string | undefined> {
    if (this.status === undefined) return undefined
    const newest = await this.newest(key)
    if (newest === undefined || !newest.marker) return undefined
    return newest.name.isNull ? NULL_VERSION : newest.name.stamp
  }

  /** DeleteObject, with or without a versionId. */
  async delete (key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    if (versionId !== undefined) return await this.deleteVersion(key, versionId)
    if (this.status === undefined) {
      await this.store.objects.largeObjects.deleteWithSegments(this.ref(key), segmentsContainer(this.bucket))
      return { deleteMarker: false }
    }
    return await this.hide(key, await this.versions.current(this.ref(key)))
  }

  /**
   * A delete through the Swift API of a versioned bucket: as DeleteObject without a versionId,
   * but only when `key` has a current object; false, with nothing written, when it has none
   * (Swift answers 404).
   */
  async deleteCurrent (key: string): Promise<boolean> {
    const stored = await this.versions.current(this.ref(key))
    if (stored === undefined) return false
    await this.hide(key, stored)
    return true
  }

  /** Keeps what the state wants kept of the current object (headers `stored`), then leaves a delete marker in its place. */
  private async hide (key: string, stored: Record<string, string> | undefined): Promise<DeleteOutcome> {
    const nullCurrent = stored !== undefined && versionIdOf(stored) === NULL_VERSION
    const keep = stored !== undefined && (this.status === 'Enabled' || !nullCurrent)
    if (keep) await this.archiveCurrent(key, stored)
    if (this.status === 'Suspended') await this.dropArchivedNull(key)
    const stamp = nowTimestamp()
    await this.versions.writeDeleteMarker(this.ref(key), { ...this.archive, naming: naming(this.status === 'Suspended') }, stamp,
      { [VERSION_ID_SYSMETA]: this.status === 'Suspended' ? NULL_VERSION : stamp })
    if (stored !== undefined) {
      // A version kept in the archive keeps its segments; a null version overwritten while Suspended goes whole.
      if (keep) await this.store.objects.delete(this.ref(key))
      else await this.store.objects.largeObjects.deleteWithSegments(this.ref(key), segmentsContainer(this.bucket))
    }
    return { deleteMarker: true, versionId: this.status === 'Suspended' ? NULL_VERSION : stamp }
  }

  /**
   * Removes one version for good. When it was the latest (the current object, or the newest
   * delete marker of a key without one), the next newest becomes the latest: a version is
   * made current again, a delete marker stays where it is.
   */
  private async deleteVersion (key: string, versionId: string): Promise<DeleteOutcome> {
    const found = await this.find(key, versionId)
    if (found === undefined) return { versionId, deleteMarker: false }
    let latest = found.where === 'current'
    if (found.where === 'archive') {
      latest = (await this.versions.current(this.ref(key))) === undefined && (await this.newest(key))?.ref.object === found.ref.object
    }
    await this.store.objects.largeObjects.deleteWithSegments(found.ref, segmentsContainer(this.bucket))
    if (latest) await this.promote(key)
    return { versionId, deleteMarker: found.where === 'archive' && found.marker }
  }

  /** Makes the newest archived version current again, unless it is a delete marker. */
  private async promote (key: string): Promise<void> {
    const next = await this.newest(key)
    if (next === undefined || next.marker) return
    // The archived copy carries its id: the object it becomes keeps it.
    if (await this.versions.copyVersion(next.ref, this.ref(key))) await this.store.objects.delete(next.ref)
  }
}
