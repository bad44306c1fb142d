/**
 * The object role: `/{device}/{partition}/{account}/{container}/{object}`. Each handler is a
 * list of named steps; errors are thrown and become HTTP answers in server.ts.
 */
import type { ServerResponse } from 'node:http'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { httpDate, parseTimestamp, timestampSeconds } from '../common/timestamp.js'
import { FOOTER_BYTES, FOOTER_FORMAT, FOOTER_HEADER } from '../common/body-footer.js'
import { BadRequest, CorruptBody, HttpError, NotFound } from './errors.js'
import { discardBody, openDataFile, receiveBody } from './data-files.js'
import { byteRangesBody, evaluateConditions, IGNORE_RANGE_IF_PRESENT, missingFailsIfMatch, parseRange, rangeApplies, type ByteRange } from '../common/http-conditionals.js'
import { header, isReplication, policyIndex, requireTimestamp, send, updateTargets, type RequestContext } from './http-util.js'
import { headersForPost, headersForPut } from './object-headers.js'
import { isManifest } from '../common/object-headers.js'
import { effectiveTimestamp, isExpired, type ObjectMeta, type ObjectRecord } from './object-record.js'
import type { ObjectRef } from './object-store.js'
import type { ObjectRow } from './container-db.js'
import { quarantineObject } from './quarantine.js'
import type { Services } from './services.js'
import { listingPath } from './update-sender.js'

async function objectRef (s: Services, ctx: RequestContext): Promise<ObjectRef> {
  const { path } = ctx
  const policy = policyIndex(ctx.req, s.policies)
  const device = await s.devices.get(path.device)
  return s.objects.ref(device, policy, path.partition as number, path.account as string, path.container as string, path.object as string)
}

function nowSeconds (): number {
  return Date.now() / 1000
}

function contentLength (ctx: RequestContext): number | undefined {
  if (header(ctx.req, 'transfer-encoding') !== undefined) return undefined
  const raw = header(ctx.req, 'content-length')
  if (raw === undefined) return 0
  if (!/^\d+$/.test(raw)) throw new BadRequest(`invalid Content-Length: ${raw}`)
  return Number(raw)
}

/** Whether the body ends with a proxy's footer (common/body-footer.ts). */
function hasFooter (ctx: RequestContext): boolean {
  const format = header(ctx.req, FOOTER_HEADER)
  if (format === undefined) return false
  if (format !== FOOTER_FORMAT) throw new BadRequest(`unknown body footer format: ${format}`)
  return true
}

/** The body's own length, without its footer; undefined when chunked. */
function bodyLength (ctx: RequestContext, withFooter: boolean): number | undefined {
  const sent = contentLength(ctx)
  if (sent === undefined || !withFooter) return sent
  if (sent < FOOTER_BYTES) throw new BadRequest(`Content-Length ${sent} is shorter than the body's ${FOOTER_BYTES}-byte footer`)
  return sent - FOOTER_BYTES
}

function unquote (etag: string): string {
  return etag.trim().replace(/^"(.*)"$/, '$1')
}

/** Sends the listing row to every container replica the proxy named; waits (bounded) for them. */
async function updateContainers (s: Services, ctx: RequestContext, ref: ObjectRef, row: ObjectRow): Promise<void> {
  if (isReplication(ctx.req)) return
  const targets = updateTargets(ctx.req, 'x-container')
  await Promise.all(targets.map(async (t) => {
    await s.sender.send(t.host, listingPath(t, ref.account, ref.container), row, ref.device)
  }))
}

async function put (s: Services, ctx: RequestContext): Promise<void> {
  const { req, res } = ctx
  const ts = requireTimestamp(req)
  const headers = headersForPut(req.headers)
  const withFooter = hasFooter(ctx)
  const expected = bodyLength(ctx, withFooter)
  updateTargets(req, 'x-container') // validate before the body is read
  const ref = await objectRef(s, ctx)
  // The write itself refuses a stale timestamp; the early check only saves streaming a body that
  // would be refused, and costs a read per PUT, so a body that goes inline skips it.
  if (expected === undefined || expected > s.conf.inline_max_bytes) await s.objects.checkNewer(ref, ts)
  const body = await receiveBody(req, ref.device, expected, s.conf.inline_max_bytes, s.dataHooks, withFooter)
  s.metrics.bytesIn.inc(body.size)
  const clientEtag = header(req, 'etag')
  if (clientEtag !== undefined && unquote(clientEtag) !== body.etag) {
    await discardBody(body)
    throw new HttpError(422, `ETag ${clientEtag} does not match the body's MD5 ${body.etag}`)
  }
  const metaTs = isReplication(req) ? parseTimestamp(header(req, 'x-backend-meta-timestamp')) : undefined
  await s.objects.put(ref, { ts, headers, body, metaTs })
  // The row counts the stored body (a manifest's own bytes: its segments are counted where they
  // are); a large object's ETags come as Swift's override, `<MD5>; slo_etag=...`.
  await updateContainers(s, ctx, ref, {
    name: ref.object, timestamp: ts, size: body.size, content_type: headers['content-type'],
    etag: headers['x-object-sysmeta-container-update-override-etag'] ?? body.etag, deleted: false, storage_policy_index: ref.policy
  })
  send(res, 201, { ETag: body.etag, 'X-Backend-Timestamp': ts })
}

/**
 * Keeps a live manifest from a DELETE that asks so: whoever deletes a large object with its
 * segments must read the manifest first, and needs that read only when there is one.
 */
function keepManifest (stored: ObjectMeta): void {
  if (stored.deleted !== true && isManifest(stored.headers) && !isExpired(stored, nowSeconds())) {
    throw new HttpError(412, 'the object is a manifest', { 'X-Backend-Manifest': 'true' })
  }
}

async function del (s: Services, ctx: RequestContext): Promise<void> {
  const ts = requireTimestamp(ctx.req)
  updateTargets(ctx.req, 'x-container')
  const ref = await objectRef(s, ctx)
  const veto = header(ctx.req, 'x-backend-unless-manifest') === 'true' ? keepManifest : undefined
  const { previous } = await s.objects.delete(ref, ts, veto)
  const existed = previous !== undefined && previous.deleted !== true && !isExpired(previous, nowSeconds())
  await updateContainers(s, ctx, ref, {
    name: ref.object, timestamp: ts, size: 0, content_type: '', etag: '', deleted: true, storage_policy_index: ref.policy
  })
  send(ctx.res, existed ? 204 : 404, { 'X-Backend-Timestamp': ts })
}

async function post (s: Services, ctx: RequestContext): Promise<void> {
  const ts = requireTimestamp(ctx.req)
  const ref = await objectRef(s, ctx)
  await s.objects.post(ref, ts, (stored) => headersForPost(stored, ctx.req.headers), nowSeconds())
  send(ctx.res, 202, { 'X-Backend-Timestamp': ts })
}

function responseHeaders (meta: ObjectMeta): Record<string, string | number> {
  const ts = effectiveTimestamp(meta)
  const out: Record<string, string | number> = {
    'Content-Type': meta.headers['content-type'] ?? 'application/octet-stream',
    ETag: meta.etag,
    'Last-Modified': httpDate(ts),
    'X-Timestamp': ts,
    'X-Backend-Timestamp': ts,
    'X-Backend-Data-Timestamp': meta.ts,
    'Accept-Ranges': 'bytes'
  }
  if (meta.metaTs !== undefined) out['X-Backend-Meta-Timestamp'] = meta.metaTs
  for (const name in meta.headers) {
    if (name !== 'content-type') out[name] = meta.headers[name]
  }
  return out
}

/** The live object, or 404 (with the tombstone's timestamp when there is one). */
async function readLive (s: Services, ctx: RequestContext): Promise<ObjectRecord & { ref: ObjectRef }> {
  const ref = await objectRef(s, ctx)
  const record = await s.objects.read(ref)
  if (record === undefined) throw new NotFound()
  if (record.meta.deleted === true) throw new NotFound('Not Found', { 'X-Backend-Timestamp': record.meta.ts })
  if (isExpired(record.meta, nowSeconds())) throw new NotFound('Not Found', { 'X-Backend-Timestamp': effectiveTimestamp(record.meta) })
  return { ...record, ref }
}

/**
 * Announces that a whole body's last byte goes out only once the bytes matched the ETag, so the
 * proxy need not hash them again.
 */
const CHECKED_BODY = 'X-Backend-Checked-Body'

async function getOrHead (s: Services, ctx: RequestContext): Promise<void> {
  const { req, res } = ctx
  const { meta, inline, ref } = await readLive(s, ctx).catch((err: unknown) => {
    if (err instanceof NotFound && missingFailsIfMatch(req.headers)) throw new HttpError(412, 'Precondition Failed', err.headers)
    throw err
  })
  const headers = responseHeaders(meta)
  const verdict = evaluateConditions(req.headers, meta.etag, Math.ceil(timestampSeconds(effectiveTimestamp(meta))))
  if (verdict !== undefined) {
    send(res, verdict, verdict === 304 ? { ETag: meta.etag, 'Last-Modified': headers['Last-Modified'] } : { 'X-Backend-Timestamp': headers['X-Backend-Timestamp'] })
    return
  }
  const ranges = rangeApplies(header(req, IGNORE_RANGE_IF_PRESENT), meta.headers) ? parseRange(header(req, 'range'), meta.size) : undefined
  if (ranges === 'unsatisfiable') {
    send(res, 416, { 'Content-Range': `bytes */${meta.size}`, 'X-Backend-Timestamp': headers['X-Backend-Timestamp'] })
    return
  }
  const head = ctx.method === 'HEAD'
  // Open the file before answering, so a concurrent overwrite cannot remove it under us.
  const relPath = head ? undefined : meta.file
  const file = relPath === undefined ? undefined : await openDataFile(ref.device, relPath).catch(() => { throw new NotFound('data file vanished (concurrent overwrite)') })
  try {
    if (ranges === undefined || ranges.length === 0) {
      headers['Content-Length'] = meta.size
      const fromFile = file !== undefined && relPath !== undefined && meta.size > 0
      if (fromFile) headers[CHECKED_BODY] = 'md5'
      res.writeHead(200, headers)
      if (head) { res.end(); return }
      if (fromFile) await writeWholeFile(s, res, ref, meta, file, relPath)
      else await writeRange(res, inline, file, { start: 0, end: meta.size - 1 }, true)
    } else if (ranges.length === 1) {
      const r = ranges[0]
      headers['Content-Length'] = r.end - r.start + 1
      headers['Content-Range'] = `bytes ${r.start}-${r.end}/${meta.size}`
      res.writeHead(206, headers)
      if (head) { res.end(); return }
      await writeRange(res, inline, file, r, true)
    } else {
      await writeMultipart(res, headers, meta.size, ranges, head, inline, file)
    }
    s.metrics.bytesOut.inc(ranges === undefined ? meta.size : ranges.reduce((n, r) => n + r.end - r.start + 1, 0))
  } finally {
    await file?.close()
  }
}

type Handle = Awaited<ReturnType<typeof openDataFile>>

/**
 * Bytes per read of a data file. Each read is a thread-pool round trip: at the stream default
 * of 64 KiB a 64 MiB GET made 1,024 of them and cost as much CPU as its MD5.
 */
const READ_CHUNK_BYTES = 1024 * 1024

/**
 * A whole data file is hashed as it is sent, and its last byte is held back until the digest is
 * known. Bytes that do not match the ETag mean the disk rotted since the auditor's last pass: the
 * object is quarantined now, as the auditor would do (so the next read and the replicator get a
 * good copy), and the answer is cut one byte short. That short body is the proxy's sign of
 * corruption, as opposed to a transfer that broke and may be resumed from another replica.
 * Inline objects are LevelDB rows, which the auditor itself reads through this GET and
 * quarantines on its own verdict; the proxy checks those itself.
 */
async function writeWholeFile (s: Services, res: ServerResponse, ref: ObjectRef, meta: ObjectMeta, file: Handle, relPath: string): Promise<void> {
  const md5 = createHash('md5')
  let unread = meta.size
  let lastByte: Buffer | undefined
  const checking = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      md5.update(chunk)
      unread -= chunk.length
      if (unread > 0) {
        done(null, chunk)
        return
      }
      lastByte = chunk.subarray(chunk.length - 1)
      done(null, chunk.subarray(0, chunk.length - 1))
    },
    flush (done) {
      if (lastByte !== undefined && md5.digest('hex') === meta.etag) {
        done(null, lastByte)
        return
      }
      quarantineCorrupt(s, ref, meta.ts).then(() => { done(new CorruptBody(`${ref.account}/${ref.container}/${ref.object} does not match its ETag`)) }, done)
    }
  })
  await pipeline(file.createReadStream({ start: 0, end: meta.size - 1, autoClose: false, highWaterMark: READ_CHUNK_BYTES }), checking, res)
  s.pageCache.release(join(ref.device.path, relPath), meta.size)
}

async function quarantineCorrupt (s: Services, ref: ObjectRef, dataTs: string): Promise<void> {
  const where = { device: ref.device.name, partition: ref.part, name: `${ref.account}/${ref.container}/${ref.object}`, timestamp: dataTs }
  try {
    await quarantineObject(ref, dataTs)
  } catch (err) {
    // NotFound: overwritten or deleted since it was opened, so the corrupt version is gone anyway.
    if (!(err instanceof NotFound)) s.log.error({ err, ...where }, 'quarantine of an object read corrupt failed')
    return
  }
  s.metrics.getQuarantines.inc()
  s.log.warn({ ...where, reason: 'corrupt' }, 'object quarantined: a GET read bytes that do not match its ETag')
}

async function writeRange (res: ServerResponse, inline: Buffer, file: Handle | undefined, r: ByteRange, end: boolean): Promise<void> {
  if (file === undefined) {
    const slice = inline.subarray(r.start, r.end + 1)
    if (end) res.end(slice)
    else res.write(slice)
    return
  }
  if (r.end < r.start) {
    if (end) res.end()
    return
  }
  await pipeline(file.createReadStream({ start: r.start, end: r.end, autoClose: false, highWaterMark: READ_CHUNK_BYTES }), res, { end })
}

async function writeMultipart (res: ServerResponse, headers: Record<string, string | number>, size: number, ranges: ByteRange[],
  head: boolean, inline: Buffer, file: Handle | undefined): Promise<void> {
  const body = byteRangesBody(ranges, size, String(headers['Content-Type']), randomBytes(16).toString('hex'))
  headers['Content-Type'] = body.contentType
  headers['Content-Length'] = body.length
  res.writeHead(206, headers)
  if (head) { res.end(); return }
  for (let i = 0; i < ranges.length; i++) {
    res.write(body.heads[i])
    await writeRange(res, inline, file, ranges[i], false)
    res.write(body.partEnd)
  }
  res.end(body.closing)
}

export async function handleObject (s: Services, ctx: RequestContext): Promise<void> {
  switch (ctx.method) {
    case 'PUT': return await put(s, ctx)
    case 'GET':
    case 'HEAD': return await getOrHead(s, ctx)
    case 'DELETE': return await del(s, ctx)
    case 'POST': return await post(s, ctx)
    default: throw new HttpError(405, `method ${ctx.method} not allowed on an object`)
  }
}
