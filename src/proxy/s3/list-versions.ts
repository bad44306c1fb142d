/**
 * ListObjectVersions: the bucket's current objects and its archive (core/bucket-versioning.ts) walked side by
 * side in key order, each key's versions and delete markers newest first, the first of each key
 * the latest. Paging as S3: key-marker and version-id-marker resume after a version,
 * NextKeyMarker/NextVersionIdMarker name the last one listed; a delimiter rolls keys up into
 * common prefixes, each counted once against max-keys. A bucket whose versioning was never set
 * lists each key once, as version "null".
 */
import { CoreError } from '../core/errors.js'
import type { ListEntry } from '../core/listing-pages.js'
import { isDeleteMarker } from '../core/versioning.js'
import {
  NULL_VERSION, archiveName, parseArchiveName, versionIdOf, type ArchivedName, type BucketVersions
} from '../core/bucket-versioning.js'
import { bucketOf, isoTime } from './buckets.js'
import type { S3Context, S3Request } from './context.js'
import { invalidArgument } from './errors.js'
import { PAST_PREFIX, encoder, maxKeysOf, owner, withLargeObjectFacts } from './listing.js'
import { bucketVersions } from './objects.js'
import { sendXml } from './respond.js'
import { checkVersionId } from './versioning.js'
import type { XmlObject } from './xml.js'

const PAGE = 1000
const HEADS_AT_ONCE = 16
const SEP = '\u0001'

/** One container's listing under a prefix, read a page at a time from a marker, that can skip ahead. */
class Cursor {
  private rows: ListEntry[] = []
  private at = 0
  private done = false

  constructor (private readonly ctx: S3Context, private readonly account: string, private readonly container: string,
    private readonly prefix: string, private marker: string) {}

  async peek (): Promise<ListEntry | undefined> {
    while (this.at >= this.rows.length && !this.done) await this.fetch()
    return this.rows[this.at]
  }

  advance (): void {
    this.at++
  }

  /** Goes past every name up to `marker`. */
  seekPast (marker: string): void {
    while (this.at < this.rows.length && this.rows[this.at].name <= marker) this.at++
    if (this.at >= this.rows.length && !this.done) this.marker = marker
  }

  private async fetch (): Promise<void> {
    const q = new URLSearchParams({ format: 'json', limit: String(PAGE), prefix: this.prefix, marker: this.marker })
    const res = await this.ctx.store.containers.read(this.account, this.container, 'GET', `?${q.toString()}`)
    if (res.status === 404 || res.status === 204) {
      await res.body.dump()
      this.rows = []
      this.at = 0
      this.done = true
      return
    }
    if (res.status !== 200) {
      await res.body.dump()
      throw new CoreError('UNAVAILABLE', `listing ${this.container} answered ${res.status}`)
    }
    this.rows = await res.body.json() as ListEntry[]
    this.at = 0
    this.done = this.rows.length < PAGE
    if (this.rows.length > 0) this.marker = this.rows[this.rows.length - 1].name
  }
}

type Listed =
  | { kind: 'current', key: string, row: ListEntry, latest: boolean, versionId?: string }
  | { kind: 'archived', key: string, row: ListEntry, latest: boolean, name: ArchivedName, marker: boolean }
  | { kind: 'prefix', key: string }

interface Query { prefix: string, delimiter: string, keyMarker: string, versionIdMarker: string, maxKeys: number }

/** The common prefix `key` rolls up into, if any. */
function rollUp (q: Query, key: string): string | undefined {
  if (q.delimiter === '') return undefined
  const at = key.indexOf(q.delimiter, q.prefix.length)
  return at < 0 ? undefined : key.slice(0, at + q.delimiter.length)
}

/** Where each listing resumes after the request's markers. */
async function startMarkers (versions: BucketVersions, q: Query): Promise<{ current: string, archive: string }> {
  const k = q.keyMarker
  if (k === '') return { current: '', archive: '' }
  if (rollUp(q, k) === k) return { current: k + PAST_PREFIX, archive: k + PAST_PREFIX }
  if (q.versionIdMarker === '') return { current: k, archive: k + SEP + PAST_PREFIX }
  if (q.versionIdMarker !== NULL_VERSION) return { current: k, archive: archiveName(k, q.versionIdMarker, false) }
  const found = await versions.find(k, NULL_VERSION)
  if (found?.where === 'archive') return { current: k, archive: found.ref.object }
  // After a current null version: all of the key's archived versions follow it.
  return { current: k, archive: found === undefined ? k + SEP + PAST_PREFIX : k + SEP }
}

/** The next entry of the merged listing, from whichever cursor is first in key order (current first on a tie). */
async function nextEntry (current: Cursor, archive: Cursor): Promise<{ from: 'current', row: ListEntry } | { from: 'archive', row: ListEntry, name: ArchivedName } | undefined> {
  let archived = await archive.peek()
  let name = archived === undefined ? undefined : parseArchiveName(archived.name)
  while (archived !== undefined && name === undefined) {
    archive.advance()
    archived = await archive.peek()
    name = archived === undefined ? undefined : parseArchiveName(archived.name)
  }
  const row = await current.peek()
  if (row !== undefined && (archived === undefined || name === undefined || row.name <= name.key)) return { from: 'current', row }
  if (archived === undefined || name === undefined) return undefined
  return { from: 'archive', row: archived, name }
}

async function collect (ctx: S3Context, versions: BucketVersions, q: Query): Promise<{ entries: Listed[], truncated: boolean }> {
  const start = await startMarkers(versions, q)
  const current = new Cursor(ctx, versions.account, versions.bucket, q.prefix, start.current)
  const archive = new Cursor(ctx, versions.account, versions.archive.container, q.prefix, start.archive)
  const entries: Listed[] = []
  let lastKey = q.versionIdMarker !== '' ? q.keyMarker : undefined
  while (entries.length < q.maxKeys) {
    const next = await nextEntry(current, archive)
    if (next === undefined) break
    const key = next.from === 'current' ? next.row.name : next.name.key
    const common = rollUp(q, key)
    if (common !== undefined) {
      entries.push({ kind: 'prefix', key: common })
      current.seekPast(common + PAST_PREFIX)
      archive.seekPast(common + PAST_PREFIX)
      continue
    }
    const latest = key !== lastKey
    lastKey = key
    if (next.from === 'current') {
      entries.push({ kind: 'current', key, row: next.row, latest })
      current.advance()
    } else {
      entries.push({ kind: 'archived', key, row: next.row, latest, name: next.name, marker: isDeleteMarker(next.row.content_type) })
      archive.advance()
    }
  }
  const truncated = entries.length >= q.maxKeys && (await nextEntry(current, archive)) !== undefined
  return { entries, truncated }
}

/** Each current object's version id: it is in its headers, not in the listing. */
async function withVersionIds (ctx: S3Context, versions: BucketVersions, entries: Listed[]): Promise<void> {
  const currents = entries.filter((e): e is Extract<Listed, { kind: 'current' }> => e.kind === 'current')
  if (versions.status === undefined) {
    for (const e of currents) e.versionId = NULL_VERSION
    return
  }
  for (let i = 0; i < currents.length; i += HEADS_AT_ONCE) {
    await Promise.all(currents.slice(i, i + HEADS_AT_ONCE).map(async (e) => {
      const head = await ctx.store.objects.get(versions.ref(e.key), 'HEAD', {}, false, true)
      e.versionId = head.status === 200 ? versionIdOf(head.headers) : NULL_VERSION
    }))
  }
}

function versionOf (e: Listed): string {
  if (e.kind === 'current') return e.versionId ?? NULL_VERSION
  if (e.kind === 'archived') return e.name.isNull ? NULL_VERSION : e.name.stamp
  return ''
}

function render (r: S3Request, e: Exclude<Listed, { kind: 'prefix' }>, enc: (s: string) => string): XmlObject {
  const id = versionOf(e)
  // A version's time is its own write's: for an archived copy (or one made current again) its stamp.
  const stamp = e.kind === 'archived' ? e.name.stamp : id !== NULL_VERSION ? id : undefined
  const lastModified = stamp !== undefined ? new Date(Number(stamp) * 1000).toISOString() : isoTime(e.row.last_modified)
  const common = { Key: enc(e.key), VersionId: id, IsLatest: e.latest, LastModified: lastModified }
  if (e.kind === 'archived' && e.marker) return { ...common, Owner: owner(r) }
  return { ...common, ETag: `"${e.row.hash}"`, Size: e.row.bytes, Owner: owner(r), StorageClass: 'STANDARD' }
}

export async function listObjectVersions (ctx: S3Context, r: S3Request): Promise<void> {
  const versions = await bucketVersions(ctx, r)
  const enc = encoder(r)
  const q: Query = {
    prefix: r.query.get('prefix') ?? '',
    delimiter: r.query.get('delimiter') ?? '',
    keyMarker: r.query.get('key-marker') ?? '',
    versionIdMarker: r.query.get('version-id-marker') ?? '',
    maxKeys: maxKeysOf(r)
  }
  if (q.versionIdMarker !== '') {
    if (q.keyMarker === '') throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', q.versionIdMarker)
    checkVersionId(q.versionIdMarker, 'version-id-marker')
  }
  const { entries, truncated } = await collect(ctx, versions, q)
  await withVersionIds(ctx, versions, entries)
  const rows = entries.filter((e): e is Exclude<Listed, { kind: 'prefix' }> => e.kind !== 'prefix')
  await withLargeObjectFacts(ctx, r.account, bucketOf(r), rows.filter((e) => e.kind === 'current'))
  await withLargeObjectFacts(ctx, r.account, versions.archive.container, rows.filter((e) => e.kind === 'archived'))
  const last = entries[entries.length - 1]
  const isMarker = (e: Listed): boolean => e.kind === 'archived' && e.marker
  sendXml(r, 200, 'ListVersionsResult', {
    Name: bucketOf(r),
    Prefix: enc(q.prefix),
    KeyMarker: enc(q.keyMarker),
    VersionIdMarker: q.versionIdMarker,
    ...(truncated && last !== undefined ? { NextKeyMarker: enc(last.key), ...(last.kind !== 'prefix' ? { NextVersionIdMarker: versionOf(last) } : {}) } : {}),
    MaxKeys: q.maxKeys,
    ...(q.delimiter !== '' ? { Delimiter: enc(q.delimiter) } : {}),
    ...(r.query.has('encoding-type') ? { EncodingType: 'url' } : {}),
    IsTruncated: truncated,
    Version: rows.filter((e) => !isMarker(e)).map((e) => render(r, e, enc)),
    DeleteMarker: rows.filter(isMarker).map((e) => render(r, e, enc)),
    CommonPrefixes: entries.filter((e) => e.kind === 'prefix').map((e) => ({ Prefix: enc(e.key) }))
  })
}
