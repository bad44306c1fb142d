/**
 * Static Large Objects over the core's manifest form (src/proxy/core/large-objects.ts, shared
 * with S3 multipart uploads): the core expands a manifest on every GET (ranges across segments,
 * conditionals, Swift's ETag: MD5 of the segments' ETags, quoted here by the core's headers).
 * This middleware adds Swift's SLO API:
 * - `PUT ?multipart-manifest=put` with a JSON list of `{path: "/container/object", etag,
 *   size_bytes}` (etag and size_bytes may be null: not checked). Each segment must exist and
 *   be readable by the caller, match the given etag and size, and (but the last) be at least
 *   `slo_min_segment_size` bytes; at most `slo_max_manifest_segments` entries. Problems are a
 *   400 listing each segment's problem, as Swift. A segment that is itself a manifest is
 *   inlined: its segments take its place.
 * - `GET`/`HEAD ?multipart-manifest=get`: the manifest itself, as stored (`name`, `hash`,
 *   `bytes`), or with `format=raw` in the upload form (`path`, `etag`, `size_bytes`).
 * - `DELETE ?multipart-manifest=delete`: the manifest and its segments, with a bulk report.
 *
 * Limits: `range` in a segment entry is refused (400): the core's manifest has no ranges.
 * Inlined sub-manifests change the whole object's ETag from Swift's (MD5 of the leaves'
 * ETags instead of the sub-manifest's). Enable: `slo` in the proxy config's `pipeline`
 * (default), before `versioned_writes`.
 */
import { createHash } from 'node:crypto'
import { isManifest, SLO_ETAG, SLO_SIZE, type Segment } from '../../core/large-objects.js'
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

interface UploadEntry { path: string, etag: string | null, size_bytes: number | null }

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

function parseUpload (body: Buffer, max: number): UploadEntry[] {
  let list: unknown
  try {
    list = JSON.parse(body.toString('utf8'))
  } catch {
    throw new CoreError('BAD_REQUEST', 'Manifest must be valid JSON.')
  }
  if (!Array.isArray(list) || list.length === 0) throw new CoreError('BAD_REQUEST', 'Manifest must be a list of segments.')
  if (list.length > max) throw new CoreError('TOO_LARGE', `Number of segments must be <= ${max}`)
  return list.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) throw new CoreError('BAD_REQUEST', `Index ${i}: not a JSON object`)
    const e = item as Record<string, unknown>
    if ('range' in e) throw new CoreError('BAD_REQUEST', `Index ${i}: segment ranges are not supported`)
    if ('data' in e) throw new CoreError('BAD_REQUEST', `Index ${i}: data segments are not supported`)
    const extra = Object.keys(e).filter((k) => !['path', 'etag', 'size_bytes'].includes(k))
    if (extra.length > 0) throw new CoreError('BAD_REQUEST', `Index ${i}: extraneous keys "${extra.join('", "')}"`)
    if (typeof e.path !== 'string' || !/^\/?[^/]+\/.+/.test(e.path)) {
      throw new CoreError('BAD_REQUEST', `Index ${i}: path does not refer to an object. Path must be of the form /container/object.`)
    }
    const etag = e.etag ?? null
    const size = e.size_bytes ?? null
    if (etag !== null && typeof etag !== 'string') throw new CoreError('BAD_REQUEST', `Index ${i}: "etag" must be a string or null`)
    if (size !== null && !(Number.isSafeInteger(Number(size)) && Number(size) >= 0)) {
      throw new CoreError('BAD_REQUEST', `Index ${i}: "size_bytes" must be an integer or null`)
    }
    return { path: e.path.startsWith('/') ? e.path : `/${e.path}`, etag: etag === null ? null : etag.replaceAll('"', ''), size_bytes: size === null ? null : Number(size) }
  })
}

/** `/container/object` as written in manifests: plain names, not URL-encoded (as swiftclient writes them). */
function segmentRef (account: string, path: string): ObjectRef {
  const slash = path.indexOf('/', 1)
  return { account, container: path.slice(1, slash), object: path.slice(slash + 1) }
}

/** The segments `entry` stands for (one, or a sub-manifest's), or the problem with it. */
async function resolveEntry (ctx: SwiftContext, r: SwiftRequest, entry: UploadEntry): Promise<Segment[] | string> {
  const ref = segmentRef(r.path.account, entry.path)
  if (!(await r.allowed('GET', ref.account, ref.container, ref.object))) return statusLine(r.identity === undefined ? 401 : 403)
  const head = await ctx.store.objects.get(ref, 'HEAD', {}, false, true)
  if (head.status !== 200) return statusLine(head.status === 404 ? 404 : head.status)
  const nested = isManifest(head.headers)
  const etag = nested ? head.headers[SLO_ETAG] ?? '' : (head.headers.etag ?? '').replaceAll('"', '')
  const size = Number(nested ? head.headers[SLO_SIZE] : head.headers['content-length'])
  if (entry.etag !== null && entry.etag !== etag) return 'Etag Mismatch'
  if (entry.size_bytes !== null && entry.size_bytes !== size) return 'Size Mismatch'
  if (!nested) return [{ name: `/${ref.container}/${ref.object}`, hash: etag, bytes: size }]
  return await ctx.store.objects.largeObjects.segments(ref)
}

async function putManifest (ctx: SwiftContext, r: SwiftRequest, settings: SloSettings): Promise<void> {
  const entries = parseUpload(await readBody(r), settings.maxSegments)
  const problems: BulkErrors = []
  const segments: Segment[] = []
  for (const [i, entry] of entries.entries()) {
    const resolved = await resolveEntry(ctx, r, entry)
    if (typeof resolved === 'string') {
      problems.push([entry.path, resolved])
      continue
    }
    const bytes = resolved.reduce((n, s) => n + s.bytes, 0)
    if (i < entries.length - 1 && bytes < settings.minSegmentSize) {
      problems.push([entry.path, `Too small; each segment must be at least ${settings.minSegmentSize} bytes.`])
    }
    segments.push(...resolved)
  }
  if (problems.length > 0) {
    sendReport(r, 'upload', {}, problems, 400)
    return
  }
  const headers = { ...objectHeaders(r.req.headers), 'content-type': contentTypeFor(r.req.headers, r.path.object as string) }
  const wanted = headerValue(r.req.headers, 'etag')?.replaceAll('"', '')
  const result = await ctx.store.objects.largeObjects.putManifest(refOf(r), segments, headers)
  if (wanted !== undefined && wanted !== result.sloEtag) {
    throw new CoreError('UNPROCESSABLE', `Unprocessable Entity: manifest ETag ${result.sloEtag} does not match ${wanted}`)
  }
  r.reply.code(201).headers({ etag: `"${result.sloEtag}"`, 'content-type': 'text/html; charset=UTF-8' }).send('')
}

function refOf (r: SwiftRequest): ObjectRef {
  return { account: r.path.account, container: r.path.container as string, object: r.path.object as string }
}

/** The manifest itself; false when the object is not one (the plain GET then answers). */
async function getManifest (ctx: SwiftContext, r: SwiftRequest): Promise<boolean> {
  const method = r.req.method as 'GET' | 'HEAD'
  const head = await ctx.store.objects.get(refOf(r), 'HEAD', {}, false, true)
  if (!isManifest(head.headers)) return false
  const segments = await ctx.store.objects.largeObjects.segments(refOf(r))
  const raw = r.params.get('format') === 'raw'
  const body = JSON.stringify(raw ? segments.map((s) => ({ path: s.name, etag: s.hash, size_bytes: s.bytes })) : segments)
  r.reply.code(200).headers({
    'content-type': 'application/json; charset=utf-8',
    'x-static-large-object': 'True',
    etag: createHash('md5').update(body).digest('hex'),
    'last-modified': head.headers['last-modified'] ?? '',
    'content-length': String(Buffer.byteLength(body))
  }).send(method === 'HEAD' ? undefined : body)
  return true
}

/** The manifest and every segment, each authorized; false when the object is not a manifest. */
async function deleteManifest (ctx: SwiftContext, r: SwiftRequest): Promise<boolean> {
  const head = await ctx.store.objects.get(refOf(r), 'HEAD', {}, false, true)
  if (!isManifest(head.headers)) return false
  const segments = await ctx.store.objects.largeObjects.segments(refOf(r))
  const errors: BulkErrors = []
  let deleted = 0
  let notFound = 0
  const targets = [...segments.map((s) => ({ path: s.name, ref: segmentRef(r.path.account, s.name) })),
    { path: `/${r.path.container as string}/${r.path.object as string}`, ref: refOf(r) }]
  for (const { path, ref } of targets) {
    const status = await r.allowed('DELETE', ref.account, ref.container, ref.object)
      ? await ctx.store.objects.delete(ref)
      : (r.identity === undefined ? 401 : 403)
    if (status === 404) notFound++
    else if (status < 300) deleted++
    else errors.push([path, statusLine(status)])
  }
  sendReport(r, 'delete', {
    'Number Deleted': deleted,
    'Number Not Found': notFound,
    'Response Body': '',
    'Response Status': statusLine(errors.length === 0 ? 200 : 400)
  }, errors)
  return true
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
      else if (method === 'DELETE' && mode === 'delete') { if (!(await deleteManifest(ctx, r))) await next() }
      else await next()
    }
  }
}
