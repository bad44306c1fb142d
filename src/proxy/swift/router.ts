/**
 * The Swift API front end: `/auth/v1.0` and `/v1/{account}/{container}/{object}`. Each request
 * is parsed, authenticated, authorized, and handed to one handler that translates it into core
 * calls. Errors become Swift's status + plain text here, and nowhere else.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { authorize, noteAuthFailure, noteIdentity, ownsAccount, type TokenCheck } from '../../auth/index.js'
import { accountAclFor } from '../account-access.js'
import { CoreError } from '../core/errors.js'
import { withSegmentCheck } from '../core/large-objects.js'
import { readAccount, postAccount } from './accounts.js'
import { handleAuthV1 } from './auth-endpoint.js'
import { deleteContainer, postContainer, putContainer, readContainer } from './containers.js'
import type { SwiftContext, SwiftRequest } from './context.js'
import { sendCoreError, sendError } from './errors.js'
import { headerValue } from './headers.js'
import { copyObject, deleteObject, getObject, postObject, putObject } from './objects.js'
import { parseSwiftPath } from './path.js'
import type { Terminal } from './pipeline.js'

type Handler = (ctx: SwiftContext, r: SwiftRequest) => Promise<void>

const ACCOUNT: Record<string, Handler> = {
  GET: async (ctx, r) => { await readAccount(ctx, r, 'GET') },
  HEAD: async (ctx, r) => { await readAccount(ctx, r, 'HEAD') },
  POST: postAccount
}
const CONTAINER: Record<string, Handler> = {
  GET: async (ctx, r) => { await readContainer(ctx, r, 'GET') },
  HEAD: async (ctx, r) => { await readContainer(ctx, r, 'HEAD') },
  PUT: putContainer,
  POST: postContainer,
  DELETE: deleteContainer
}
const OBJECT: Record<string, Handler> = {
  GET: async (ctx, r) => { await getObject(ctx, r, 'GET') },
  HEAD: async (ctx, r) => { await getObject(ctx, r, 'HEAD') },
  PUT: putObject,
  POST: postObject,
  DELETE: deleteObject,
  COPY: copyObject
}

function splitUrl (url: string): { path: string, query: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q) }
}

export function isSwiftPath (url: string): boolean {
  // Swift decodes the path before splitting it: `/v1%2FAUTH_test` is `/v1/AUTH_test` (and never
  // an S3 request, whose bucket names cannot hold a `%`).
  return url.startsWith('/v1/') || url.startsWith('/v1.0/') || url === '/auth/v1.0' || url.startsWith('/auth/v1') ||
    /^\/v1(?:\.0)?%2F/i.test(url)
}

/** Who is asking: undefined for an anonymous request (no token at all). */
async function authenticate (ctx: SwiftContext, req: FastifyRequest): Promise<TokenCheck | undefined> {
  const token = headerValue(req.headers, 'x-auth-token') ?? headerValue(req.headers, 'x-storage-token')
  if (token === undefined || token === '') return undefined
  return await ctx.auth.checkToken(token)
}

/** Setting or removing the account quota: the reseller admin's alone. */
function changesAccountQuota (r: SwiftRequest): boolean {
  return r.path.container === undefined && r.req.method === 'POST' &&
    (r.req.headers['x-account-meta-quota-bytes'] !== undefined || r.req.headers['x-remove-account-meta-quota-bytes'] !== undefined)
}

/** The object a copy reads, when this request is one: its reader must be allowed to read it too. */
function copySource (r: SwiftRequest): { account: string, container: string, object: string } | undefined {
  const headers = r.req.headers
  if (r.req.method === 'COPY') return r.path as { account: string, container: string, object: string }
  const from = headerValue(headers, 'x-copy-from')
  if (r.req.method !== 'PUT' || from === undefined) return undefined
  const [container, ...rest] = from.replace(/^\//, '').split('/')
  let decoded: string[]
  try {
    decoded = [decodeURIComponent(container), decodeURIComponent(rest.join('/'))]
  } catch {
    return undefined
  }
  return { account: headerValue(headers, 'x-copy-from-account') ?? r.path.account, container: decoded[0], object: decoded[1] }
}

async function permitted (ctx: SwiftContext, r: SwiftRequest): Promise<boolean> {
  const source = copySource(r)
  if (source !== undefined && r.req.method !== 'COPY' &&
    !(await allowedOn(ctx, r, 'GET', source.account, source.container, source.object))) return false
  const method = r.req.method === 'COPY' ? 'GET' : r.req.method
  if (!(await allowedOn(ctx, r, method, r.path.account, r.path.container, r.path.object))) return false
  if (r.req.method !== 'COPY') return true
  const dest = headerValue(r.req.headers, 'destination') ?? ''
  const [container, ...rest] = dest.replace(/^\//, '').split('/')
  const account = headerValue(r.req.headers, 'destination-account') ?? r.path.account
  try {
    return await allowedOn(ctx, r, 'PUT', account, decodeURIComponent(container), decodeURIComponent(rest.join('/')))
  } catch {
    return false
  }
}

async function allowedOn (ctx: SwiftContext, r: SwiftRequest, method: string, account: string,
  container: string | undefined, object: string | undefined): Promise<boolean> {
  const who = r.identity
  const accountAcl = await accountAclFor(ctx.store, who, account)
  const needsAcl = container !== undefined && !ownsAccount(who, account, accountAcl)
  let read: string | undefined
  let write: string | undefined
  if (needsAcl) {
    const info = await ctx.store.containers.info(account, container)
    read = info.meta['x-container-read']
    write = info.meta['x-container-write']
  }
  const quota = account === r.path.account && container === undefined && changesAccountQuota(r)
  return authorize(who, {
    method, account, container, object, read, write, referrer: headerValue(r.req.headers, 'referer'), changesAccountQuota: quota, accountAcl
  }) === 'allow'
}

/**
 * The context a request that reads object bytes (GET, COPY, a PUT with X-Copy-From) is served in:
 * a large object's segments are read as the caller, as Swift's subrequests are, owners included,
 * since a copy or symlink may reach another account's. A TempURL's signature covers them. Other
 * requests read no segments and keep the plain store (a view costs every core call a little).
 */
function readingAsCaller (ctx: SwiftContext, r: SwiftRequest): SwiftContext {
  const { path } = r
  const source = copySource(r)
  const method = r.req.method
  const reads = path.object !== undefined && (method === 'GET' || method === 'COPY' || source !== undefined)
  if (!reads || r.preauthorized === true) return ctx
  const homes = [{ account: path.account, container: path.container as string }, ...(source !== undefined ? [source] : [])]
  return { ...ctx, store: withSegmentCheck(ctx.store, homes, async (s) => await r.allowed('GET', s.account, s.container, s.object)) }
}

/**
 * What follows the pre-auth middlewares: the token, the verb's handler, the ACLs, and then the
 * post-auth middlewares around the handler. A request a pre-auth middleware vouched for
 * (`preauthorized`) skips the token and the ACLs. Middlewares may have rewritten `r.path`.
 */
const authorizeAndServe: Terminal = async (ctx, r, postAuth) => {
  const { req, reply, path } = r
  if (r.preauthorized !== true) {
    const check = await authenticate(ctx, req)
    if (check !== undefined && !check.ok) {
      noteAuthFailure(req.raw, check.reason)
      sendError(reply, check.status)
      return
    }
    r.identity = check?.identity
    noteIdentity(req.raw, r.identity)
  }
  const table = path.object !== undefined ? OBJECT : path.container !== undefined ? CONTAINER : ACCOUNT
  const handler = table[req.method]
  // Bulk requests are authorized item by item, by the middleware that serves them.
  const itemByItem = ctx.pipeline.authorizesItself(r)
  if (handler === undefined && !itemByItem) {
    sendError(reply, 405)
    return
  }
  if (!ctx.auth.servesAccount(path.account) || !(r.preauthorized === true || itemByItem || await permitted(ctx, r))) {
    sendError(reply, r.identity === undefined ? 401 : 403)
    return
  }
  r.owner = ownsAccount(r.identity, path.account, await accountAclFor(ctx.store, r.identity, path.account))
  await postAuth(readingAsCaller(ctx, r), handler ?? (async () => { sendError(reply, 405) }))
}

export async function handleSwift (ctx: SwiftContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { path: rawPath, query } = splitUrl(req.raw.url ?? '/')
  try {
    // glance_store's swift driver asks for /auth/v1.0/, which Swift's tempauth answers too.
    if (/^\/auth\/v1(\.0)?\/?$/.test(rawPath)) {
      return await handleAuthV1(ctx.auth, req, reply)
    }
    const path = parseSwiftPath(rawPath)
    if (path === undefined) return sendError(reply, 404)
    const r: SwiftRequest = {
      req,
      reply,
      path,
      identity: undefined,
      query,
      params: new URLSearchParams(query),
      allowed: async (method, account, container, object) => await allowedOn(ctx, r, method, account, container, object)
    }
    await ctx.pipeline.run(ctx, r, authorizeAndServe)
    return reply
  } catch (err) {
    if (err instanceof CoreError) return sendCoreError(reply, err)
    req.log.error({ err }, 'swift request failed')
    return sendError(reply, 503)
  }
}
