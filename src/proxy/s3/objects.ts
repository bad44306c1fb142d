/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject and the object
 * ACL calls. Bodies stream from the client through the checks of upload-body.ts into the core,
 * and from the core back to the client; nothing is buffered whole. On a versioned bucket the
 * writes and deletes go through its versions (core/bucket-versioning.ts), and reads may name a
 * versionId.
 */
import { READ_CONDITIONS } from '../../common/http-conditionals.js'
import { httpDate } from '../../common/timestamp.js'
import {
  BucketVersions, NULL_VERSION, VERSION_ID_SYSMETA, versionIdOf, versioningOf, type DeleteOutcome
} from '../core/bucket-versioning.js'
import { ETAG_IS_AT } from '../core/large-objects.js'
import type { ObjectRef, ObjectResponse, Precondition, PutResult } from '../core/objects.js'
import { CoreError } from '../core/errors.js'
import { replyPayload } from '../core/get-stream.js'
import { OBJECT_ACL_SYSMETA, aclDocument, checkCanned } from './acl.js'
import { checkKey } from './address.js'
import { bucketOf, requireBucket } from './buckets.js'
import { checksumHeader, checksumSysmeta } from './checksums.js'
import { header, type S3Context, type S3Request } from './context.js'
import { S3Error, invalidArgument, noSuchBucket, noSuchKey, preconditionFailed } from './errors.js'
import { OBJECT_TAGGING_SYSMETA, checkOverrides, copyTagging, rewritableHeaders, responseHeaders, storedHeaders } from './metadata.js'
import { SLO_S3_ETAG, checkPartNumber } from './multipart-keys.js'
import { partRead, type PartRead } from './part-read.js'
import { sendEmpty, sendXml } from './respond.js'
import { uploadBody, type UploadBody } from './upload-body.js'
import { checkVersionId, findVersion, noSuchVersion } from './versioning.js'

export function objectRef (r: S3Request, container = bucketOf(r), object = r.key as string): ObjectRef {
  return { account: r.account, container, object }
}

/** The request's bucket's versions; NoSuchBucket when there is no such bucket. */
export async function bucketVersions (ctx: S3Context, r: S3Request): Promise<BucketVersions> {
  return new BucketVersions(ctx.store, r.account, bucketOf(r), versioningOf(await requireBucket(ctx, r)))
}

/** The request's versionId parameter, checked; undefined when there is none. */
function versionIdParam (r: S3Request): string | undefined {
  const v = r.query.get('versionId')
  return v === null ? undefined : checkVersionId(v)
}

/**
 * Stores the request body at `ref` after the checks the request asks for; the S3 error of a
 * failed check wins over the core's report of the aborted upload.
 */
export async function storeBody (ctx: S3Context, r: S3Request, ref: ObjectRef, stored: Record<string, string>,
  precondition?: Precondition): Promise<{ result: PutResult, body: UploadBody }> {
  const body = uploadBody(r.req.raw, r.req.headers, r.payload)
  if (body.contentLength === undefined && header(r, 'transfer-encoding') === undefined && r.payload.kind !== 'streaming') {
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.')
  }
  // A checksum sent as a header is stored with the object; the verifier aborts the upload if it is wrong.
  if (body.checksum !== undefined) {
    const given = header(r, checksumHeader(body.checksum.algorithm))
    if (given !== undefined) stored[checksumSysmeta(body.checksum.algorithm)] = given
  }
  const headers = { ...stored, ...(body.md5Hex !== undefined ? { etag: body.md5Hex } : {}) }
  try {
    const result = await ctx.store.objects.put(ref, { body: body.stream, contentLength: body.contentLength, headers, precondition })
    return { result, body }
  } catch (err) {
    if (body.failure !== undefined) throw body.failure
    throw err
  } finally {
    if (body.failure !== undefined) r.req.raw.resume()
  }
}

/** A checksum known only from the trailer is added to the stored object once the upload is through. */
export async function keepTrailerChecksum (ctx: S3Context, ref: ObjectRef, stored: Record<string, string>, body: UploadBody): Promise<Record<string, string>> {
  const c = body.checksum
  if (c?.value === undefined) return {}
  const name = checksumSysmeta(c.algorithm)
  if (stored[name] === undefined) await ctx.store.objects.post(ref, { ...stored, [name]: c.value })
  return { [checksumHeader(c.algorithm)]: c.value }
}

/**
 * A conditional write's headers (PutObject, CompleteMultipartUpload), as AWS takes them:
 * If-None-Match only as `*`, If-Match with an ETag quoted or not, and not both.
 */
export function writePrecondition (r: S3Request): Precondition | undefined {
  const ifNoneMatch = header(r, 'if-none-match')
  const ifMatch = header(r, 'if-match')
  if (ifNoneMatch !== undefined && (ifNoneMatch.trim() !== '*' || ifMatch !== undefined)) {
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' })
  }
  if (ifNoneMatch !== undefined) return { absent: true }
  if (ifMatch !== undefined) return { etag: ifMatch.trim().replaceAll('"', ''), etagIsAt: SLO_S3_ETAG }
  return undefined
}

/** A refused conditional write is S3's PreconditionFailed, or NoSuchKey for an If-Match with no object. */
export async function conditionally<T> (r: S3Request, precondition: Precondition | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (precondition === undefined || !(err instanceof CoreError)) throw err
    if (err.code === 'PRECONDITION_FAILED') throw preconditionFailed({ Condition: 'absent' in precondition ? 'If-None-Match' : 'If-Match' })
    if (err.code === 'NOT_FOUND') throw noSuchKey(r.key as string)
    throw err
  }
}

export async function putObject (ctx: S3Context, r: S3Request): Promise<void> {
  checkKey(r.key as string)
  const ref = objectRef(r)
  const stored = storedHeaders(r)
  const precondition = writePrecondition(r)
  const versions = await bucketVersions(ctx, r)
  const { result: { result, body }, headers } = await conditionally(r, precondition, async () =>
    await versions.write(r.key as string, async (marks) => {
      Object.assign(stored, marks)
      const written = await storeBody(ctx, r, ref, stored, precondition)
      return { ...written, timestamp: written.result.timestamp }
    }, precondition))
  const checksum = await keepTrailerChecksum(ctx, ref, stored, body)
  sendEmpty(r, 200, { etag: `"${result.etag}"`, ...checksum, ...headers })
}

export async function getObject (ctx: S3Context, r: S3Request, method: 'GET' | 'HEAD'): Promise<void> {
  checkOverrides(r)
  const conditions: Record<string, string> = { [ETAG_IS_AT]: SLO_S3_ETAG }
  for (const name of READ_CONDITIONS) {
    const v = header(r, name)
    if (v !== undefined) conditions[name] = v
  }
  const partParam = r.query.get('partNumber')
  const part = partParam === null ? undefined : checkPartNumber(partParam)
  let parted: PartRead | undefined
  const read = async (ref: ObjectRef): Promise<ObjectResponse> => {
    if (part === undefined) return await ctx.store.objects.get(ref, method, conditions)
    parted = await partRead(ctx.store, ref, part, conditions)
    return await ctx.store.objects.get(ref, parted.empty ? 'HEAD' : method, parted.conditions)
  }
  const versionId = versionIdParam(r)
  const { res, versionHeaders } = versionId === undefined
    ? await readCurrent(ctx, r, read)
    : await readVersion(ctx, r, method, read, versionId)
  if (res.status === 412) {
    if (parted?.guarded === true) throw new S3Error('ServiceUnavailable', 'The object changed while its part was read; retry')
    throw preconditionFailed({ Condition: 'If-Match' })
  }
  if (res.status === 416) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: conditions.range ?? '' },
      res.headers['content-range'] !== undefined ? { 'content-range': res.headers['content-range'] } : {})
  }
  const headers = { ...responseHeaders(r, res.headers), ...versionHeaders, ...parted?.headers }
  if (parted?.empty === true) headers['content-length'] = '0'
  if (res.status === 304) {
    r.reply.code(304).headers({ etag: headers.etag ?? '', 'last-modified': headers['last-modified'] ?? '' }).send()
    return
  }
  r.reply.code(res.status).headers({ ...headers, 'accept-ranges': 'bytes' })
  if (res.body !== undefined && method === 'GET') r.reply.send(replyPayload(res.body))
  else {
    res.body?.destroy()
    r.reply.send()
  }
}

/** The current version; on a versioned bucket, a missing key whose latest version is a delete marker says so. */
async function readCurrent (ctx: S3Context, r: S3Request, read: ObjectRead): Promise<VersionRead> {
  const res = await read(objectRef(r))
  if (res.status !== 404) {
    const versioned = versioningOf(await ctx.store.containers.info(r.account, bucketOf(r))) !== undefined
    return { res, versionHeaders: versioned && res.status < 300 ? { 'x-amz-version-id': versionIdOf(res.headers) } : {} }
  }
  const marker = await (await bucketVersions(ctx, r)).latestDeleteMarker(r.key as string)
  throw noSuchKey(r.key as string, marker === undefined ? {} : markerHeaders(marker))
}

interface VersionRead { res: ObjectResponse, versionHeaders: Record<string, string> }
/** Reads an object as the request asks (method, conditionals, part). */
type ObjectRead = (ref: ObjectRef) => Promise<ObjectResponse>

function markerHeaders (versionId: string): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId }
}

/** One version by id: the current object or an archived one; a delete marker is not readable. */
async function readVersion (ctx: S3Context, r: S3Request, method: 'GET' | 'HEAD', read: ObjectRead,
  versionId: string): Promise<VersionRead> {
  const found = await findVersion(await bucketVersions(ctx, r), r.key as string, versionId, (stamp) => new S3Error('MethodNotAllowed',
    'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'DeleteMarker' },
    { ...markerHeaders(versionId), allow: 'DELETE', 'last-modified': httpDate(stamp) }))
  const res = await read(found.ref)
  if (res.status === 404) throw noSuchVersion(r.key as string, versionId)
  // An archived copy was written when archived: the version's own time is its stamp.
  const lastModified: Record<string, string> = found.where === 'archive' ? { 'last-modified': httpDate(found.stamp) } : {}
  return { res: { ...res, headers: { ...res.headers, ...lastModified } }, versionHeaders: { 'x-amz-version-id': versionId } }
}

/** The reply headers of a deletion. */
export function deletedHeaders (outcome: DeleteOutcome): Record<string, string> {
  return {
    ...(outcome.versionId !== undefined ? { 'x-amz-version-id': outcome.versionId } : {}),
    ...(outcome.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {})
  }
}

export async function deleteObject (ctx: S3Context, r: S3Request): Promise<void> {
  const versionId = versionIdParam(r)
  const outcome = await (await bucketVersions(ctx, r)).delete(r.key as string, versionId)
  sendEmpty(r, 204, deletedHeaders(outcome))
}

/** `/bucket/key` or `bucket/key` from x-amz-copy-source, percent-decoded, and the version it names. */
export function copySource (r: S3Request): { bucket: string, key: string, versionId?: string } {
  const raw = header(r, 'x-amz-copy-source') ?? ''
  const [path, query] = raw.split('?', 2)
  const versionId = query === undefined ? undefined : /^versionId=([^&]*)$/.exec(query)?.[1]
  if (query !== undefined && versionId === undefined) {
    throw invalidArgument('Unsupported copy source parameter.', 'x-amz-copy-source', raw)
  }
  if (versionId !== undefined) checkVersionId(versionId, 'x-amz-copy-source')
  let decoded: string
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path)
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw })
  }
  const slash = decoded.indexOf('/')
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw })
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId }
}

/** x-amz-copy-source-if-* as the source GET's conditionals. */
export function copySourceConditions (r: S3Request): Record<string, string> {
  const out: Record<string, string> = { [ETAG_IS_AT]: SLO_S3_ETAG }
  for (const c of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) {
    const v = header(r, `x-amz-copy-source-${c}`)
    if (v !== undefined) out[c] = v
  }
  return out
}

export async function copyObject (ctx: S3Context, r: S3Request, sourceAccount: string): Promise<void> {
  checkKey(r.key as string)
  const src = copySource(r)
  const directive = (header(r, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase()
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive })
  }
  const source = await copySourceVersion(ctx, sourceAccount, src)
  const dest = objectRef(r)
  const same = source.account === dest.account && source.container === dest.container && source.object === dest.object
  if (same && directive === 'COPY') {
    throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.')
  }
  // The copy is a version of its own: the source's version id never comes along.
  const overrides: Record<string, string> = { ...(directive === 'REPLACE' ? storedHeaders(r) : {}), [VERSION_ID_SYSMETA]: NULL_VERSION }
  const acl = header(r, 'x-amz-acl')
  if (acl !== undefined) overrides[OBJECT_ACL_SYSMETA] = checkCanned(acl)
  delete overrides[OBJECT_TAGGING_SYSMETA]
  // A copy with fresh metadata (REPLACE) drops the source's sysmeta, and so its tags.
  const tagging = await copyTagging(r, async () => directive === 'REPLACE'
    ? (await ctx.store.objects.get(source, 'HEAD', {}, false, true)).headers[OBJECT_TAGGING_SYSMETA]
    : undefined)
  if (tagging !== undefined) overrides[OBJECT_TAGGING_SYSMETA] = tagging
  try {
    const { result, headers } = await (await bucketVersions(ctx, r)).write(r.key as string, async (marks) =>
      await ctx.store.objects.copy(source, dest, { ...overrides, ...marks }, { fresh: directive === 'REPLACE', conditions: copySourceConditions(r) }))
    const sourceVersion: Record<string, string> = src.versionId !== undefined ? { 'x-amz-copy-source-version-id': src.versionId } : {}
    sendXml(r, 200, 'CopyObjectResult', { LastModified: new Date(Number(result.timestamp) * 1000).toISOString(), ETag: `"${result.etag}"` },
      { ...headers, ...sourceVersion })
  } catch (err) {
    if (err instanceof CoreError && err.code === 'NOT_FOUND') throw noSuchKey(src.key)
    // S3 answers a copy whose x-amz-copy-source-if-none-match or -if-modified-since fails as one whose if-match fails.
    if (err instanceof CoreError && err.code === 'NOT_MODIFIED') throw preconditionFailed()
    throw err
  }
}

/** Where a copy reads from: the source key, or the version its versionId names (never a delete marker). */
export async function copySourceVersion (ctx: S3Context, account: string, src: ReturnType<typeof copySource>): Promise<ObjectRef> {
  const current = { account, container: src.bucket, object: src.key }
  if (src.versionId === undefined) return current
  const info = await ctx.store.containers.info(account, src.bucket)
  if (!info.exists) throw noSuchBucket(src.bucket)
  const versions = new BucketVersions(ctx.store, account, src.bucket, versioningOf(info))
  return (await findVersion(versions, src.key, src.versionId, () =>
    new S3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.'))).ref
}

export async function getObjectAcl (ctx: S3Context, r: S3Request): Promise<void> {
  const res = await ctx.store.objects.get(objectRef(r), 'HEAD', {})
  if (res.status === 404) throw noSuchKey(r.key as string)
  sendXml(r, 200, 'AccessControlPolicy', aclDocument(r.account, res.headers[OBJECT_ACL_SYSMETA] ?? 'private'))
}

export async function putObjectAcl (ctx: S3Context, r: S3Request): Promise<void> {
  const canned = checkCanned(header(r, 'x-amz-acl') ?? 'private')
  const ref = objectRef(r)
  const res = await ctx.store.objects.get(ref, 'HEAD', {}, false, true)
  if (res.status === 404) throw noSuchKey(r.key as string)
  await ctx.store.objects.post(ref, { ...rewritableHeaders(res.headers), [OBJECT_ACL_SYSMETA]: canned })
  sendEmpty(r, 200)
}
