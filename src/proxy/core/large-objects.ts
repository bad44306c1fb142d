/**
 * Large objects in Swift's static-large-object (SLO) form, shared by S3 multipart uploads and the
 * Swift API: a manifest object with `X-Static-Large-Object: True` whose body is the JSON list of
 * its segments `[{name: "/container/object", hash, bytes, range?, sub_slo?}]`, the segments being
 * objects of the same account. `bytes` and `hash` describe the whole segment object; `range`
 * (`first-last`, inclusive) takes only those bytes of it; `sub_slo` marks a segment that is itself
 * a manifest, read through its own segments (at most MAX_DEPTH manifests deep, as Swift). A GET of
 * the manifest streams the segments in order (ranges may span segments); HEAD answers from the
 * manifest's metadata alone.
 *
 * Metadata kept on the manifest: `X-Object-Sysmeta-Slo-Etag` (Swift's: MD5 of the segments'
 * ETags, `<etag>:<range>;` for a ranged one), `X-Object-Sysmeta-Slo-Size` (total bytes), and
 * what its container row shows, in Swift's form: the row keeps the manifest's own size and MD5
 * (the segments are counted in their own rows), `;swift_bytes=<total>` in the stored
 * Content-Type gives listings the whole object's size, and the container-update override ETag
 * `<manifest MD5>; slo_etag=<SLO ETag>` its ETag.
 */
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { byteRangesBody, evaluateConditions, parseRange } from '../../common/http-conditionals.js'
import { SWIFT_BYTES } from '../../common/content-type.js'
import { MANIFEST_HEADER, isManifest } from '../../common/object-headers.js'
import type { BackendHeaders } from '../backend/client.js'
import { CoreError } from './errors.js'
import type { ObjectRef, ObjectResponse, Objects, Precondition, PutResult } from './objects.js'
import type { ObjectStore } from './store.js'

/** Marks a dynamic large object (Swift's DLO, expanded by the Swift API's dlo middleware). */
export const DLO_MANIFEST_HEADER = 'x-object-manifest'
export const SLO_ETAG = 'x-object-sysmeta-slo-etag'
export const SLO_SIZE = 'x-object-sysmeta-slo-size'
/** Names the stored header a large object's conditionals compare with (default: SLO_ETAG). */
export const ETAG_IS_AT = 'x-backend-etag-is-at'
/**
 * The ETag a write's container row keeps instead of the body's MD5. A caller of putManifest may
 * give parameters of its own (`; s3_etag=...`) with the value left empty: the manifest's MD5.
 */
export const OVERRIDE_ETAG = 'x-object-sysmeta-container-update-override-etag'
/** A manifest of 10,000 segments with long names stays well below this. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024

/** Swift reads at most this many manifests nested in one another; deeper is a 409 on GET. */
export const MAX_DEPTH = 10

/** The hidden container that holds a bucket's multipart uploads and parts. */
export function segmentsContainer (bucket: string): string {
  return `${bucket}+segments`
}

/**
 * A view of `store` for a caller who does not own the account: its large-object reads fetch only
 * the segments `mayRead` allows (Swift reads segments as the caller), and stop with a 409 at
 * any other. The parts of the multipart uploads of the containers the request reads (`homes`,
 * their +segments containers) go with them: whoever may read an object of a bucket may read its
 * parts. Views made from this one keep the check.
 */
export function withSegmentCheck (store: ObjectStore, homes: Array<{ account: string, container: string }>,
  mayRead: (segment: ObjectRef) => Promise<boolean>): ObjectStore {
  const parts = homes.map((h) => ({ account: h.account, container: segmentsContainer(h.container) }))
  const segmentReadable = async (segment: ObjectRef): Promise<boolean> =>
    parts.some((p) => p.account === segment.account && p.container === segment.container) || await mayRead(segment)
  return { ...store, objects: store.objects.with({ segmentReadable }, true) }
}

export interface Segment {
  /** `/container/object` in the manifest's account. */
  name: string
  /** The segment object's ETag (a sub-manifest's: its SLO ETag). */
  hash: string
  /** The segment object's whole size (a sub-manifest's: its total). */
  bytes: number
  /** `first-last` (inclusive, within the segment): only these bytes are part of the object. */
  range?: string
  /** The segment is itself a manifest. */
  sub_slo?: boolean
}

/**
 * The stored headers of a manifest (SLO or DLO) that describe the manifest, not the content:
 * dropped by copies of the content, and by new manifests, which set their own.
 */
export function withoutManifestHeaders (headers: BackendHeaders): BackendHeaders {
  const out: BackendHeaders = {}
  for (const [k, v] of Object.entries(headers)) {
    if (k === MANIFEST_HEADER || k === DLO_MANIFEST_HEADER || k.startsWith('x-object-sysmeta-slo-') ||
      k.startsWith('x-object-sysmeta-container-update-override-')) continue
    out[k] = k === 'content-type' ? stripSwiftBytes(v) : v
  }
  return out
}

export function stripSwiftBytes (contentType: string): string {
  return contentType.replace(/;\s*swift_bytes=\d+/, '')
}

/** The bytes of its object a segment stands for, inclusive. */
export function segmentSpan (s: Segment): { first: number, last: number } {
  const m = /^(\d+)-(\d+)$/.exec(s.range ?? '')
  return m === null ? { first: 0, last: s.bytes - 1 } : { first: Number(m[1]), last: Number(m[2]) }
}

/** How many bytes a segment adds to the large object. */
export function segmentLength (s: Segment): number {
  const { first, last } = segmentSpan(s)
  return last - first + 1
}

/** The override ETag of a manifest whose body has MD5 `manifestEtag`, after the caller's `override`. */
function rowEtag (override: string | undefined, manifestEtag: string, etag: string): string {
  const [value, ...params] = (override ?? '').split(';').map((p) => p.trim())
  return [value === '' ? manifestEtag : value, ...params, `slo_etag=${etag}`].join('; ')
}

/** Swift's SLO ETag: MD5 over the segments' ETags as hex text, each ranged one as `<etag>:<range>;`. */
export function sloEtag (segments: Segment[]): string {
  const md5 = createHash('md5')
  for (const s of segments) md5.update(s.range === undefined ? s.hash : `${s.hash}:${s.range};`)
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
  return list.map((s: { name?: unknown, hash?: unknown, bytes?: unknown, range?: unknown, sub_slo?: unknown }) => ({
    name: String(s.name),
    hash: String(s.hash),
    bytes: Number(s.bytes),
    ...(typeof s.range === 'string' ? { range: s.range } : {}),
    ...(s.sub_slo === true ? { sub_slo: true } : {})
  }))
}

/** The object a segment names (`/container/object`, the leading slash optional) in `account`. */
export function segmentRef (account: string, name: string): ObjectRef {
  const trimmed = name.startsWith('/') ? name.slice(1) : name
  const slash = trimmed.indexOf('/')
  return { account, container: trimmed.slice(0, slash), object: trimmed.slice(slash + 1) }
}

/** One byte range (inclusive) of `total` from a Range header; undefined means the whole object. */
/** The object behind a stream that yields `chunks`, whose first chunk (and so its first segment's answer) is already read. */
/**
 * The answer for a large object of `total` bytes: the request's conditionals and ranges judged
 * against the whole object (Swift's rules, common/http-conditionals.ts), its bytes read through
 * `bytes`. With `readFirst`, a GET reads its first segment before answering, as Swift's SLO
 * does, so that a missing or changed first segment is a 409, not a cut body.
 */
export async function wholeObjectAnswer (headers: Record<string, string>, etag: string, total: number, method: 'GET' | 'HEAD',
  conditions: BackendHeaders, bytes: (first: number, last: number) => AsyncGenerator<Buffer>, readFirst: boolean): Promise<ObjectResponse> {
  const out: Record<string, string> = { ...headers, etag: `"${etag}"` }
  const verdict = evaluateConditions(conditions, etag, Date.parse(headers['last-modified'] ?? '') / 1000)
  if (verdict !== undefined) {
    delete out['content-length']
    return { status: verdict, headers: out }
  }
  const ranges = parseRange(conditions.range, total)
  if (ranges === 'unsatisfiable') return { status: 416, headers: { ...out, 'content-range': `bytes */${total}`, 'content-length': '0' } }
  let chunks: () => AsyncGenerator<Buffer>
  if (ranges === undefined) {
    out['content-length'] = String(total)
    chunks = () => bytes(0, total - 1)
  } else if (ranges.length === 1) {
    const [{ start, end }] = ranges
    out['content-length'] = String(end - start + 1)
    out['content-range'] = `bytes ${start}-${end}/${total}`
    chunks = () => bytes(start, end)
  } else {
    const framing = byteRangesBody(ranges, total, out['content-type'] ?? 'application/octet-stream', randomBytes(16).toString('hex'))
    out['content-type'] = framing.contentType
    out['content-length'] = String(framing.length)
    chunks = async function * () {
      for (let i = 0; i < ranges.length; i++) {
        yield Buffer.from(framing.heads[i])
        yield * bytes(ranges[i].start, ranges[i].end)
        yield Buffer.from(framing.partEnd)
      }
      yield Buffer.from(framing.closing)
    }
  }
  const status = ranges === undefined ? 200 : 206
  if (method === 'HEAD' || total === 0) return { status, headers: out }
  return { status, headers: out, body: readFirst ? await primed(chunks()) : Readable.from(chunks()) }
}

async function primed (chunks: AsyncGenerator<Buffer>): Promise<Readable> {
  const first = await chunks.next()
  return Readable.from((async function * () {
    if (first.done === true) return
    yield first.value
    yield * chunks
  })())
}

export class LargeObjects {
  constructor (private readonly objects: Objects) {}

  /** Writes a manifest over `segments` (which must exist, in order) with the whole object's headers. */
  async putManifest (ref: ObjectRef, segments: Segment[], headers: BackendHeaders, precondition?: Precondition): Promise<PutResult & { sloEtag: string }> {
    const total = segments.reduce((n, s) => n + segmentLength(s), 0)
    const etag = sloEtag(segments)
    const body = Buffer.from(JSON.stringify(segments))
    const result = await this.objects.put(ref, {
      body: Readable.from([body]),
      contentLength: body.length,
      headers: {
        ...headers,
        'content-type': `${headers['content-type'] ?? 'application/octet-stream'};${SWIFT_BYTES}=${total}`,
        [MANIFEST_HEADER]: 'True',
        [SLO_ETAG]: etag,
        [SLO_SIZE]: String(total),
        [OVERRIDE_ETAG]: rowEtag(headers[OVERRIDE_ETAG], createHash('md5').update(body).digest('hex'), etag)
      },
      precondition
    })
    return { ...result, size: total, sloEtag: etag }
  }

  /** The manifest's segment list (the manifest object itself, not expanded). */
  async segments (ref: ObjectRef): Promise<Segment[]> {
    return (await this.readManifest(ref)).segments
  }

  /** The stored manifest at `ref`: its headers and its segments; NOT_FOUND when there is no object. */
  private async readManifest (ref: ObjectRef): Promise<{ headers: BackendHeaders, segments: Segment[] }> {
    const res = await this.objects.get(ref, 'GET', {}, false, true)
    if (res.status === 404 || res.body === undefined) {
      res.body?.destroy()
      throw new CoreError('NOT_FOUND', `manifest ${ref.container}/${ref.object} not found`)
    }
    return { headers: res.headers, segments: await this.segmentsIn(ref, res.body) }
  }

  /** The segment list a manifest's stored body (of the manifest at `ref`) holds; consumes `body`. */
  async segmentsIn (ref: ObjectRef, body: Readable): Promise<Segment[]> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_MANIFEST_BYTES) {
        body.destroy()
        throw new CoreError('UNAVAILABLE', `manifest ${ref.container}/${ref.object} is larger than ${MAX_MANIFEST_BYTES} bytes`)
      }
      chunks.push(chunk)
    }
    return parseSegments(Buffer.concat(chunks), ref)
  }

  /**
   * Turns the stored answer for `ref` into the whole object's when it is a manifest. A range or
   * If-Match that the storage node judged against the manifest's own bytes (416, 412) is
   * re-judged here against the whole object. As Swift, a GET reads its first segment before
   * answering, so that a missing, changed or too deeply nested first segment is a 409, not a
   * cut body.
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
    const headers = { ...h, 'x-manifest-etag': h.etag ?? '', 'content-type': stripSwiftBytes(h['content-type'] ?? '') }
    const etag = h[conditions[ETAG_IS_AT] ?? SLO_ETAG] ?? h[SLO_ETAG] ?? ''
    return await wholeObjectAnswer(headers, etag, Number(h[SLO_SIZE] ?? 0), method, conditions, this.manifestBytes(ref), true)
  }

  /** Reads `ref`'s segment list once, when the first bytes are asked for (never for a HEAD or a 304). */
  private manifestBytes (ref: ObjectRef): (first: number, last: number) => AsyncGenerator<Buffer> {
    let segments: Promise<Segment[]> | undefined
    const large = this
    return async function * (first, last) {
      segments ??= large.segments(ref)
      yield * large.segmentBytes(ref.account, await segments, first, last)
    }
  }

  /**
   * Streams bytes first..last (inclusive) of the concatenated segments, fetching only those
   * needed (SLO, and DLO for its listed segments). `depth` counts the manifests read so far.
   */
  async * segmentBytes (account: string, segments: Segment[], first: number, last: number, depth = 1): AsyncGenerator<Buffer> {
    let offset = 0
    for (const segment of segments) {
      const length = segmentLength(segment)
      const start = offset
      const end = offset + length - 1
      offset += length
      if (end < first || length <= 0) continue
      if (start > last) return
      const within = segmentSpan(segment).first
      const from = within + Math.max(first, start) - start
      const to = within + Math.min(last, end) - start
      if (segment.sub_slo === true) yield * this.subManifestBytes(account, segment, from, to, depth + 1)
      else yield * this.objectBytes(account, segment, from, to)
    }
  }

  /** The segment named `name`, once the request is known to be allowed to read it. */
  private async readableSegment (account: string, name: string): Promise<ObjectRef> {
    const ref = segmentRef(account, name)
    if (!(await this.objects.segmentReadable(ref))) throw new CoreError('CONFLICT', `segment ${name} is not readable by this request`)
    return ref
  }

  /** Bytes from..to (inclusive) of a plain segment object, which must still be the one the manifest names. */
  private async * objectBytes (account: string, segment: Segment, from: number, to: number): AsyncGenerator<Buffer> {
    const whole = from === 0 && to === segment.bytes - 1
    const res = await this.objects.get(await this.readableSegment(account, segment.name), 'GET',
      whole ? {} : { range: `bytes=${from}-${to}` }, false, true)
    if ((res.status !== 200 && res.status !== 206) || res.body === undefined) {
      res.body?.destroy()
      throw new CoreError('CONFLICT', `segment ${segment.name} answered ${res.status}`)
    }
    if (res.headers.etag !== undefined && res.headers.etag.replaceAll('"', '') !== segment.hash) {
      res.body.destroy()
      throw new CoreError('CONFLICT', `segment ${segment.name} changed since the manifest was written`)
    }
    yield * (res.body as AsyncIterable<Buffer>)
  }

  /** Bytes from..to (inclusive) of a segment that is itself a manifest, the `depth`th one read. */
  private async * subManifestBytes (account: string, segment: Segment, from: number, to: number, depth: number): AsyncGenerator<Buffer> {
    if (depth > MAX_DEPTH) throw new CoreError('CONFLICT', `more than ${MAX_DEPTH} manifests nested at ${segment.name}`)
    const sub = await this.readManifest(await this.readableSegment(account, segment.name)).catch((err: unknown) => {
      throw err instanceof CoreError && err.code === 'NOT_FOUND' ? new CoreError('CONFLICT', `segment ${segment.name} is gone`) : err
    })
    if (!isManifest(sub.headers) || sub.headers[SLO_ETAG] !== segment.hash) {
      throw new CoreError('CONFLICT', `segment ${segment.name} changed since the manifest was written`)
    }
    yield * this.segmentBytes(account, sub.segments, from, to, depth)
  }

  /**
   * What deleting the manifest at `ref` with its segments removes, in order: each segment once
   * (a sub-manifest after its own segments), the manifest last. `path` is `/container/object`.
   */
  async deletionOrder (ref: ObjectRef): Promise<Array<{ path: string, ref: ObjectRef }>> {
    const order = new Map<string, ObjectRef>()
    const visit = async (segments: Segment[], depth: number): Promise<void> => {
      for (const s of segments) {
        const path = s.name.startsWith('/') ? s.name : `/${s.name}`
        if (order.has(path)) continue
        const segRef = segmentRef(ref.account, s.name)
        if (s.sub_slo === true && depth < MAX_DEPTH) {
          const sub = await this.segments(segRef).catch(() => [])
          await visit(sub, depth + 1)
        }
        order.set(path, segRef)
      }
    }
    await visit(await this.segments(ref), 1)
    order.set(`/${ref.container}/${ref.object}`, ref)
    return [...order].map(([path, r]) => ({ path, ref: r }))
  }

  /**
   * Deletes a manifest and then those of its segments that are in the container `segmentsIn` of
   * its account (where S3 keeps a bucket's multipart parts); a plain object is just deleted.
   * Segments elsewhere stay: a manifest written through the Swift API may name objects that
   * whoever deletes it has no right to.
   */
  async deleteWithSegments (ref: ObjectRef, segmentsIn: string): Promise<number> {
    const plain = await this.objects.deleteUnlessManifest(ref)
    if (plain !== 'manifest') return plain
    const order = await this.deletionOrder(ref)
    const status = await this.objects.delete(ref)
    for (const { ref: r } of order.slice(0, -1)) {
      if (r.account === ref.account && r.container === segmentsIn) await this.objects.delete(r).catch(() => 0)
    }
    return status
  }
}
