/**
 * GetObject and HeadObject with `?partNumber=N`: the object's Nth part, read as a byte range of
 * the whole object. A completed multipart upload (a manifest) has one part per segment, numbered
 * from 1 in order whatever numbers they were uploaded with, so that parts 1 to
 * x-amz-mp-parts-count are every part (the AWS SDKs' multipart downloads walk them so); any
 * other object is one part.
 */
import { CoreError } from '../core/errors.js'
import { isManifest } from '../../common/object-headers.js'
import { SLO_ETAG, segmentLength } from '../core/large-objects.js'
import type { ObjectRef } from '../core/objects.js'
import type { ObjectStore } from '../core/store.js'
import { S3Error } from './errors.js'
import { SLO_S3_ETAG } from './multipart-keys.js'

export interface PartRead {
  /** The read's conditionals: the client's, the part's range, and If-Match on the object seen. */
  conditions: Record<string, string>
  /** Reply headers: x-amz-mp-parts-count for a multipart object. */
  headers: Record<string, string>
  /** The part has no bytes: the read is the object's headers, with no body. */
  empty: boolean
  /** The If-Match is ours, not the client's: a 412 means the object changed meanwhile. */
  guarded: boolean
}

/** `conditions` (the client's) turned into a read of part `part` of `ref`. */
export async function partRead (store: ObjectStore, ref: ObjectRef, part: number, conditions: Record<string, string>): Promise<PartRead> {
  if (conditions.range !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter')
  const stored = await store.objects.get(ref, 'HEAD', {}, false, true)
  // A missing object is the read's own NoSuchKey.
  if (stored.status !== 200) return { conditions, headers: {}, empty: false, guarded: false }
  const multipart = isManifest(stored.headers)
  const lengths = multipart
    ? await segmentLengths(store, ref)
    : [Number(stored.headers['content-length'])]
  if (part > lengths.length) {
    throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable',
      { PartNumberRequested: String(part), ActualPartCount: String(lengths.length) })
  }
  const start = lengths.slice(0, part - 1).reduce((sum, n) => sum + n, 0)
  const length = lengths[part - 1]
  // The ranges were measured on this object: a replacement since then must not be cut at them.
  const h = stored.headers
  const guarded = conditions['if-match'] === undefined
  const read = { ...conditions }
  if (guarded) read['if-match'] = `"${multipart ? h[SLO_S3_ETAG] ?? h[SLO_ETAG] : h.etag}"`
  if (length > 0) read.range = `bytes=${start}-${start + length - 1}`
  return {
    conditions: read,
    headers: multipart ? { 'x-amz-mp-parts-count': String(lengths.length) } : {},
    empty: length === 0 && lengths.length > 1,
    guarded
  }
}

async function segmentLengths (store: ObjectStore, ref: ObjectRef): Promise<number[]> {
  try {
    return (await store.objects.largeObjects.segments(ref)).map(segmentLength)
  } catch (err) {
    if (err instanceof CoreError && err.code === 'NOT_FOUND') throw new S3Error('ServiceUnavailable', 'the object changed while its parts were read; retry')
    throw err
  }
}
