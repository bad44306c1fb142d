/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts and
 * ListMultipartUploads. Parts are plain objects in `<bucket>+segments` (see multipart-keys.ts);
 * Complete writes the core's large-object manifest over them at the key, so the Swift API reads
 * the whole object too. Up to 10,000 parts, each but the last at least 5 MiB.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { versionIdOf } from '../core/bucket-versioning.js'
import { OVERRIDE_ETAG, segmentsContainer, type Segment } from '../core/large-objects.js'
import { checkKey } from './address.js'
import { bucketOf, isoTime, requireBucket } from './buckets.js'
import { header, requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, malformedXml, noSuchKey, preconditionFailed } from './errors.js'
import { listPage, maxKeysOf } from './listing.js'
import { CONTENT_HEADERS, OBJECT_TAGGING_SYSMETA, storedHeaders } from './metadata.js'
import {
  MARKER_CONTENT_TYPE, MAX_PARTS, MIN_PART_SIZE, SLO_S3_ETAG, UPLOAD_CONTENT_TYPE, UPLOAD_ID_SYSMETA, checkPartNumber, checkUploadId,
  markerName, multipartEtag, newUploadId, partName, partNumberOf, partPrefix
} from './multipart-keys.js'
import {
  bucketVersions, conditionally, copySource, copySourceConditions, copySourceVersion, keepTrailerChecksum, objectRef, storeBody, writePrecondition
} from './objects.js'
import { sendEmpty, sendXml } from './respond.js'
import { listOf, parseXml, textOf } from './xml.js'

const md5Hex = (b: Buffer): string => createHash('md5').update(b).digest('hex')

const noSuchUpload = (uploadId: string): S3Error => new S3Error('NoSuchUpload',
  'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId })

interface Upload { key: string, uploadId: string, marker: Record<string, string> }

/** The upload named by the request's uploadId; NoSuchUpload when it is not in progress. */
async function openUpload (ctx: S3Context, r: S3Request): Promise<Upload> {
  const key = r.key as string
  const uploadId = checkUploadId(r.query.get('uploadId'))
  const res = await ctx.store.objects.get(objectRef(r, segmentsContainer(bucketOf(r)), markerName(key, uploadId)), 'HEAD', {}, false, true)
    .catch(() => ({ status: 404, headers: {} as Record<string, string> }))
  if (res.status !== 200 || res.headers['content-type'] !== MARKER_CONTENT_TYPE) throw noSuchUpload(uploadId)
  return { key, uploadId, marker: res.headers }
}

/** Creates the hidden segments container on first use, with the bucket's storage policy. */
async function ensureSegments (ctx: S3Context, r: S3Request): Promise<void> {
  const bucket = await requireBucket(ctx, r)
  const container = segmentsContainer(bucketOf(r))
  if ((await ctx.store.containers.info(r.account, container)).exists) return
  const policy = ctx.policies.find((p) => p.index === bucket.policyIndex)?.name
  await ctx.store.containers.put(r.account, container, {}, policy)
}

export async function createMultipartUpload (ctx: S3Context, r: S3Request): Promise<void> {
  checkKey(r.key as string)
  await ensureSegments(ctx, r)
  const uploadId = newUploadId()
  const final = storedHeaders(r)
  const markerHeaders: Record<string, string> = { ...final, 'content-type': MARKER_CONTENT_TYPE, [UPLOAD_CONTENT_TYPE]: final['content-type'] }
  await ctx.store.objects.put(objectRef(r, segmentsContainer(bucketOf(r)), markerName(r.key as string, uploadId)), {
    body: Readable.from([]), contentLength: 0, headers: markerHeaders
  })
  const algorithm = header(r, 'x-amz-checksum-algorithm')
  sendXml(r, 200, 'InitiateMultipartUploadResult', { Bucket: bucketOf(r), Key: r.key as string, UploadId: uploadId },
    algorithm !== undefined ? { 'x-amz-checksum-algorithm': algorithm } : {})
}

export async function uploadPart (ctx: S3Context, r: S3Request): Promise<void> {
  const part = checkPartNumber(r.query.get('partNumber'))
  const upload = await openUpload(ctx, r)
  const ref = objectRef(r, segmentsContainer(bucketOf(r)), partName(upload.key, upload.uploadId, part))
  const stored = { 'content-type': 'application/octet-stream' }
  const { result, body } = await storeBody(ctx, r, ref, stored)
  const checksum = await keepTrailerChecksum(ctx, ref, stored, body)
  sendEmpty(r, 200, { etag: `"${result.etag}"`, ...checksum })
}

export async function uploadPartCopy (ctx: S3Context, r: S3Request, sourceAccount: string): Promise<void> {
  const part = checkPartNumber(r.query.get('partNumber'))
  const upload = await openUpload(ctx, r)
  const src = copySource(r)
  const conditions = copySourceConditions(r)
  const range = header(r, 'x-amz-copy-source-range')
  const bounds = range === undefined ? null : /^bytes=(\d+)-(\d+)$/.exec(range)
  if (range !== undefined) {
    if (bounds === null || Number(bounds[1]) > Number(bounds[2])) {
      throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: range })
    }
    conditions.range = range
  }
  const res = await ctx.store.objects.get(await copySourceVersion(ctx, sourceAccount, src), 'GET', conditions)
  if (res.status === 404) throw noSuchKey(src.key)
  if (res.status === 412 || res.status === 304) throw preconditionFailed()
  // A range must lie within the source: an HTTP range would be cut short at its end, a part must not be.
  const size = /\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1]
  if (res.status === 416 || (bounds !== null && size !== undefined && Number(bounds[2]) >= Number(size))) {
    res.body?.destroy()
    throw new S3Error('InvalidArgument', `Range specified is not valid for source object of size: ${size ?? 'unknown'}`,
      { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: range ?? '' })
  }
  if (res.body === undefined) throw new S3Error('ServiceUnavailable', `copy source answered ${res.status}`)
  const result = await ctx.store.objects.put(objectRef(r, segmentsContainer(bucketOf(r)), partName(upload.key, upload.uploadId, part)), {
    body: res.body, contentLength: Number(res.headers['content-length']), headers: { 'content-type': 'application/octet-stream' }
  })
  sendXml(r, 200, 'CopyPartResult', { LastModified: new Date(Number(result.timestamp) * 1000).toISOString(), ETag: `"${result.etag}"` },
    src.versionId !== undefined ? { 'x-amz-copy-source-version-id': src.versionId } : {})
}

interface StoredPart { number: number, etag: string, size: number, lastModified: string }

/** Every uploaded part of an upload, in part order. */
async function storedParts (ctx: S3Context, r: S3Request, upload: Upload, after = 0, max = MAX_PARTS): Promise<{ parts: StoredPart[], truncated: boolean }> {
  const prefix = partPrefix(upload.key, upload.uploadId)
  const parts: StoredPart[] = []
  let marker = after > 0 ? partName(upload.key, upload.uploadId, after) : ''
  for (;;) {
    const page = await listPage(ctx, r.account, segmentsContainer(bucketOf(r)), { prefix, delimiter: '', after: marker, maxKeys: 1000 })
    for (const e of page.entries) {
      if ('prefix' in e) continue
      parts.push({ number: partNumberOf(e.row.name), etag: e.row.hash, size: e.row.bytes, lastModified: e.row.last_modified })
    }
    if (!page.truncated || parts.length > max) break
    marker = page.last
  }
  return { parts: parts.slice(0, max), truncated: parts.length > max }
}

interface RequestedPart { number: number, etag: string }

function requestedParts (text: string): RequestedPart[] {
  const doc = parseXml(text, 'CompleteMultipartUpload')
  const parts = listOf(doc, 'Part').map((p) => {
    const number = Number(textOf(p, 'PartNumber'))
    const etag = (textOf(p, 'ETag') ?? '').replaceAll('"', '').trim()
    if (!Number.isInteger(number) || etag === '') throw malformedXml()
    return { number, etag }
  })
  if (parts.length === 0) throw malformedXml()
  if (parts.length > MAX_PARTS) throw new S3Error('InvalidArgument', `at most ${MAX_PARTS} parts`, { ArgumentName: 'Part', ArgumentValue: String(parts.length) })
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].number <= parts[i - 1].number) throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.')
  }
  return parts
}

/**
 * The requested parts' stored facts. The listing may lag a part written a moment ago (listing
 * rows follow the write, and one container replica may not have it yet): such parts are asked of
 * the object servers directly.
 */
async function partFacts (ctx: S3Context, r: S3Request, upload: Upload, requested: RequestedPart[], listed: StoredPart[]): Promise<Map<number, StoredPart>> {
  const stored = new Map(listed.map((p) => [p.number, p]))
  const lagging = requested.filter((p) => stored.get(p.number)?.etag !== p.etag)
  for (let i = 0; i < lagging.length; i += 16) {
    await Promise.all(lagging.slice(i, i + 16).map(async (p) => {
      const ref = objectRef(r, segmentsContainer(bucketOf(r)), partName(upload.key, upload.uploadId, p.number))
      const head = await ctx.store.objects.get(ref, 'HEAD', {}, false, true)
      if (head.status !== 200) return
      stored.set(p.number, { number: p.number, etag: (head.headers.etag ?? '').replaceAll('"', ''), size: Number(head.headers['content-length']), lastModified: '' })
    }))
  }
  return stored
}

/** Matches the requested parts with the stored ones: ETags must agree, and all but the last be large enough. */
function chooseParts (requested: RequestedPart[], stored: Map<number, StoredPart>): StoredPart[] {
  return requested.map((p, i) => {
    const found = stored.get(p.number)
    if (found === undefined || found.etag !== p.etag) {
      throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', { PartNumber: String(p.number), ETag: p.etag })
    }
    if (i < requested.length - 1 && found.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: String(found.size), MinSizeAllowed: String(MIN_PART_SIZE), PartNumber: String(p.number), ETag: p.etag })
    }
    return found
  })
}

/**
 * A Complete retried after it went through (its answer lost) finds no upload: when the key's
 * current object was made of that upload, the answer is the first one's again, as AWS's.
 */
async function answerCompleted (ctx: S3Context, r: S3Request): Promise<boolean> {
  const versions = await bucketVersions(ctx, r)
  const current = await ctx.store.objects.get(objectRef(r), 'HEAD', {}, false, true)
  if (current.status !== 200 || current.headers[UPLOAD_ID_SYSMETA] !== r.query.get('uploadId')) return false
  sendCompleted(r, current.headers[SLO_S3_ETAG] ?? '', versions.status === undefined ? {} : { 'x-amz-version-id': versionIdOf(current.headers) })
  return true
}

function sendCompleted (r: S3Request, s3Etag: string, headers: Record<string, string>): void {
  const key = r.key as string
  sendXml(r, 200, 'CompleteMultipartUploadResult', {
    Location: `/${bucketOf(r)}/${key}`, Bucket: bucketOf(r), Key: key, ETag: `"${s3Etag}"`
  }, headers)
}

export async function completeMultipartUpload (ctx: S3Context, r: S3Request): Promise<void> {
  const precondition = writePrecondition(r)
  let upload: Upload
  try {
    upload = await openUpload(ctx, r)
  } catch (err) {
    if (err instanceof S3Error && err.code === 'NoSuchUpload' && await answerCompleted(ctx, r)) return
    throw err
  }
  const requested = requestedParts(await requestDocument(r, 2 * 1024 * 1024))
  const { parts: all } = await storedParts(ctx, r, upload)
  const chosen = chooseParts(requested, await partFacts(ctx, r, upload, requested, all))
  const container = segmentsContainer(bucketOf(r))
  const segments: Segment[] = chosen.map((p) => ({ name: `/${container}/${partName(upload.key, upload.uploadId, p.number)}`, hash: p.etag, bytes: p.size }))
  const s3Etag = multipartEtag(chosen.map((p) => p.etag), md5Hex)
  const headers: Record<string, string> = { [SLO_S3_ETAG]: s3Etag, [UPLOAD_ID_SYSMETA]: upload.uploadId }
  for (const [k, v] of Object.entries(upload.marker)) {
    if (k.startsWith('x-object-meta-') || k.startsWith('x-object-sysmeta-s3-acl') || k === OBJECT_TAGGING_SYSMETA || CONTENT_HEADERS.includes(k)) headers[k] = v
  }
  headers['content-type'] = upload.marker[UPLOAD_CONTENT_TYPE] ?? 'application/octet-stream'
  // Swift's form for a listing to show the S3 ETag of a large object; the manifest's MD5 goes first.
  headers[OVERRIDE_ETAG] = `; s3_etag=${s3Etag}`
  // On a versioned bucket the object it replaces is archived first.
  const versions = await bucketVersions(ctx, r)
  const { headers: versionHeaders } = await conditionally(r, precondition, async () => await versions.write(upload.key, async (marks) =>
    await ctx.store.objects.largeObjects.putManifest(objectRef(r), segments, { ...headers, ...marks }, precondition), precondition))
  // Parts uploaded but left out of the object are discarded, as S3 does; then the upload is gone.
  const used = new Set(chosen.map((p) => p.number))
  await deleteAll(ctx, r, all.filter((p) => !used.has(p.number)).map((p) => partName(upload.key, upload.uploadId, p.number)))
  await ctx.store.objects.delete(objectRef(r, container, markerName(upload.key, upload.uploadId)))
  sendCompleted(r, s3Etag, versionHeaders)
}

/** Deletes objects of the segments container, a few at a time. */
async function deleteAll (ctx: S3Context, r: S3Request, names: string[]): Promise<void> {
  const container = segmentsContainer(bucketOf(r))
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(names.slice(i, i + 16).map(async (n) => await ctx.store.objects.delete(objectRef(r, container, n))))
  }
}

export async function abortMultipartUpload (ctx: S3Context, r: S3Request): Promise<void> {
  const upload = await openUpload(ctx, r)
  const { parts } = await storedParts(ctx, r, upload)
  await deleteAll(ctx, r, parts.map((p) => partName(upload.key, upload.uploadId, p.number)))
  await ctx.store.objects.delete(objectRef(r, segmentsContainer(bucketOf(r)), markerName(upload.key, upload.uploadId)))
  sendEmpty(r, 204)
}

function initiator (r: S3Request): { ID: string, DisplayName: string } {
  return { ID: r.account, DisplayName: r.account }
}

export async function listParts (ctx: S3Context, r: S3Request): Promise<void> {
  const upload = await openUpload(ctx, r)
  const markerRaw = r.query.get('part-number-marker') ?? '0'
  const after = /^\d+$/.test(markerRaw) ? Number(markerRaw) : 0
  const max = maxKeysOf(r, 'max-parts')
  const { parts, truncated } = await storedParts(ctx, r, upload, after, max)
  sendXml(r, 200, 'ListPartsResult', {
    Bucket: bucketOf(r),
    Key: upload.key,
    UploadId: upload.uploadId,
    Initiator: initiator(r),
    Owner: initiator(r),
    StorageClass: 'STANDARD',
    PartNumberMarker: after,
    ...(truncated ? { NextPartNumberMarker: parts[parts.length - 1].number } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Part: parts.map((p) => ({ PartNumber: p.number, LastModified: isoTime(p.lastModified), ETag: `"${p.etag}"`, Size: p.size }))
  })
}

/** Uploads in progress: the marker rows of the segments container, by key then upload id. */
export async function listMultipartUploads (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const prefix = r.query.get('prefix') ?? ''
  const delimiter = r.query.get('delimiter') ?? ''
  const keyMarker = r.query.get('key-marker') ?? ''
  const uploadIdMarker = r.query.get('upload-id-marker') ?? ''
  const max = maxKeysOf(r, 'max-uploads')
  const container = segmentsContainer(bucketOf(r))
  const uploads: Array<{ key: string, uploadId: string, initiated: string }> = []
  const prefixes = new Set<string>()
  let after = keyMarker === '' ? '' : uploadIdMarker === '' ? `${keyMarker}/\u{10FFFF}` : markerName(keyMarker, uploadIdMarker)
  let truncated = false
  if ((await ctx.store.containers.info(r.account, container)).exists) {
    for (;;) {
      const page = await listPage(ctx, r.account, container, { prefix, delimiter: '', after, maxKeys: 1000 })
      for (const e of page.entries) {
        if ('prefix' in e || !e.row.content_type.startsWith(MARKER_CONTENT_TYPE)) continue
        const slash = e.row.name.lastIndexOf('/')
        const key = e.row.name.slice(0, slash)
        const rest = key.slice(prefix.length)
        const cut = delimiter === '' ? -1 : rest.indexOf(delimiter)
        if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length))
        else uploads.push({ key, uploadId: e.row.name.slice(slash + 1), initiated: e.row.last_modified })
        if (uploads.length + prefixes.size > max) break
      }
      if (uploads.length + prefixes.size > max) { truncated = true; break }
      if (!page.truncated) break
      after = page.last
    }
  }
  const shown = uploads.slice(0, max)
  const lastUpload = shown[shown.length - 1]
  sendXml(r, 200, 'ListMultipartUploadsResult', {
    Bucket: bucketOf(r),
    KeyMarker: keyMarker,
    UploadIdMarker: uploadIdMarker,
    ...(truncated && lastUpload !== undefined ? { NextKeyMarker: lastUpload.key, NextUploadIdMarker: lastUpload.uploadId } : {}),
    ...(delimiter !== '' ? { Delimiter: delimiter } : {}),
    Prefix: prefix,
    MaxUploads: max,
    IsTruncated: truncated,
    Upload: shown.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: initiator(r), Owner: initiator(r), StorageClass: 'STANDARD', Initiated: isoTime(u.initiated) })),
    CommonPrefixes: [...prefixes].sort().map((p) => ({ Prefix: p }))
  })
}
