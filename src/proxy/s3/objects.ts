/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject and the object
 * ACL calls. Bodies stream from the client through the checks of upload-body.ts into the core,
 * and from the core back to the client; nothing is buffered whole.
 */
import { ETAG_IS_AT } from '../core/large-objects.js'
import type { ObjectRef, PutResult } from '../core/objects.js'
import { CoreError } from '../core/errors.js'
import { OBJECT_ACL_SYSMETA, aclDocument, checkCanned } from './acl.js'
import { checkKey } from './address.js'
import { bucketOf, requireBucket } from './buckets.js'
import { checksumHeader, checksumSysmeta } from './checksums.js'
import { header, type S3Context, type S3Request } from './context.js'
import { S3Error, noSuchKey } from './errors.js'
import { rewritableHeaders, responseHeaders, storedHeaders } from './metadata.js'
import { SLO_S3_ETAG } from './multipart-keys.js'
import { sendEmpty, sendXml } from './respond.js'
import { uploadBody, type UploadBody } from './upload-body.js'

export function objectRef (r: S3Request, container = bucketOf(r), object = r.key as string): ObjectRef {
  return { account: r.account, container, object }
}

/**
 * Stores the request body at `ref` after the checks the request asks for; the S3 error of a
 * failed check wins over the core's report of the aborted upload.
 */
export async function storeBody (ctx: S3Context, r: S3Request, ref: ObjectRef, stored: Record<string, string>): Promise<{ result: PutResult, body: UploadBody }> {
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
    const result = await ctx.store.objects.put(ref, { body: body.stream, contentLength: body.contentLength, headers })
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

export async function putObject (ctx: S3Context, r: S3Request): Promise<void> {
  checkKey(r.key as string)
  const ref = objectRef(r)
  const stored = storedHeaders(r)
  const { result, body } = await storeBody(ctx, r, ref, stored)
  const checksum = await keepTrailerChecksum(ctx, ref, stored, body)
  sendEmpty(r, 200, { etag: `"${result.etag}"`, ...checksum })
}

const READ_CONDITIONS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']

export async function getObject (ctx: S3Context, r: S3Request, method: 'GET' | 'HEAD'): Promise<void> {
  const conditions: Record<string, string> = { [ETAG_IS_AT]: SLO_S3_ETAG }
  for (const name of READ_CONDITIONS) {
    const v = header(r, name)
    if (v !== undefined) conditions[name] = v
  }
  if (r.query.has('partNumber')) throw new S3Error('NotImplemented', 'GetObject by partNumber is not implemented')
  const res = await ctx.store.objects.get(objectRef(r), method, conditions)
  if (res.status === 404) {
    await requireBucket(ctx, r)
    throw noSuchKey(r.key as string)
  }
  if (res.status === 412) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' })
  if (res.status === 416) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: conditions.range ?? '' },
      res.headers['content-range'] !== undefined ? { 'content-range': res.headers['content-range'] } : {})
  }
  const headers = responseHeaders(r, res.headers)
  if (res.status === 304) {
    r.reply.code(304).headers({ etag: headers.etag ?? '', 'last-modified': headers['last-modified'] ?? '' }).send()
    return
  }
  r.reply.code(res.status).headers({ ...headers, 'accept-ranges': 'bytes' })
  if (res.body !== undefined && method === 'GET') r.reply.send(res.body)
  else {
    res.body?.destroy()
    r.reply.send()
  }
}

export async function deleteObject (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  await ctx.store.objects.largeObjects.deleteWithSegments(objectRef(r))
  sendEmpty(r, 204)
}

/** `/bucket/key` or `bucket/key` from x-amz-copy-source, percent-decoded; a versionId other than null is refused. */
export function copySource (r: S3Request): { bucket: string, key: string } {
  const raw = header(r, 'x-amz-copy-source') ?? ''
  const [path, query] = raw.split('?', 2)
  if (query !== undefined && !/^versionId=null$/.test(query)) throw new S3Error('NotImplemented', 'Copying a specific version is not implemented')
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
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) }
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
  const source: ObjectRef = { account: sourceAccount, container: src.bucket, object: src.key }
  const dest = objectRef(r)
  const same = source.account === dest.account && source.container === dest.container && source.object === dest.object
  if (same && directive === 'COPY') {
    throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.')
  }
  const overrides = directive === 'REPLACE' ? storedHeaders(r) : {}
  const acl = header(r, 'x-amz-acl')
  if (acl !== undefined) overrides[OBJECT_ACL_SYSMETA] = checkCanned(acl)
  try {
    const result = await ctx.store.objects.copy(source, dest, overrides, directive === 'REPLACE', copySourceConditions(r))
    sendXml(r, 200, 'CopyObjectResult', { LastModified: new Date(Number(result.timestamp) * 1000).toISOString(), ETag: `"${result.etag}"` })
  } catch (err) {
    if (err instanceof CoreError && err.code === 'NOT_FOUND') throw noSuchKey(src.key)
    throw err
  }
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
