/**
 * S3 object headers on the way in and out: x-amz-meta-* is stored as Swift's X-Object-Meta-*, the
 * content headers S3 stores are kept as they are, and GET/HEAD answers carry them back along with
 * the ETag (quoted), the checksums when asked, and response-* overrides.
 */
import { OBJECT_ACL_SYSMETA, checkCanned } from './acl.js'
import { storedChecksums } from './checksums.js'
import { header, type S3Request } from './context.js'
import { S3Error } from './errors.js'

const CONTENT_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires']
const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding'
}
/** Swift's limit on one request's metadata, which S3's 2 KB fits within. */
const MAX_META_BYTES = 4096

/** The stored headers a PUT, copy with REPLACE, or CreateMultipartUpload asks for. */
export function storedHeaders (r: S3Request): Record<string, string> {
  const out: Record<string, string> = { 'content-type': header(r, 'content-type') ?? 'application/octet-stream' }
  let size = 0
  for (const [name, value] of Object.entries(r.req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue
    const text = Array.isArray(value) ? value.join(',') : value
    size += name.length - 'x-amz-meta-'.length + Buffer.byteLength(text)
    out[`x-object-meta-${name.slice('x-amz-meta-'.length)}`] = text
  }
  if (size > MAX_META_BYTES) throw new S3Error('MetadataTooLarge', `Your metadata headers exceed the maximum allowed metadata size (${MAX_META_BYTES} bytes)`)
  for (const name of CONTENT_HEADERS) {
    const v = header(r, name)
    if (v !== undefined) out[name] = v
  }
  const acl = header(r, 'x-amz-acl')
  if (acl !== undefined) out[OBJECT_ACL_SYSMETA] = checkCanned(acl)
  return out
}

/** The user metadata and content headers of a stored object, to rewrite them (POST replaces all). */
export function rewritableHeaders (stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(stored)) {
    if (k.startsWith('x-object-meta-') || CONTENT_HEADERS.includes(k) || k === 'content-type' || k.startsWith('x-object-sysmeta-s3-')) out[k] = v
  }
  return out
}

/** The client's view of a stored object's headers. */
export function responseHeaders (r: S3Request, stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(stored)) {
    if (k.startsWith('x-object-meta-')) out[`x-amz-meta-${k.slice('x-object-meta-'.length)}`] = v
  }
  for (const name of ['content-type', 'content-length', 'content-range', 'last-modified', ...CONTENT_HEADERS]) {
    if (stored[name] !== undefined) out[name] = stored[name]
  }
  if (stored.etag !== undefined) out.etag = `"${stored.etag.replaceAll('"', '')}"`
  // A checksum covers the whole object: a range's bytes would not match it.
  if ((header(r, 'x-amz-checksum-mode') ?? '').toUpperCase() === 'ENABLED' && stored['content-range'] === undefined) {
    Object.assign(out, storedChecksums(stored))
  }
  for (const [param, name] of Object.entries(OVERRIDES)) {
    const v = r.query.get(param)
    if (v !== null) out[name] = v
  }
  return out
}
