/**
 * S3 object headers on the way in and out: x-amz-meta-* is stored as Swift's X-Object-Meta-*, the
 * content headers S3 stores are kept as they are, tags (x-amz-tagging) go to sysmeta in the same
 * URL-encoded form, and GET/HEAD answers carry them back along with the ETag (quoted), the
 * checksums when asked, the tag count, and response-* overrides.
 */
import { checkContentType } from '../core/objects.js'
import { OBJECT_ACL_SYSMETA, checkCanned } from './acl.js'
import { storedChecksums } from './checksums.js'
import { header, type S3Request } from './context.js'
import { S3Error, malformedXml } from './errors.js'
import { listOf, parseXml, textOf } from './xml.js'

/** The content headers an object keeps as the client sent them (S3's PutObject and CreateMultipartUpload). */
export const CONTENT_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires']
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

export const OBJECT_TAGGING_SYSMETA = 'x-object-sysmeta-s3-tagging'
export const MAX_OBJECT_TAGS = 10
/** S3's tag alphabet: letters, digits and spaces of any script, and + - = . _ : / @. */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}+\-=._:/@]*$/u

export type Tags = Array<[string, string]>

const invalidTag = (message: string): S3Error => new S3Error('InvalidTag', message)

export function checkTags (tags: Tags, max: number, what: string): Tags {
  if (tags.length > max) throw invalidTag(`${what} tags cannot be greater than ${max}`)
  const keys = new Set<string>()
  for (const [key, value] of tags) {
    const keyLength = [...key].length
    if (keyLength < 1 || keyLength > 128 || !TAG_TEXT.test(key) || key.startsWith('aws:')) throw invalidTag(`The TagKey you have provided is invalid: ${key}`)
    if ([...value].length > 256 || !TAG_TEXT.test(value)) throw invalidTag(`The TagValue you have provided is invalid: ${value}`)
    if (keys.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key')
    keys.add(key)
  }
  return tags
}

export function encodeTags (tags: Tags): string {
  return new URLSearchParams(tags).toString()
}

export function decodeTags (stored: string | undefined): Tags {
  return stored === undefined || stored === '' ? [] : [...new URLSearchParams(stored)]
}

/** The tags of a Tagging document (`<Tagging><TagSet><Tag><Key/><Value/></Tag>...`), checked. */
export function tagsOfDocument (xml: string, max: number, what: string): Tags {
  const set = parseXml(xml, 'Tagging').TagSet
  if (set === undefined) throw malformedXml()
  const tags = typeof set === 'object' && !Array.isArray(set)
    ? listOf(set, 'Tag').map((t): [string, string] => [textOf(t, 'Key') ?? '', textOf(t, 'Value') ?? ''])
    : []
  return checkTags(tags, max, what)
}

/** The stored form of an x-amz-tagging header, checked; undefined when there is none. */
export function taggingHeader (r: S3Request): string | undefined {
  const value = header(r, 'x-amz-tagging')
  if (value === undefined) return undefined
  return encodeTags(checkTags([...new URLSearchParams(value)], MAX_OBJECT_TAGS, 'Object'))
}

/**
 * The tags a copy stores, by x-amz-tagging-directive: REPLACE takes x-amz-tagging (none without
 * it); COPY (the default) keeps the source's, which `sourceTags` gives when the copy would not
 * carry them itself (undefined: leave them to the copy).
 */
export async function copyTagging (r: S3Request, sourceTags: () => Promise<string | undefined>): Promise<string | undefined> {
  const directive = (header(r, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase()
  if (directive === 'REPLACE') return taggingHeader(r) ?? ''
  if (directive !== 'COPY') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: directive })
  }
  return await sourceTags()
}

/** x-amz-tagging-count for a stored object that has tags. */
export function taggingCount (stored: Record<string, string>): Record<string, string> {
  const n = decodeTags(stored[OBJECT_TAGGING_SYSMETA]).length
  return n > 0 ? { 'x-amz-tagging-count': String(n) } : {}
}

/**
 * The Content-Encoding an object keeps: aws-chunked only frames the upload (the body is stored
 * decoded), so it is dropped from the list, and the header with it when nothing else remains.
 */
function storedEncoding (value: string | undefined): string | undefined {
  const kept = (value ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '' && c.toLowerCase() !== 'aws-chunked')
  return kept.length > 0 ? kept.join(',') : undefined
}

/**
 * The storage classes S3 defines. Every object here is stored alike (and listed as STANDARD), so
 * any of them is accepted; a class S3 does not know is refused, as S3 does.
 */
const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING',
  'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE'])

/** The stored headers a PUT, copy with REPLACE, or CreateMultipartUpload asks for. */
export function storedHeaders (r: S3Request): Record<string, string> {
  checkContentType(header(r, 'content-type'))
  const storageClass = header(r, 'x-amz-storage-class')
  if (storageClass !== undefined && !STORAGE_CLASSES.has(storageClass)) {
    throw new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', { StorageClassRequested: storageClass })
  }
  // An empty Content-Type is none (AWS and Swift's s3api store their default then, not '').
  const out: Record<string, string> = { 'content-type': header(r, 'content-type') || 'application/octet-stream' }
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
  const encoding = storedEncoding(out['content-encoding'])
  if (encoding === undefined) delete out['content-encoding']
  else out['content-encoding'] = encoding
  const acl = header(r, 'x-amz-acl')
  if (acl !== undefined) out[OBJECT_ACL_SYSMETA] = checkCanned(acl)
  const tagging = taggingHeader(r)
  if (tagging !== undefined) out[OBJECT_TAGGING_SYSMETA] = tagging
  return out
}

/** What a POST must repeat of a stored object to change only its S3 sysmeta (a POST replaces the rest). */
const REWRITTEN = new Set([...CONTENT_HEADERS, 'content-type', 'x-delete-at', 'x-object-manifest'])

/** The user metadata and content headers of a stored object, to rewrite them (POST replaces all). */
export function rewritableHeaders (stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(stored)) {
    if (k.startsWith('x-object-meta-') || REWRITTEN.has(k) || k.startsWith('x-object-sysmeta-s3-')) out[k] = v
  }
  return out
}

/**
 * Refuses response-* overrides to anonymous callers, as S3 does: otherwise anyone could have a
 * public object served as, say, text/html from the store's origin.
 */
export function checkOverrides (r: S3Request): void {
  if (r.identity !== undefined || !Object.keys(OVERRIDES).some((param) => r.query.has(param))) return
  throw new S3Error('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.')
}

/** The client's view of a stored object's headers. */
export function responseHeaders (r: S3Request, stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(stored)) {
    if (k.startsWith('x-object-meta-')) out[`x-amz-meta-${k.slice('x-object-meta-'.length)}`] = v
  }
  // Content-Disposition goes before Content-Length: Node re-decodes a Content-Disposition that
  // follows a Content-Length as UTF-8, which would change the bytes the object was stored with.
  for (const name of [...CONTENT_HEADERS, 'content-type', 'content-length', 'content-range', 'last-modified']) {
    if (stored[name] !== undefined) out[name] = stored[name]
  }
  if (stored.etag !== undefined) out.etag = `"${stored.etag.replaceAll('"', '')}"`
  Object.assign(out, taggingCount(stored))
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
