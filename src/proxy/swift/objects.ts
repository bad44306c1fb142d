/** Swift object requests: PUT (and copies), GET, HEAD, POST, DELETE, COPY. */
import { READ_CONDITIONS } from '../../common/http-conditionals.js'
import { httpDate } from '../../common/timestamp.js'
import { CoreError } from '../core/errors.js'
import { checkContentType, type ObjectRef } from '../core/objects.js'
import { replyPayload } from '../core/get-stream.js'
import type { SwiftContext, SwiftRequest } from './context.js'
import { sendError } from './errors.js'
import { clientHeaders, headerValue, metadataHeaders, type HeaderMap } from './headers.js'
import { guessContentType } from './guess-type.js'
import { decodeName } from './path.js'

/** Client-settable stored headers besides X-Object-Meta-*. */
const PASSED_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires', 'x-object-manifest']


function refOf (r: SwiftRequest): ObjectRef {
  return { account: r.path.account, container: r.path.container as string, object: r.path.object as string }
}

/** X-Delete-At / X-Delete-After, validated into an absolute X-Delete-At. */
function deleteAt (headers: HeaderMap): Record<string, string> {
  const after = headerValue(headers, 'x-delete-after')
  const at = headerValue(headers, 'x-delete-at')
  const now = Math.floor(Date.now() / 1000)
  if (after !== undefined) {
    if (!/^-?\d+$/.test(after)) throw new CoreError('BAD_REQUEST', 'Non-integer X-Delete-After')
    // As Swift: an object that would expire at once is refused, not stored and deleted.
    if (Number(after) <= 0) throw new CoreError('BAD_REQUEST', 'X-Delete-After in past')
    return { 'x-delete-at': String(now + Number(after)) }
  }
  if (at !== undefined) {
    if (!/^\d+$/.test(at)) throw new CoreError('BAD_REQUEST', 'Non-integer X-Delete-At')
    if (Number(at) <= now) throw new CoreError('BAD_REQUEST', 'X-Delete-At in past')
    return { 'x-delete-at': at }
  }
  return {}
}

/** The object's stored headers from a PUT or POST request. */
export function objectHeaders (headers: HeaderMap): Record<string, string> {
  const out: Record<string, string> = { ...metadataHeaders(headers, 'object'), ...deleteAt(headers) }
  for (const name of PASSED_HEADERS) {
    const v = headerValue(headers, name)
    if (v !== undefined) out[name] = v
  }
  return out
}

/** What a POST or a copy sets over the object's stored headers: those a PUT sets, and Content-Type when given. */
function changedHeaders (headers: HeaderMap): Record<string, string> {
  const out = objectHeaders(headers)
  const type = headerValue(headers, 'content-type')
  // An empty Content-Type keeps the object's (or the copy source's), as in Swift.
  if (type !== undefined && type !== '') out['content-type'] = type
  return out
}

/** The request's Range and conditionals, for the read of an object (GET, HEAD, a copy's source). */
function readConditions (headers: HeaderMap): Record<string, string> {
  const conditions: Record<string, string> = {}
  for (const name of READ_CONDITIONS) {
    const v = headerValue(headers, name)
    if (v !== undefined) conditions[name] = v
  }
  return conditions
}

/** A COPY, or a PUT with X-Copy-From: the middlewares that turn reads (DLO, symlinks) turn its source too. */
export function isCopy (r: SwiftRequest): boolean {
  return r.req.method === 'COPY' || (r.req.method === 'PUT' && headerValue(r.req.headers, 'x-copy-from') !== undefined)
}

export function contentTypeFor (headers: HeaderMap, objectName: string): string {
  const given = headerValue(headers, 'content-type')
  const detect = (headerValue(headers, 'x-detect-content-type') ?? '').toLowerCase() === 'true'
  if (given !== undefined && given !== '' && !detect) return given
  return guessContentType(objectName)
}

/** `container/object` from X-Copy-From or Destination, percent-decoded. */
function parseCopyPath (value: string, header: string): { container: string, object: string } {
  const trimmed = value.startsWith('/') ? value.slice(1) : value
  const slash = trimmed.indexOf('/')
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new CoreError('PRECONDITION_FAILED', `${header} header must be of the form <container name>/<object name>`)
  }
  return { container: decodeName(trimmed.slice(0, slash)), object: decodeName(trimmed.slice(slash + 1)) }
}

function sendCreated (r: SwiftRequest, etag: string, timestamp: string, extra: Record<string, string> = {}): void {
  r.reply.code(201).headers({
    etag,
    'last-modified': httpDate(timestamp),
    'content-type': 'text/html; charset=UTF-8',
    ...extra
  }).send('')
}

export async function putObject (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const headers = r.req.headers
  checkContentType(headerValue(headers, 'content-type'))
  const copyFrom = headerValue(headers, 'x-copy-from')
  if (copyFrom !== undefined) {
    if (Number(headerValue(headers, 'content-length') ?? 0) !== 0) {
      sendError(r.reply, 400, 'Copy requests require a zero byte body')
      return
    }
    const src = parseCopyPath(copyFrom, 'X-Copy-From')
    const account = headerValue(headers, 'x-copy-from-account') ?? r.path.account
    await copy(ctx, r, { account, ...src }, refOf(r))
    return
  }
  const lengthHeader = headerValue(headers, 'content-length')
  const chunked = /chunked/i.test(headerValue(headers, 'transfer-encoding') ?? '')
  if (lengthHeader === undefined && !chunked) {
    sendError(r.reply, 411, 'Length Required: send Content-Length or Transfer-Encoding: chunked')
    return
  }
  const contentLength = lengthHeader === undefined ? undefined : Number(lengthHeader)
  if (contentLength !== undefined && (!Number.isSafeInteger(contentLength) || contentLength < 0)) {
    sendError(r.reply, 400, 'Invalid Content-Length')
    return
  }
  const stored = objectHeaders(headers)
  stored['content-type'] = contentTypeFor(headers, r.path.object as string)
  const etag = headerValue(headers, 'etag')
  if (etag !== undefined) stored.etag = etag.replaceAll('"', '')
  const ifNoneMatch = headerValue(headers, 'if-none-match')
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    sendError(r.reply, 400, 'If-None-Match only supports *')
    return
  }
  const result = await ctx.store.objects.put(refOf(r), { body: r.req.raw, contentLength, headers: stored, precondition: ifNoneMatch !== undefined ? { absent: true } : undefined })
  sendCreated(r, result.etag, result.timestamp)
}

/**
 * COPY and X-Copy-From alike: the copy holds what a GET of the source with the request's Range
 * and conditionals answers (with `?multipart-manifest=get`, a manifest is copied as a manifest),
 * and the request's stored headers and Content-Type replace the source's.
 */
async function copy (ctx: SwiftContext, r: SwiftRequest, source: ObjectRef, dest: ObjectRef): Promise<void> {
  const headers = r.req.headers
  // A chunked body a copy may come with is not used.
  r.req.raw.resume()
  const result = await ctx.store.objects.copy(source, dest, changedHeaders(headers), {
    fresh: (headerValue(headers, 'x-fresh-metadata') ?? '').toLowerCase() === 'true',
    conditions: readConditions(headers),
    asStored: r.params.get('multipart-manifest') === 'get'
  })
  sendCreated(r, result.sloEtag !== undefined ? `"${result.sloEtag}"` : result.etag, result.timestamp, {
    // Quoted as Swift does: the object name keeps its slashes.
    'x-copied-from': `${encodeURIComponent(source.container)}/${encodeURIComponent(source.object).replaceAll('%2F', '/')}`,
    'x-copied-from-account': encodeURIComponent(source.account),
    'x-copied-from-last-modified': result.sourceHeaders['last-modified'] ?? ''
  })
}

/** COPY verb: the request's object is the source; Destination names the target. */
export async function copyObject (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  checkContentType(headerValue(r.req.headers, 'content-type'))
  const destination = headerValue(r.req.headers, 'destination')
  if (destination === undefined) {
    sendError(r.reply, 412, 'Destination header required')
    return
  }
  const dest = parseCopyPath(destination, 'Destination')
  const account = headerValue(r.req.headers, 'destination-account') ?? r.path.account
  await copy(ctx, r, refOf(r), { account, ...dest })
}

export async function getObject (ctx: SwiftContext, r: SwiftRequest, method: 'GET' | 'HEAD'): Promise<void> {
  const conditions = readConditions(r.req.headers)
  // Swift answers a HEAD for the whole object whatever its Range (S3 does not: it keeps them).
  if (method === 'HEAD') delete conditions.range
  const newest = (headerValue(r.req.headers, 'x-newest') ?? '').toLowerCase() === 'true'
  const res = await ctx.store.objects.get(refOf(r), method, conditions, newest)
  if (res.status === 404) {
    sendError(r.reply, 404)
    return
  }
  const shown = clientHeaders(res.headers)
  r.hideFromAnswer?.(shown)
  r.reply.code(res.status).headers(shown)
  if (res.status === 200 || res.status === 206) r.reply.header('accept-ranges', 'bytes')
  if (res.body !== undefined) r.reply.send(replyPayload(res.body))
  else r.reply.send()
}

export async function postObject (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const status = await ctx.store.objects.post(refOf(r), changedHeaders(r.req.headers))
  if (status === 404) sendError(r.reply, 404)
  else if (status >= 300) sendError(r.reply, status)
  else r.reply.code(202).header('content-type', 'text/html; charset=UTF-8').send('')
}

export async function deleteObject (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const status = await ctx.store.objects.delete(refOf(r))
  if (status >= 300) sendError(r.reply, status)
  else r.reply.code(204).send()
}
