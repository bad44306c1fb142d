/**
 * Bucket listings: ListObjects (v1) and ListObjectsV2 (ListObjectVersions is list-versions.ts).
 * The container servers render the page as JSON; this module turns it into S3's shape. Rows of
 * large objects report the whole object's size, and their S3 ETag is the row's `s3_etag`, else
 * the manifest's metadata, else the SLO ETag.
 */
import type { ListEntry } from '../core/listing-pages.js'
import { SLO_S3_ETAG } from './multipart-keys.js'
import { bucketOf, isoTime, requireBucket } from './buckets.js'
import type { S3Context, S3Request } from './context.js'
import { S3Error, escapeXml, invalidArgument } from './errors.js'
import { sendXml } from './respond.js'
import { awsUriEncode } from './sigv4.js'
import { XmlFragment, element, type XmlObject } from './xml.js'

const MAX_KEYS = 1000
/** Above every real key under a common prefix: resuming after `a/` skips all of `a/...`. */
export const PAST_PREFIX = '\u{10FFFF}'

type Entry = { row: ListEntry } | { prefix: string }

export interface ListRequest {
  prefix: string
  delimiter: string
  /** Keys after this one. */
  after: string
  maxKeys: number
}

export interface ListPage {
  entries: Entry[]
  truncated: boolean
  /** The last key or common prefix of the page. */
  last: string
}

export function maxKeysOf (r: S3Request, name = 'max-keys'): number {
  const raw = r.query.get(name)
  if (raw === null) return MAX_KEYS
  if (!/^\d+$/.test(raw)) throw invalidArgument('Provided max-keys not an integer or within integer range', name, raw)
  return Math.min(Number(raw), MAX_KEYS)
}

/** One page of a container's listing in S3 terms. */
export async function listPage (ctx: S3Context, account: string, container: string, q: ListRequest): Promise<ListPage> {
  if (q.maxKeys === 0) return { entries: [], truncated: false, last: '' }
  const marker = q.delimiter !== '' && q.after.startsWith(q.prefix) && q.after.endsWith(q.delimiter) &&
    q.after.slice(q.prefix.length).indexOf(q.delimiter) === q.after.length - q.prefix.length - q.delimiter.length
    ? q.after + PAST_PREFIX
    : q.after
  const params = new URLSearchParams({ format: 'json', limit: String(q.maxKeys + 1) })
  if (q.prefix !== '') params.set('prefix', q.prefix)
  if (q.delimiter !== '') params.set('delimiter', q.delimiter)
  if (marker !== '') params.set('marker', marker)
  const res = await ctx.store.containers.read(account, container, 'GET', `?${params.toString()}`)
  if (res.status === 404) {
    await res.body.dump()
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: container })
  }
  if (res.status >= 300) {
    await res.body.dump()
    throw new S3Error('ServiceUnavailable', `listing answered ${res.status}`)
  }
  const items = await res.body.json() as Array<ListEntry | { subdir: string }>
  const entries: Entry[] = items.map((i) => ('subdir' in i ? { prefix: i.subdir } : { row: i }))
    .filter((e) => !('prefix' in e) || e.prefix !== q.after)
  const truncated = entries.length > q.maxKeys
  const page = entries.slice(0, q.maxKeys)
  const lastEntry = page[page.length - 1]
  const last = lastEntry === undefined ? '' : 'prefix' in lastEntry ? lastEntry.prefix : lastEntry.row.name
  await withLargeObjectFacts(ctx, account, container, page)
  return { entries: page, truncated, last }
}

/**
 * Large objects' S3 ETags: the row's `s3_etag`, else the manifest's, else its SLO ETag (the
 * row's `hash` is the manifest's MD5). Rows stored before `slo_etag` was listed have their SLO ETag as `hash`.
 */
export async function withLargeObjectFacts (ctx: S3Context, account: string, container: string, entries: Entry[]): Promise<void> {
  const lookups: Array<Promise<void>> = []
  for (const e of entries) {
    if ('prefix' in e) continue
    const row = e.row
    const { s3_etag: s3Etag, slo_etag: slo } = row
    if (s3Etag !== undefined) {
      row.hash = s3Etag.replaceAll('"', '')
    } else if (slo !== undefined) {
      lookups.push(ctx.store.objects.get({ account, container, object: row.name }, 'HEAD', {}, false, true).then((head) => {
        row.hash = head.headers[SLO_S3_ETAG] ?? slo.replaceAll('"', '')
      }))
    }
  }
  await Promise.all(lookups)
}

export function encoder (r: S3Request): (s: string) => string {
  const type = r.query.get('encoding-type')
  if (type !== null && type !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type)
  return type === 'url' ? (s) => awsUriEncode(s, true) : (s) => s
}

export function owner (r: S3Request): XmlObject {
  return { ID: r.account, DisplayName: r.account }
}

/** The page's objects as `<Contents>` elements, and how many. */
function contents (page: ListPage, enc: (s: string) => string, withOwner: XmlObject | undefined): { xml: XmlFragment, count: number } {
  const ownerXml = element('Owner', withOwner)
  let xml = ''
  let count = 0
  for (const e of page.entries) {
    if ('prefix' in e) continue
    const row = e.row
    xml += `<Contents><Key>${escapeXml(enc(row.name))}</Key><LastModified>${isoTime(row.last_modified)}</LastModified>` +
      `<ETag>&quot;${escapeXml(row.hash)}&quot;</ETag><Size>${row.bytes}</Size>${ownerXml}<StorageClass>STANDARD</StorageClass></Contents>`
    count++
  }
  return { xml: new XmlFragment(xml), count }
}

function commonPrefixes (page: ListPage, enc: (s: string) => string): XmlObject[] {
  return page.entries.filter((e): e is { prefix: string } => 'prefix' in e).map((e) => ({ Prefix: enc(e.prefix) }))
}

function common (r: S3Request): { prefix: string, delimiter: string, enc: (s: string) => string } {
  return { prefix: r.query.get('prefix') ?? '', delimiter: r.query.get('delimiter') ?? '', enc: encoder(r) }
}

export async function listObjectsV1 (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const { prefix, delimiter, enc } = common(r)
  const marker = r.query.get('marker') ?? ''
  const maxKeys = maxKeysOf(r)
  const page = await listPage(ctx, r.account, bucketOf(r), { prefix, delimiter, after: marker, maxKeys })
  sendXml(r, 200, 'ListBucketResult', {
    Name: bucketOf(r),
    Prefix: enc(prefix),
    Marker: enc(marker),
    ...(page.truncated && delimiter !== '' ? { NextMarker: enc(page.last) } : {}),
    MaxKeys: maxKeys,
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    ...(r.query.has('encoding-type') ? { EncodingType: 'url' } : {}),
    IsTruncated: page.truncated,
    Contents: contents(page, enc, owner(r)).xml,
    CommonPrefixes: commonPrefixes(page, enc)
  })
}

function decodeToken (token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8')
  if (token === '' || Buffer.from(key, 'utf8').toString('base64url') !== token.replace(/=+$/, '')) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
  }
  return key
}

export async function listObjectsV2 (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const { prefix, delimiter, enc } = common(r)
  const token = r.query.get('continuation-token')
  const startAfter = r.query.get('start-after') ?? ''
  const after = token !== null ? decodeToken(token) : startAfter
  const maxKeys = maxKeysOf(r)
  const fetchOwner = r.query.get('fetch-owner') === 'true'
  const page = await listPage(ctx, r.account, bucketOf(r), { prefix, delimiter, after, maxKeys })
  const objects = contents(page, enc, fetchOwner ? owner(r) : undefined)
  const prefixes = commonPrefixes(page, enc)
  sendXml(r, 200, 'ListBucketResult', {
    Name: bucketOf(r),
    Prefix: enc(prefix),
    ...(token !== null ? { ContinuationToken: token } : {}),
    ...(startAfter !== '' ? { StartAfter: enc(startAfter) } : {}),
    ...(page.truncated ? { NextContinuationToken: Buffer.from(page.last, 'utf8').toString('base64url') } : {}),
    KeyCount: objects.count + prefixes.length,
    MaxKeys: maxKeys,
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    ...(r.query.has('encoding-type') ? { EncodingType: 'url' } : {}),
    IsTruncated: page.truncated,
    Contents: objects.xml,
    CommonPrefixes: prefixes
  })
}
