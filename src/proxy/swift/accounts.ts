/** Swift account requests: HEAD, GET (container listing), POST. */
import { parseAccountAcl } from '../../auth/index.js'
import { CoreError } from '../core/errors.js'
import type { SwiftContext, SwiftRequest } from './context.js'
import { sendError } from './errors.js'
import { clientHeaders, headerValue, metadataHeaders } from './headers.js'
import { listingFormat, listingQuery, negotiateListing, sendListing, type ListingType } from './listing.js'

/** An account that was never written to reads as empty for its owner, as with Swift's account_autocreate. */
function sendEmptyAccount (r: SwiftRequest, method: 'GET' | 'HEAD', type: ListingType): void {
  const format = listingFormat(type)
  r.reply.headers({
    'x-account-container-count': '0',
    'x-account-object-count': '0',
    'x-account-bytes-used': '0',
    'x-timestamp': '0000000000.00000'
  })
  if (method === 'HEAD' || format === 'plain') {
    r.reply.code(204).send()
    return
  }
  if (format === 'json') r.reply.code(200).header('content-type', 'application/json; charset=utf-8').send('[]')
  else {
    r.reply.code(200).header('content-type', 'application/xml; charset=utf-8')
    sendListing(r, type, `<?xml version="1.0" encoding="UTF-8"?>\n<account name="${escapeXml(r.path.account)}"></account>`)
  }
}

function escapeXml (s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export async function readAccount (ctx: SwiftContext, r: SwiftRequest, method: 'GET' | 'HEAD'): Promise<void> {
  const type = negotiateListing(r)
  if (type === undefined) return
  const query = method === 'GET' ? listingQuery(r.query, r.params, type) : ''
  const res = await ctx.store.accounts.read(r.path.account, method, query)
  if (res.status === 404) {
    await res.body.dump()
    sendEmptyAccount(r, method, type)
    return
  }
  r.reply.code(method === 'HEAD' ? 204 : res.status).headers(clientHeaders(res.headers, r.owner === true))
  if (method === 'HEAD') {
    await res.body.dump()
    r.reply.send()
  } else {
    sendListing(r, type, res.body)
  }
}

/** The account's new metadata, and its ACL when the request sets one (an empty value removes it). */
function accountHeaders (r: SwiftRequest): Record<string, string> {
  const out = metadataHeaders(r.req.headers, 'account')
  const acl = headerValue(r.req.headers, 'x-account-access-control')
  if (acl !== undefined) {
    const parsed = acl === '' ? {} : parseAccountAcl(acl)
    if (typeof parsed === 'string') throw new CoreError('BAD_REQUEST', parsed)
    out['x-account-access-control'] = acl
  }
  return out
}

export async function postAccount (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const headers = accountHeaders(r)
  await ctx.store.accounts.ensure(r.path.account)
  const result = await ctx.store.accounts.write(r.path.account, 'POST', headers)
  if (result.status >= 300) sendError(r.reply, result.status)
  else r.reply.code(204).send()
}
