/** The container role: `/{device}/{partition}/{account}/{container}`. */
import { httpDate } from '../common/timestamp.js'
import { HttpError, NotFound } from './errors.js'
import { header, policyIndex, readJsonBody, requireTimestamp, send, updateTargets, type RequestContext } from './http-util.js'
import { isDeleted, metaHeaders } from './listing-meta.js'
import { objectRowFields, parseFormat } from './listing-format.js'
import { sendListingPage } from './listing-page.js'
import { parseListingParams, LISTING_LIMIT } from './listing.js'
import { listedRow, validateRow, type ContainerInfo, type ContainerRef } from './container-db.js'
import type { Services } from './services.js'

/** At most this many rows in one PATCH (a sender's batch is far smaller). */
const MAX_PATCH_ROWS = LISTING_LIMIT
const MAX_PATCH_BYTES = 16 * 1024 * 1024

async function containerRef (s: Services, ctx: RequestContext): Promise<ContainerRef> {
  const { path } = ctx
  const device = await s.devices.get(path.device)
  return s.containers.ref(device, path.partition as number, path.account as string, path.container as string)
}

function infoHeaders (info: ContainerInfo): Record<string, string | number> {
  const out: Record<string, string | number> = {
    'X-Container-Object-Count': info.objectCount,
    'X-Container-Bytes-Used': info.bytesUsed,
    'X-Backend-Storage-Policy-Index': info.policy,
    'X-Timestamp': info.created,
    'X-PUT-Timestamp': info.putTs,
    'X-Backend-Put-Timestamp': info.putTs,
    'X-Backend-Delete-Timestamp': info.deleteTs,
    'X-Backend-Changed-Timestamp': info.changedTs,
    'Last-Modified': httpDate(info.putTs)
  }
  metaHeaders(info.meta, out as Record<string, string>)
  return out
}

async function liveInfo (s: Services, ref: ContainerRef): Promise<ContainerInfo> {
  const info = await s.containers.info(ref)
  if (info === undefined) throw new NotFound()
  if (isDeleted(info)) throw new NotFound('Not Found', { 'X-Backend-Delete-Timestamp': info.deleteTs, 'X-Backend-Put-Timestamp': info.putTs })
  return info
}

async function put (s: Services, ctx: RequestContext): Promise<void> {
  const ts = requireTimestamp(ctx.req)
  const policy = policyIndex(ctx.req, s.policies)
  const targets = updateTargets(ctx.req, 'x-account')
  const ref = await containerRef(s, ctx)
  const { created } = await s.containers.put(ref, ts, policy, ctx.req.headers, targets)
  await s.reporter.reportNow(ref)
  send(ctx.res, created ? 201 : 202, {})
}

async function post (s: Services, ctx: RequestContext): Promise<void> {
  const ts = requireTimestamp(ctx.req)
  const ref = await containerRef(s, ctx)
  await s.containers.post(ref, ts, ctx.req.headers)
  send(ctx.res, 204, {})
}

async function del (s: Services, ctx: RequestContext): Promise<void> {
  const ts = requireTimestamp(ctx.req)
  const ref = await containerRef(s, ctx)
  await s.containers.delete(ref, ts)
  await s.reporter.reportNow(ref)
  send(ctx.res, 204, {})
}

async function patch (s: Services, ctx: RequestContext): Promise<void> {
  const body = await readJsonBody(ctx.req, MAX_PATCH_BYTES)
  if (!Array.isArray(body) || body.length > MAX_PATCH_ROWS) throw new HttpError(400, `expected a JSON array of at most ${MAX_PATCH_ROWS} rows`)
  const rows = body.map(validateRow)
  const ref = await containerRef(s, ctx)
  await s.containers.mergeRows(ref, rows)
  send(ctx.res, 204, {})
}

async function head (s: Services, ctx: RequestContext): Promise<void> {
  const info = await liveInfo(s, await containerRef(s, ctx))
  send(ctx.res, 204, infoHeaders(info))
}

async function get (s: Services, ctx: RequestContext): Promise<void> {
  const params = parseListingParams(ctx.query)
  const format = parseFormat(ctx.query, header(ctx.req, 'accept'))
  const ref = await containerRef(s, ctx)
  const info = await liveInfo(s, ref)
  await sendListingPage(ctx.res, {
    db: ref.device.db,
    rowPrefix: ref.rowPrefix,
    params,
    format,
    decode: listedRow,
    fields: (row) => objectRowFields(row, format),
    root: { tag: 'container', name: ref.container, element: 'object' },
    headers: infoHeaders(info)
  })
}

export async function handleContainer (s: Services, ctx: RequestContext): Promise<void> {
  switch (ctx.method) {
    case 'PUT': return await put(s, ctx)
    case 'POST': return await post(s, ctx)
    case 'DELETE': return await del(s, ctx)
    case 'PATCH': return await patch(s, ctx)
    case 'HEAD': return await head(s, ctx)
    case 'GET': return await get(s, ctx)
    default: throw new HttpError(405, `method ${ctx.method} not allowed on a container`)
  }
}
