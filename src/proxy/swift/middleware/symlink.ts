/**
 * Symlinks: a zero-byte object made with `PUT` and `X-Symlink-Target: <container>/<object>`
 * (URL-encoded, optionally `X-Symlink-Target-Account`) that reads as its target. GET and HEAD
 * follow the link (up to 2 links in a row, as Swift's symloop_max), the reader needing read
 * access to the target too, and answer with `Content-Location` naming it; a dangling link is a
 * 404. A copy (COPY, X-Copy-From) of a link copies its target's content and metadata.
 * `?symlink=get` reads, and copies, the link itself. POST and DELETE act on the link.
 *
 * Limits: listings do not show the link's target.
 * Enable: `symlink` last in the proxy config's `pipeline` (default).
 */
import { Readable } from 'node:stream'
import type { BackendHeaders } from '../../backend/client.js'
import { CoreError } from '../../core/errors.js'
import { checkContentType, type ObjectRef, type ObjectResponse } from '../../core/objects.js'
import type { ObjectStore } from '../../core/store.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { headerValue } from '../headers.js'
import { contentTypeFor, isCopy, objectHeaders } from '../objects.js'
import type { SwiftMiddleware } from '../pipeline.js'
import { decodeName } from '../path.js'
import { nextWithReadView } from './read-view.js'

const TARGET = 'x-symlink-target'
const TARGET_ACCOUNT = 'x-symlink-target-account'
const MAX_HOPS = 2
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e'

function parseTarget (value: string, account: string): ObjectRef {
  const slash = value.indexOf('/')
  if (slash <= 0 || slash === value.length - 1) {
    throw new CoreError('PRECONDITION_FAILED', 'X-Symlink-Target header must be of the form <container name>/<object name>')
  }
  return { account, container: decodeName(value.slice(0, slash)), object: decodeName(value.slice(slash + 1)) }
}

async function putLink (ctx: SwiftContext, r: SwiftRequest, target: string): Promise<void> {
  const account = headerValue(r.req.headers, TARGET_ACCOUNT)
  parseTarget(target, account ?? r.path.account)
  const length = headerValue(r.req.headers, 'content-length')
  if (length !== undefined && length !== '0') throw new CoreError('BAD_REQUEST', 'Symlink requests require a zero byte body')
  checkContentType(headerValue(r.req.headers, 'content-type'))
  r.req.raw.resume()
  const headers: Record<string, string> = {
    ...objectHeaders(r.req.headers),
    'content-type': contentTypeFor(r.req.headers, r.path.object as string),
    [TARGET]: target,
    ...(account !== undefined ? { [TARGET_ACCOUNT]: account } : {})
  }
  const result = await ctx.store.objects.put({ account: r.path.account, container: r.path.container as string, object: r.path.object as string },
    { body: Readable.from([]), contentLength: 0, headers: { ...headers, etag: EMPTY_MD5 } })
  r.reply.code(201).headers({ etag: result.etag, 'content-type': 'text/html; charset=UTF-8' }).send('')
}

/** The target's answer for the link `stored`, following up to MAX_HOPS links. */
async function follow (store: ObjectStore, r: SwiftRequest, link: ObjectRef, method: 'GET' | 'HEAD', conditions: BackendHeaders,
  stored: ObjectResponse): Promise<ObjectResponse> {
  let current = stored
  for (let hop = 0; hop < MAX_HOPS + 1; hop++) {
    current.body?.destroy()
    const target = parseTarget(current.headers[TARGET], current.headers[TARGET_ACCOUNT] ?? link.account)
    if (hop === MAX_HOPS) throw new CoreError('CONFLICT', `Too many levels of symbolic links, maximum allowed is ${MAX_HOPS}`)
    if (!(await r.allowed(method, target.account, target.container, target.object))) {
      throw new CoreError('NOT_FOUND', `symlink target ${target.container}/${target.object} is not readable by this caller`)
    }
    current = await store.objects.get(target, method, conditions)
    if (current.headers[TARGET] === undefined) {
      if (current.status === 404) return { status: 404, headers: current.headers }
      const location = `/${r.path.version}/${encodeURIComponent(target.account)}/${encodeURIComponent(target.container)}/${encodeURIComponent(target.object).replaceAll('%2F', '/')}`
      return { ...current, headers: { ...current.headers, 'content-location': location } }
    }
  }
  return current
}

export const symlink: SwiftMiddleware = {
  name: 'symlink',
  phase: 'post-auth',
  info: { symloop_max: MAX_HOPS },
  async handle (ctx, r, next) {
    if (r.path.object === undefined) {
      await next()
      return
    }
    const target = headerValue(r.req.headers, TARGET)
    if (r.req.method === 'PUT' && target !== undefined) {
      await putLink(ctx, r, target)
      return
    }
    const reads = r.req.method === 'GET' || r.req.method === 'HEAD' || isCopy(r)
    if (!reads || r.params.get('symlink') === 'get') {
      await next()
      return
    }
    const store = ctx.store
    await nextWithReadView(ctx, next, {
      applies: (headers) => headers[TARGET] !== undefined,
      turn: async (ref, method, conditions, stored) => await follow(store, r, ref, method, conditions, stored)
    })
  }
}
