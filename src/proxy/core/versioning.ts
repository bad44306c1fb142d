/**
 * Object versions kept in an archive container of the same account. Both APIs build on these
 * steps: Swift's versioned writes (X-Versions-Location, X-History-Location) and S3 bucket
 * versioning. An archive names each version after its object and its timestamp; how is the
 * archive's `VersionNaming`:
 * - `swiftNaming`, Swift's legacy form `<3 hex digits: length of the name><name>/<timestamp>`,
 *   oldest first in a listing, which Swift clients read directly;
 * - S3's own form (s3/versioning.ts), newest first and in key order, for ListObjectVersions.
 *
 * A large object is archived as its manifest (SLO: a new manifest over the same segments; DLO:
 * the manifest object with its X-Object-Manifest), never as a copy of its bytes. A delete marker
 * is a zero-byte version of DELETE_MARKER_TYPE.
 */
import { Readable } from 'node:stream'
import { nowTimestamp } from '../../common/timestamp.js'
import type { BackendHeaders } from '../backend/client.js'
import { CoreError } from './errors.js'
import { listObjects, type ListEntry } from './listing-pages.js'
import type { ObjectRef } from './objects.js'
import type { ObjectStore } from './store.js'

/** Content type of a delete marker, Swift's: no client sets a swift_* parameter itself. */
export const DELETE_MARKER_TYPE = 'application/x-deleted;swift_versions_deleted=1'

/** How an archive names the versions of an object. */
export interface VersionNaming {
  /** The listing prefix that holds every version of `object` (possibly others' too). */
  prefix: (object: string) => string
  /** The archive name of the version of `object` written at `stamp`. */
  name: (object: string, stamp: string) => string
  /** Whether a forward listing of `prefix(object)` gives the newest version first. */
  newestFirst: boolean
  /** The version's stamp when `name` is one of `object`'s own versions, else undefined. */
  stampOf: (object: string, name: string) => string | undefined
}

export interface Archive {
  container: string
  naming: VersionNaming
}

/** Swift's legacy names: a listing with the prefix `<len><name>/` gives one object's versions, oldest first. */
export const swiftNaming: VersionNaming = {
  prefix: (object) => `${Buffer.byteLength(object).toString(16).padStart(3, '0')}${object}/`,
  name: (object, stamp) => swiftNaming.prefix(object) + stamp,
  newestFirst: false,
  stampOf: (object, name) => {
    const prefix = swiftNaming.prefix(object)
    return name.startsWith(prefix) && !name.includes('/', prefix.length) ? name.slice(prefix.length) : undefined
  }
}

/** The timestamp of an object's data (its PUT), which a metadata POST does not change. */
export function dataTimestamp (headers: Record<string, string>): string {
  return headers['x-backend-data-timestamp'] ?? headers['x-timestamp'] ?? nowTimestamp()
}

export function isDeleteMarker (contentType: string | undefined): boolean {
  return contentType === DELETE_MARKER_TYPE
}

export class Versioning {
  constructor (private readonly store: ObjectStore) {}

  /** The stored (raw) headers of `ref`, or undefined when it does not exist. */
  async current (ref: ObjectRef): Promise<Record<string, string> | undefined> {
    const head = await this.store.objects.get(ref, 'HEAD', {}, false, true)
    if (head.status === 404) return undefined
    if (head.status !== 200) throw new CoreError('UNAVAILABLE', `reading ${ref.container}/${ref.object} for versioning answered ${head.status}`)
    return head.headers
  }

  /**
   * Copies `source` (as its manifest when it is a large object) to `dest`, with `headers` over
   * its own; false when the source does not exist.
   */
  async copyVersion (source: ObjectRef, dest: ObjectRef, headers: BackendHeaders = {}): Promise<boolean> {
    try {
      await this.store.objects.copy(source, dest, headers, { asStored: true })
      return true
    } catch (err) {
      if (err instanceof CoreError && err.code === 'NOT_FOUND') return false
      throw err
    }
  }

  /**
   * Archives the current version of `ref` under the name of `stamp` (by default its data
   * timestamp); the archive name, or undefined when there is no current version.
   */
  async archiveCurrent (ref: ObjectRef, archive: Archive, stamp?: (stored: Record<string, string>) => string,
    headers: (stored: Record<string, string>) => BackendHeaders = () => ({})): Promise<string | undefined> {
    const stored = await this.current(ref)
    if (stored === undefined) return undefined
    const name = archive.naming.name(ref.object, stamp?.(stored) ?? dataTimestamp(stored))
    const copied = await this.copyVersion(ref, this.at(ref, archive, name), headers(stored))
    return copied ? name : undefined
  }

  /** `ref`'s archived versions (delete markers included), newest first. */
  async * versions (ref: ObjectRef, archive: Archive): AsyncGenerator<ListEntry & { stamp: string }> {
    const { naming } = archive
    const listed = listObjects(this.store.containers, ref.account, archive.container, { prefix: naming.prefix(ref.object), reverse: !naming.newestFirst })
    for await (const e of listed) {
      const stamp = naming.stampOf(ref.object, e.name)
      if (stamp !== undefined) yield { ...e, stamp }
    }
  }

  /** The object named `name` in `archive`, next to `ref`. */
  at (ref: ObjectRef, archive: Archive, name: string): ObjectRef {
    return { account: ref.account, container: archive.container, object: name }
  }

  /**
   * Stack mode's DELETE, as Swift's: the newest archived version replaces the current one and
   * leaves the archive. When the newest is a delete marker, a current version is just deleted
   * (back to the deleted state); with none, the marker goes and the version before it (if not
   * a marker too) is restored. False when neither happened: the caller then deletes.
   */
  async restoreLatest (ref: ObjectRef, archive: Archive): Promise<boolean> {
    let marker: ObjectRef | undefined
    for await (const v of this.versions(ref, archive)) {
      const version = this.at(ref, archive, v.name)
      if (!isDeleteMarker(v.content_type)) {
        if (!(await this.copyVersion(version, ref))) continue
        await this.store.objects.delete(version)
        if (marker !== undefined) await this.store.objects.delete(marker)
        return true
      }
      if (marker !== undefined) break
      if ((await this.current(ref)) !== undefined) return false
      marker = version
    }
    if (marker === undefined) return false
    await this.store.objects.delete(marker)
    return true
  }

  /** Writes a delete marker for `ref` now; its archive name. */
  async writeDeleteMarker (ref: ObjectRef, archive: Archive, stamp = nowTimestamp(), headers: BackendHeaders = {}): Promise<string> {
    const name = archive.naming.name(ref.object, stamp)
    await this.store.objects.put(this.at(ref, archive, name),
      { body: Readable.from([]), contentLength: 0, headers: { ...headers, 'content-type': DELETE_MARKER_TYPE } })
    return name
  }
}
