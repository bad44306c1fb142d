/**
 * Static Large Objects over the core's manifest form (src/proxy/core/large-objects.ts, shared
 * with S3 multipart uploads): the core expands a manifest on every GET (ranges across segments,
 * conditionals, Swift's ETag: MD5 of the segments' ETags, `<etag>:<range>;` for a ranged one).
 * This middleware adds Swift's SLO API:
 * - `PUT ?multipart-manifest=put` with a JSON list of `{path: "/container/object", etag,
 *   size_bytes, range}` (etag, size_bytes and range may be null or absent: not checked, the
 *   whole object). Each segment must exist and be readable by the caller, match the given etag
 *   and size (of the whole segment object), have a satisfiable single range (`1-5`, `-3`,
 *   `10-`, inclusive, as one HTTP range), and (but the last) give at least
 *   `slo_min_segment_size` bytes; at most `slo_max_manifest_segments` entries. Problems with
 *   the list itself are a 400 with one `Index N: ...` line each; problems with segments a 400
 *   listing each segment's problems, as Swift. A range is stored as `first-last`, and dropped
 *   when it covers the whole segment. A segment that is itself a manifest stays one segment
 *   (`sub_slo`), its ETag being its SLO ETag; reading it is limited to 10 manifests deep.
 * - `GET`/`HEAD ?multipart-manifest=get`: the manifest itself, as stored (`name`, `hash`,
 *   `bytes`, `range`, `sub_slo`), or with `format=raw` in the upload form (`path`, `etag`,
 *   `size_bytes`, `range`), which can be PUT back.
 * - `COPY ?multipart-manifest=get` (or a PUT with X-Copy-From and it): a new manifest over the
 *   same segments, answered with the SLO ETag (the core's `asStored` copy); a copy without it
 *   holds the whole content.
 * - `DELETE ?multipart-manifest=delete`: the manifest and its segments, those of nested
 *   manifests too, each once, with a bulk report (a plain object is kept: Not an SLO manifest).
 *
 * Limits: inline `data` segments are refused (400); segment entries do not record the
 * segments' content types and dates. Enable: `slo` in the proxy config's `pipeline` (default),
 * after `versioned_writes`, so the manifest writes it makes are archived.
 */
import { createHash } from 'node:crypto'
import { parseRange } from '../../../common/http-conditionals.js'
import { isManifest } from '../../../common/object-headers.js'
import { segmentLength, segmentRef, sloEtag, SLO_ETAG, SLO_SIZE, type Segment } from '../../core/large-objects.js'
import { CoreError } from '../../core/errors.js'
import type { ObjectRef } from '../../core/objects.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { headerValue } from '../headers.js'
import { contentTypeFor, objectHeaders } from '../objects.js'
import type { SwiftMiddleware } from '../pipeline.js'
import { sendReport, statusLine, type BulkErrors } from './bulk-report.js'

/** Swift's max_manifest_size: the JSON a manifest PUT may send. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024

export interface SloSettings {
  minSegmentSize: number
  maxSegments: number
}

interface UploadEntry { path: string, etag: string | null, size_bytes: number | null, range: string | null }

async function readBody (r: SwiftRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of r.req.raw as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_MANIFEST_BYTES) throw new CoreError('TOO_LARGE', `Manifest File > ${MAX_MANIFEST_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** What is wrong with a segment's `range` as written, judged without the segment (Swift's wording). */
function rangeProblem (range: unknown, size: number | null): string | undefined {
  if (typeof range !== 'string') return 'invalid range'
  const parts = range.split(',').map((p) => p.trim())
  const valid = parts.every((p) => {
    const m = /^(\d*)-(\d*)$/.exec(p)
    return m !== null && (m[1] !== '' || m[2] !== '') && (m[1] === '' || m[2] === '' || Number(m[2]) >= Number(m[1]))
  })
  if (!valid) return 'invalid range'
  if (parts.length > 1) return 'multiple ranges (only one allowed)'
  if (size !== null && parseRange(`bytes=${range}`, size) === 'unsatisfiable') return 'unsatisfiable range'
  return undefined
}

/** One entry of an upload, or what is wrong with it. */
function parseEntry (item: unknown): UploadEntry | string {
  if (typeof item !== 'object' || item === null) return 'not a JSON object'
  const e = item as Record<string, unknown>
  if ('data' in e) return 'data segments are not supported'
  const extra = Object.keys(e).filter((k) => !['path', 'etag', 'size_bytes', 'range'].includes(k))
  if (extra.length > 0) return `extraneous keys "${extra.join('", "')}"`
  if (typeof e.path !== 'string' || !/^\/?[^/]+\/.+/.test(e.path)) {
    return 'path does not refer to an object. Path must be of the form /container/object.'
  }
  const etag = e.etag ?? null
  const size = e.size_bytes ?? null
  if (etag !== null && typeof etag !== 'string') return '"etag" must be a string or null'
  if (size !== null && !(Number.isSafeInteger(Number(size)) && Number(size) >= 0)) return '"size_bytes" must be an integer or null'
  // As Swift, an empty range is no range.
  const range = e.range === undefined || e.range === null || e.range === '' ? null : e.range
  const problem = range === null ? undefined : rangeProblem(range, size === null ? null : Number(size))
  if (problem !== undefined) return problem
  return {
    path: e.path.startsWith('/') ? e.path : `/${e.path}`,
    etag: etag === null ? null : etag.replaceAll('"', ''),
    size_bytes: size === null ? null : Number(size),
    range: range as string | null
  }
}

function parseUpload (body: Buffer, max: number): UploadEntry[] {
  let list: unknown
  try {
    list = JSON.parse(body.toString('utf8'))
  } catch {
    throw new CoreError('BAD_REQUEST', 'Manifest must be valid JSON.')
  }
  if (!Array.isArray(list)) throw new CoreError('BAD_REQUEST', 'Manifest must be a list of segments.')
  if (list.length > max) throw new CoreError('TOO_LARGE', `Number of segments must be <= ${max}`)
  const parsed = list.map((item) => parseEntry(item))
  const problems = parsed.flatMap((p, i) => typeof p === 'string' ? [`Index ${i}: ${p}\n`] : [])
  if (problems.length > 0) throw new CoreError('BAD_REQUEST', problems.join(''))
  return parsed as UploadEntry[]
}

/** The segment `entry` stands for, or its problems; `minSize` is what it must give (0: none). */
async function resolveEntry (ctx: SwiftContext, r: SwiftRequest, entry: UploadEntry, minSize: number): Promise<Segment | string[]> {
  const ref = segmentRef(r.path.account, entry.path)
  if (!(await r.allowed('GET', ref.account, ref.container, ref.object))) return [statusLine(r.identity === undefined ? 401 : 403)]
  const head = await ctx.store.objects.get(ref, 'HEAD', {}, false, true)
  if (head.status !== 200) return [statusLine(head.status === 404 ? 404 : head.status)]
  const nested = isManifest(head.headers)
  const etag = nested ? head.headers[SLO_ETAG] ?? '' : (head.headers.etag ?? '').replaceAll('"', '')
  const size = Number(nested ? head.headers[SLO_SIZE] : head.headers['content-length'])
  const segment: Segment = { name: entry.path, hash: etag, bytes: size, ...(nested ? { sub_slo: true } : {}) }
  const problems: string[] = []
  const spans = entry.range === null ? undefined : parseRange(`bytes=${entry.range}`, size)
  if (spans === 'unsatisfiable') problems.push('Unsatisfiable Range')
  else if (spans !== undefined && (spans[0].start > 0 || spans[0].end < size - 1)) segment.range = `${spans[0].start}-${spans[0].end}`
  if (spans !== 'unsatisfiable' && segmentLength(segment) < minSize) {
    problems.push(`Too small; each segment must be at least ${minSize} bytes.`)
  }
  if (entry.size_bytes !== null && entry.size_bytes !== size) problems.push('Size Mismatch')
  if (entry.etag !== null && entry.etag !== etag) problems.push('Etag Mismatch')
  return problems.length > 0 ? problems : segment
}

async function putManifest (ctx: SwiftContext, r: SwiftRequest, settings: SloSettings): Promise<void> {
  const entries = parseUpload(await readBody(r), settings.maxSegments)
  const problems: BulkErrors = []
  const segments: Segment[] = []
  for (const [i, entry] of entries.entries()) {
    const resolved = await resolveEntry(ctx, r, entry, i < entries.length - 1 ? settings.minSegmentSize : 0)
    if (Array.isArray(resolved)) problems.push(...resolved.map((p): [string, string] => [entry.path, p]))
    else segments.push(resolved)
  }
  if (problems.length > 0) {
    sendReport(r, 'upload', {}, problems, 400)
    return
  }
  const wanted = headerValue(r.req.headers, 'etag')?.replaceAll('"', '')
  const etag = sloEtag(segments)
  if (wanted !== undefined && wanted !== etag) {
    throw new CoreError('UNPROCESSABLE', `Unprocessable Entity: manifest ETag ${etag} does not match ${wanted}`)
  }
  const headers = { ...objectHeaders(r.req.headers), 'content-type': contentTypeFor(r.req.headers, r.path.object as string) }
  const result = await ctx.store.objects.largeObjects.putManifest(refOf(r), segments, headers)
  r.reply.code(201).headers({ etag: `"${result.sloEtag}"`, 'content-type': 'text/html; charset=UTF-8' }).send('')
}

function refOf (r: SwiftRequest): ObjectRef {
  return { account: r.path.account, container: r.path.container as string, object: r.path.object as string }
}

/** A stored segment in the upload form, as `format=raw` shows it. */
function uploadForm (s: Segment): Record<string, unknown> {
  return { path: s.name, etag: s.hash, size_bytes: s.bytes, ...(s.range === undefined ? {} : { range: s.range }) }
}

/** The manifest itself; false when the object is not one (the plain GET then answers). */
async function getManifest (ctx: SwiftContext, r: SwiftRequest): Promise<boolean> {
  const method = r.req.method as 'GET' | 'HEAD'
  const head = await ctx.store.objects.get(refOf(r), 'HEAD', {}, false, true)
  if (!isManifest(head.headers)) return false
  const segments = await ctx.store.objects.largeObjects.segments(refOf(r))
  const raw = r.params.get('format') === 'raw'
  const body = JSON.stringify(raw ? segments.map(uploadForm) : segments)
  r.reply.code(200).headers({
    'content-type': 'application/json; charset=utf-8',
    'x-static-large-object': 'True',
    etag: createHash('md5').update(body).digest('hex'),
    'last-modified': head.headers['last-modified'] ?? '',
    'content-length': String(Buffer.byteLength(body))
  }).send(method === 'HEAD' ? undefined : body)
  return true
}

/**
 * The manifest and every segment (nested ones too), each authorized. As in Swift, the answer is a
 * bulk-delete report: a missing object counts as not found, and a plain object is refused in
 * the report (Not an SLO manifest) and kept.
 */
async function deleteManifest (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const head = await ctx.store.objects.get(refOf(r), 'HEAD', {}, false, true)
  const errors: BulkErrors = []
  let deleted = 0
  let notFound = 0
  if (head.status === 404) {
    notFound++
  } else if (head.status >= 300) {
    throw new CoreError('UNAVAILABLE', `could not read ${r.path.container as string}/${r.path.object as string} to delete it (${head.status})`)
  } else if (!isManifest(head.headers)) {
    errors.push([`/${r.path.container as string}/${r.path.object as string}`, 'Not an SLO manifest'])
  } else {
    for (const { path, ref } of await ctx.store.objects.largeObjects.deletionOrder(refOf(r))) {
      const status = await r.allowed('DELETE', ref.account, ref.container, ref.object)
        ? await ctx.store.objects.delete(ref)
        : (r.identity === undefined ? 401 : 403)
      if (status === 404) notFound++
      else if (status < 300) deleted++
      else errors.push([path, statusLine(status)])
    }
  }
  sendReport(r, 'delete', {
    'Number Deleted': deleted,
    'Number Not Found': notFound,
    'Response Body': '',
    'Response Status': statusLine(errors.length === 0 ? 200 : 400)
  }, errors)
}

export function slo (settings: SloSettings): SwiftMiddleware {
  return {
    name: 'slo',
    phase: 'post-auth',
    info: { max_manifest_segments: settings.maxSegments, max_manifest_size: MAX_MANIFEST_BYTES, min_segment_size: settings.minSegmentSize },
    async handle (ctx, r, next) {
      const mode = r.params.get('multipart-manifest')
      const method = r.req.method
      if (r.path.object === undefined || mode === null) await next()
      else if (method === 'PUT' && mode === 'put') await putManifest(ctx, r, settings)
      else if ((method === 'GET' || method === 'HEAD') && mode === 'get') { if (!(await getManifest(ctx, r))) await next() }
      else if (method === 'DELETE' && mode === 'delete') await deleteManifest(ctx, r)
      else await next()
    }
  }
}
