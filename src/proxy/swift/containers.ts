/** Swift container requests: PUT, POST, HEAD, GET (listing), DELETE. */
import { aclProblem } from '../../auth/index.js'
import { CoreError } from '../core/errors.js'
import type { SwiftContext, SwiftRequest } from './context.js'
import { sendError } from './errors.js'
import { clientHeaders, headerValue, metadataHeaders, withoutPrivileged } from './headers.js'
import { listingQuery, negotiateListing, sendListing } from './listing.js'

/** Container settings a client may set besides X-Container-Meta-*. */
const SETTABLE = ['x-container-read', 'x-container-write', 'x-versions-location', 'x-history-location',
  'x-container-sync-to', 'x-container-sync-key']
const REMOVABLE: Record<string, string> = {
  'x-remove-container-read': 'x-container-read',
  'x-remove-container-write': 'x-container-write',
  'x-remove-versions-location': 'x-versions-location',
  'x-remove-history-location': 'x-history-location'
}

function containerHeaders (r: SwiftRequest): Record<string, string> {
  const headers = r.req.headers
  const out = metadataHeaders(headers, 'container')
  for (const name of SETTABLE) {
    const v = headerValue(headers, name)
    if (v !== undefined) out[name] = v
  }
  for (const [remove, name] of Object.entries(REMOVABLE)) {
    if (headerValue(headers, remove) !== undefined) out[name] = ''
  }
  // Swift's container_quotas refuses a quota that is not a whole number (an empty one removes it).
  for (const kind of ['bytes', 'count'] as const) {
    const quota = out[`x-container-meta-quota-${kind}`]
    if (quota !== undefined && quota !== '' && !/^\d+$/.test(quota)) throw new CoreError('BAD_REQUEST', `Invalid ${kind} quota.`)
  }
  for (const kind of ['read', 'write'] as const) {
    const problem = aclProblem(kind, out[`x-container-${kind}`] ?? '')
    if (problem !== undefined) throw new CoreError('BAD_REQUEST', problem)
  }
  // As in Swift, a writer who does not own the account (an account ACL's read-write user) sets no ACLs or keys.
  return r.owner === true ? out : withoutPrivileged(out)
}

/** Adds the policy's name, as Swift reports X-Storage-Policy. */
function withPolicyName (ctx: SwiftContext, headers: Record<string, string>, backend: Record<string, string>): Record<string, string> {
  const index = Number(backend['x-backend-storage-policy-index'] ?? 0)
  const policy = ctx.policies.find((p) => p.index === index)
  return policy === undefined ? headers : { ...headers, 'x-storage-policy': policy.name }
}

export async function putContainer (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const policy = headerValue(r.req.headers, 'x-storage-policy')
  const result = await ctx.store.containers.put(r.path.account, r.path.container as string, containerHeaders(r), policy)
  if (result.status >= 300) sendError(r.reply, result.status)
  else r.reply.code(result.status).header('content-type', 'text/html; charset=UTF-8').send('')
}

export async function postContainer (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const result = await ctx.store.containers.write(r.path.account, r.path.container as string, 'POST', containerHeaders(r))
  if (result.status >= 300) sendError(r.reply, result.status)
  else r.reply.code(204).send()
}

export async function deleteContainer (ctx: SwiftContext, r: SwiftRequest): Promise<void> {
  const result = await ctx.store.containers.write(r.path.account, r.path.container as string, 'DELETE', {})
  if (result.status === 409) throw new CoreError('CONTAINER_NOT_EMPTY', 'There was a conflict when trying to complete your request.')
  if (result.status >= 300) sendError(r.reply, result.status)
  else r.reply.code(204).send()
}

export async function readContainer (ctx: SwiftContext, r: SwiftRequest, method: 'GET' | 'HEAD'): Promise<void> {
  const type = negotiateListing(r)
  if (type === undefined) return
  const query = method === 'GET' ? listingQuery(r.query, r.params, type) : ''
  const res = await ctx.store.containers.read(r.path.account, r.path.container as string, method, query)
  if (res.status === 404) {
    await res.body.dump()
    sendError(r.reply, 404)
    return
  }
  r.reply.code(method === 'HEAD' ? 204 : res.status).headers(withPolicyName(ctx, clientHeaders(res.headers, r.owner === true), res.headers))
  if (method === 'HEAD') {
    await res.body.dump()
    r.reply.send()
  } else {
    sendListing(r, type, res.body)
  }
}
