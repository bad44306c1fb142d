/**
 * Large objects in Swift's static-large-object (SLO) form, shared by S3 multipart uploads and the
 * Swift API: a manifest object with `X-Static-Large-Object: True` whose body is the JSON list of
 * its segments `[{name: "/container/object", hash, bytes}]`, the segments being ordinary objects
 * of the same account. A GET of the manifest streams the segments in order (ranges may span
 * segments); HEAD answers from the manifest's metadata alone.
 *
 * Metadata kept on the manifest: `X-Object-Sysmeta-Slo-Etag` (MD5 of the segments' ETags, as
 * Swift), `X-Object-Sysmeta-Slo-Size` (total bytes), `swift_bytes=<total>` in the stored
 * Content-Type (what container listings report, as Swift), and Swift's container-update override
 * headers so that listings can show the whole object's ETag and size.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { BackendHeaders } from '../backend/client.js'
import { CoreError } from './errors.js'
import type { ObjectRef, ObjectResponse, Objects, PutResult } from './objects.js'

export const MANIFEST_HEADER = 'x-static-large-object'
export const SLO_ETAG = 'x-object-sysmeta-slo-etag'
export const SLO_SIZE = 'x-object-sysmeta-slo-size'
/** Names the stored header a large object's conditionals compare with (default: SLO_ETAG). */
export const ETAG_IS_AT = 'x-backend-etag-is-at'
const OVERRIDE_ETAG = 'x-object-sysmeta-container-update-override-etag'
const OVERRIDE_SIZE = 'x-object-sysmeta-container-update-override-size'
/** A manifest of 10,000 segments with long names stays well below this. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024

export interface Segment {
  /** `/container/object` in the manifest's account. */
  name: string
  hash: string
  bytes: number
}

export function isManifest (headers: Record<string, string>): boolean {
  return /^(true|yes|1|on)$/i.test(headers[MANIFEST_HEADER] ?? '')
}

/** The stored headers of a manifest that describe the manifest, not the content: dropped by copies. */
export function withoutManifestHeaders (headers: BackendHeaders): BackendHeaders {
  const out: BackendHeaders = {}
  for (const [k, v] of Object.entries(headers)) {
    if (k === MANIFEST_HEADER || k.startsWith('x-object-sysmeta-slo-') || k.startsWith('x-object-sysmeta-container-update-override-')) continue
    out[k] = k === 'content-type' ? stripSwiftBytes(v) : v
  }
  return out
}

export function stripSwiftBytes (contentType: string): string {
  return contentType.replace(/;\s*swift_bytes=\d+/, '')
}

/** Swift's SLO ETag: MD5 over the segments' ETags as hex text. */
export function sloEtag (segments: Segment[]): string {
  const md5 = createHash('md5')
  for (const s of segments) md5.update(s.hash)
  return md5.digest('hex')
}

function parseSegments (body: Buffer, ref: ObjectRef): Segment[] {
  let list: unknown
  try {
    list = JSON.parse(body.toString('utf8'))
  } catch {
    throw new CoreError('UNAVAILABLE', `manifest ${ref.container}/${ref.object} is not valid JSON`)
  }
  if (!Array.isArray(list)) throw new CoreError('UNAVAILABLE', `manifest ${ref.container}/${ref.object} is not a list`)
  return list.map((s: { name?: unknown, hash?: unknown, bytes?: unknown }) => ({
    name: String(s.name), hash: String(s.hash), bytes: Number(s.bytes)
  }))
}

function segmentRef (account: string, name: string): ObjectRef {
  const trimmed = name.startsWith('/') ? name.slice(1) : name
  const slash = trimmed.indexOf('/')
  return { account, container: trimmed.slice(0, slash), object: trimmed.slice(slash + 1) }
}

/** One byte range (inclusive) of `total` from a Range header; undefined means the whole object. */
export function parseRange (value: string | undefined, total: number): { first: number, last: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec((value ?? '').trim())
  if (m === null || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || total === 0) return 'unsatisfiable'
    return { first: Math.max(0, total - suffix), last: total - 1 }
  }
  const first = Number(m[1])
  const last = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1)
  if (m[2] !== '' && Number(m[2]) < first) return undefined
  if (first >= total) return 'unsatisfiable'
  return { first, last }
}

function etagMatches (list: string, etag: string): boolean {
  return list.split(',').some((e) => { const t = e.trim().replace(/^W\//, '').replaceAll('"', ''); return t === '*' || t === etag })
}

/** 304/412 for the request's conditionals against the large object's ETag and Last-Modified, else undefined. */
export function conditionStatus (conditions: BackendHeaders, etag: string, lastModified: number): number | undefined {
  const ifMatch = conditions['if-match']
  if (ifMatch !== undefined && !etagMatches(ifMatch, etag)) return 412
  const since = Date.parse(conditions['if-unmodified-since'] ?? '')
  if (ifMatch === undefined && Number.isFinite(since) && lastModified > since) return 412
  const ifNone = conditions['if-none-match']
  if (ifNone !== undefined && etagMatches(ifNone, etag)) return 304
  const modSince = Date.parse(conditions['if-modified-since'] ?? '')
  if (ifNone === undefined && Number.isFinite(modSince) && lastModified <= modSince) return 304
  return undefined
}

export class LargeObjects {
  constructor (private readonly objects: Objects) {}

  /** Writes a manifest over `segments` (which must exist, in order) with the whole object's headers. */
  async putManifest (ref: ObjectRef, segments: Segment[], headers: BackendHeaders): Promise<PutResult & { sloEtag: string }> {
    const total = segments.reduce((n, s) => n + s.bytes, 0)
    const etag = sloEtag(segments)
    const body = Buffer.from(JSON.stringify(segments))
    const result = await this.objects.put(ref, {
      body: Readable.from([body]),
      contentLength: body.length,
      headers: {
        ...headers,
        'content-type': `${headers['content-type'] ?? 'application/octet-stream'};swift_bytes=${total}`,
        [MANIFEST_HEADER]: 'True',
        [SLO_ETAG]: etag,
        [SLO_SIZE]: String(total),
        [OVERRIDE_ETAG]: headers[OVERRIDE_ETAG] ?? etag,
        [OVERRIDE_SIZE]: String(total)
      }
    })
    return { ...result, size: total, sloEtag: etag }
  }

  /** The manifest's segment list (the manifest object itself, not expanded). */
  async segments (ref: ObjectRef): Promise<Segment[]> {
    const res = await this.objects.get(ref, 'GET', {}, false, true)
    if (res.status === 404 || res.body === undefined) {
      res.body?.destroy()
      throw new CoreError('NOT_FOUND', `manifest ${ref.container}/${ref.object} not found`)
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_MANIFEST_BYTES) {
        res.body.destroy()
        throw new CoreError('UNAVAILABLE', `manifest ${ref.container}/${ref.object} is larger than ${MAX_MANIFEST_BYTES} bytes`)
      }
      chunks.push(chunk)
    }
    return parseSegments(Buffer.concat(chunks), ref)
  }

  /**
   * Turns the stored answer for `ref` into the whole object's when it is a manifest. A range or
   * If-Match that the storage node judged against the manifest's own bytes (416, 412) is
   * re-judged here against the whole object.
   */
  async expand (ref: ObjectRef, method: 'GET' | 'HEAD', conditions: BackendHeaders, newest: boolean,
    stored: ObjectResponse): Promise<ObjectResponse> {
    let manifest = stored
    if (!isManifest(stored.headers)) {
      const maybeManifest = stored.status === 416 || (stored.status === 412 && conditions['if-match'] !== undefined)
      if (!maybeManifest) return stored
      manifest = await this.objects.get(ref, 'HEAD', {}, newest, true)
      if (!isManifest(manifest.headers)) return stored
    }
    manifest.body?.destroy()
    const h = manifest.headers
    const total = Number(h[SLO_SIZE] ?? 0)
    const etag = h[conditions[ETAG_IS_AT] ?? SLO_ETAG] ?? h[SLO_ETAG] ?? ''
    const headers: Record<string, string> = { ...h, etag, 'content-type': stripSwiftBytes(h['content-type'] ?? '') }
    const verdict = conditionStatus(conditions, etag, Date.parse(h['last-modified'] ?? ''))
    if (verdict !== undefined) {
      delete headers['content-length']
      return { status: verdict, headers }
    }
    const range = parseRange(conditions.range, total)
    if (range === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${total}`, 'content-length': '0' } }
    }
    const span = range ?? { first: 0, last: total - 1 }
    headers['content-length'] = String(Math.max(0, span.last - span.first + 1))
    if (range !== undefined) headers['content-range'] = `bytes ${span.first}-${span.last}/${total}`
    const status = range !== undefined ? 206 : 200
    if (method === 'HEAD') return { status, headers }
    const segments = await this.segments(ref)
    return { status, headers, body: Readable.from(this.segmentBytes(ref.account, segments, span.first, span.last)) }
  }

  /** Streams bytes first..last (inclusive) of the concatenated segments, fetching only those needed (SLO, and DLO for its listed segments). */
  async * segmentBytes (account: string, segments: Segment[], first: number, last: number): AsyncGenerator<Buffer> {
    let offset = 0
    for (const segment of segments) {
      const start = offset
      const end = offset + segment.bytes - 1
      offset += segment.bytes
      if (end < first || segment.bytes === 0) continue
      if (start > last) return
      const from = Math.max(first, start) - start
      const to = Math.min(last, end) - start
      const whole = from === 0 && to === segment.bytes - 1
      const res = await this.objects.get(segmentRef(account, segment.name), 'GET',
        whole ? {} : { range: `bytes=${from}-${to}` }, false, true)
      if ((res.status !== 200 && res.status !== 206) || res.body === undefined) {
        res.body?.destroy()
        throw new CoreError('UNAVAILABLE', `segment ${segment.name} answered ${res.status}`)
      }
      if (res.headers.etag !== undefined && whole && res.headers.etag.replaceAll('"', '') !== segment.hash) {
        res.body.destroy()
        throw new CoreError('UNAVAILABLE', `segment ${segment.name} changed since the manifest was written`)
      }
      yield * (res.body as AsyncIterable<Buffer>)
    }
  }

  /** Deletes a manifest and then its segments; a plain object is just deleted. */
  async deleteWithSegments (ref: ObjectRef): Promise<number> {
    const head = await this.objects.get(ref, 'HEAD', {}, false, true)
    const segments = isManifest(head.headers) ? await this.segments(ref) : []
    const status = await this.objects.delete(ref)
    for (const s of segments) await this.objects.delete(segmentRef(ref.account, s.name)).catch(() => 0)
    return status
  }
}
