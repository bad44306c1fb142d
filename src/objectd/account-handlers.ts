/** The account role: `/{device}/{partition}/{account}`. */
import { httpDate } from '../common/timestamp.js'
import { HttpError, NotFound } from './errors.js'
import { header, readJsonBody, requireTimestamp, send, type RequestContext } from './http-util.js'
import { isDeleted, listingTime, metaHeaders } from './listing-meta.js'
import { parseFormat } from './listing-format.js'
import { sendListingPage } from './listing-page.js'
import { LISTING_LIMIT, parseListingParams } from './listing.js'
import { listedContainer, validateContainerRow, type AccountInfo, type AccountRef } from './account-db.js'
import type { Services } from './services.js'

const MAX_PATCH_BYTES = 16 * 1024 * 1024

async function accountRef (s: Services, ctx: RequestContext): Promise<AccountRef> {
  const device = await s.devices.get(ctx.path.device)
  return s.accounts.ref(device, ctx.path.partition as number, ctx.path.account as string)
}

function infoHeaders (info: AccountInfo): Record<string, string | number> {
  const out: Record<string, string | number> = {
    'X-Account-Container-Count': info.containerCount,
    'X-Account-Object-Count': info.objectCount,
    'X-Account-Bytes-Used': info.bytesUsed,
    'X-Timestamp': info.created,
    'X-PUT-Timestamp': info.putTs,
    'X-Backend-Put-Timestamp': info.putTs,
    'X-Backend-Delete-Timestamp': info.deleteTs,
    'Last-Modified': httpDate(info.putTs)
  }
  metaHeaders(info.meta, out as Record<string, string>)
  return out
}

async function liveInfo (s: Services, ref: AccountRef): Promise<AccountInfo> {
  const info = await s.accounts.info(ref)
  if (info === undefined) throw new NotFound()
  if (isDeleted(info)) throw new NotFound('Not Found', { 'X-Account-Status': 'Deleted', 'X-Backend-Delete-Timestamp': info.deleteTs })
  return info
}

async function get (s: Services, ctx: RequestContext): Promise<void> {
  const params = parseListingParams(ctx.query)
  const format = parseFormat(ctx.query, header(ctx.req, 'accept'))
  const ref = await accountRef(s, ctx)
  const info = await liveInfo(s, ref)
  await sendListingPage(ctx.res, {
    db: ref.device.db,
    rowPrefix: ref.rowPrefix,
    params,
    format,
    decode: listedContainer,
    fields: (row) => [['count', row.object_count], ['bytes', row.bytes_used], ['last_modified', listingTime(row.put_timestamp)]],
    root: { tag: 'account', name: ref.account, element: 'container' },
    headers: infoHeaders(info)
  })
}

export async function handleAccount (s: Services, ctx: RequestContext): Promise<void> {
  switch (ctx.method) {
    case 'PUT': {
      const ts = requireTimestamp(ctx.req)
      const created = await s.accounts.put(await accountRef(s, ctx), ts, ctx.req.headers)
      return send(ctx.res, created ? 201 : 202, {})
    }
    case 'POST': {
      const ts = requireTimestamp(ctx.req)
      await s.accounts.post(await accountRef(s, ctx), ts, ctx.req.headers)
      return send(ctx.res, 204, {})
    }
    case 'DELETE': {
      const ts = requireTimestamp(ctx.req)
      await s.accounts.delete(await accountRef(s, ctx), ts)
      return send(ctx.res, 204, {})
    }
    case 'PATCH': {
      const body = await readJsonBody(ctx.req, MAX_PATCH_BYTES)
      if (!Array.isArray(body) || body.length > LISTING_LIMIT) throw new HttpError(400, `expected a JSON array of at most ${LISTING_LIMIT} rows`)
      await s.accounts.mergeRows(await accountRef(s, ctx), body.map(validateContainerRow))
      return send(ctx.res, 204, {})
    }
    case 'HEAD':
      return send(ctx.res, 204, infoHeaders(await liveInfo(s, await accountRef(s, ctx))))
    case 'GET': return await get(s, ctx)
    default: throw new HttpError(405, `method ${ctx.method} not allowed on an account`)
  }
}
