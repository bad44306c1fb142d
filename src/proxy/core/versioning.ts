/**
 * Object versions kept in an archive container of the same account, in Swift's legacy naming:
 * `<3 hex digits: length of the name><name>/<timestamp of that version>`, so that a listing
 * with the prefix `<len><name>/` gives one object's versions oldest first. The Swift API's
 * X-Versions-Location (stack: DELETE restores the previous version) and X-History-Location
 * (history: DELETE archives and leaves a delete marker) are built on these steps, and any
 * front end that versions writes can use them.
 *
 * A large object is archived as its manifest (SLO: a new manifest over the same segments; DLO:
 * the manifest object with its X-Object-Manifest), never as a copy of its bytes.
 */
import { Readable } from 'node:stream'
import { storedObjectHeaders } from '../../common/object-headers.js'
import { nowTimestamp } from '../../common/timestamp.js'
import { CoreError } from './errors.js'
import { isManifest, withoutManifestHeaders } from './large-objects.js'
import { listObjects } from './listing-pages.js'
import type { ObjectRef } from './objects.js'
import type { ObjectStore } from './store.js'

/** Content type of the marker history mode leaves where a deleted object's version would be. */
export const DELETE_MARKER_TYPE = 'application/x-deleted;swift_versions_deleted=1'

/** The archive prefix of one object's versions. */
export function versionsPrefix (object: string): string {
  return `${Buffer.byteLength(object).toString(16).padStart(3, '0')}${object}/`
}

export class Versioning {
  constructor (private readonly store: ObjectStore) {}

  /**
   * Copies `source` (as its manifest when it is a large object) to `dest`; false when the
   * source does not exist.
   */
  private async copyVersion (source: ObjectRef, dest: ObjectRef): Promise<boolean> {
    const head = await this.store.objects.get(source, 'HEAD', {}, false, true)
    if (head.status === 404) return false
    if (head.status !== 200) throw new CoreError('UNAVAILABLE', `reading ${source.container}/${source.object} for versioning answered ${head.status}`)
    if (isManifest(head.headers)) {
      const segments = await this.store.objects.largeObjects.segments(source)
      await this.store.objects.largeObjects.putManifest(dest, segments, withoutManifestHeaders(storedObjectHeaders(head.headers)))
      return true
    }
    if (head.headers['x-object-manifest'] !== undefined) {
      await this.store.objects.put(dest, { body: Readable.from([]), contentLength: 0, headers: storedObjectHeaders(head.headers) })
      return true
    }
    await this.store.objects.copy(source, dest, {}, false)
    return true
  }

  /** Archives the current version of `ref` into `archive`; false when there is none. */
  async archiveCurrent (ref: ObjectRef, archive: string): Promise<boolean> {
    const head = await this.store.objects.get(ref, 'HEAD', {}, false, true)
    if (head.status !== 200) return false
    const stamp = head.headers['x-timestamp'] ?? nowTimestamp()
    return await this.copyVersion(ref, { account: ref.account, container: archive, object: versionsPrefix(ref.object) + stamp })
  }

  /** The newest archived version of `ref`, if any. */
  async latestVersion (ref: ObjectRef, archive: string): Promise<ObjectRef | undefined> {
    const prefix = versionsPrefix(ref.object)
    for await (const e of listObjects(this.store.containers, ref.account, archive, { prefix, reverse: true, limit: 1 })) {
      return { account: ref.account, container: archive, object: e.name }
    }
    return undefined
  }

  /**
   * Stack mode's DELETE: the newest archived version becomes the
   * current one and leaves the archive. False when the archive holds no version.
   */
  async restoreLatest (ref: ObjectRef, archive: string): Promise<boolean> {
    const latest = await this.latestVersion(ref, archive)
    if (latest === undefined) return false
    if (!(await this.copyVersion(latest, ref))) return false
    await this.store.objects.delete(latest)
    return true
  }

  /** History mode's DELETE: a zero-byte marker in the archive records when the object went. */
  async writeDeleteMarker (ref: ObjectRef, archive: string): Promise<void> {
    await this.store.objects.put({ account: ref.account, container: archive, object: versionsPrefix(ref.object) + nowTimestamp() },
      { body: Readable.from([]), contentLength: 0, headers: { 'content-type': DELETE_MARKER_TYPE } })
  }
}
