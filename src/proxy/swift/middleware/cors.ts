/**
 * CORS for the Swift API, per container: X-Container-Meta-Access-Control-Allow-Origin (origins
 * separated by spaces, or `*`), -Max-Age (seconds a browser may cache a preflight) and
 * -Expose-Headers (more response headers scripts may read).
 *
 * - A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here, from
 *   the container's settings, with no token: 200 with the allowed origin, methods and headers,
 *   or 401 when the origin is not allowed. An OPTIONS that is not a preflight answers 200 with
 *   the verbs Swift knows.
 * - Any other request with an Origin header to an allowing container gets
 *   Access-Control-Allow-Origin and Access-Control-Expose-Headers on its answer.
 *
 * Limits: the exposed headers are Swift's fixed list plus the container's, not the response's
 * metadata names. Enable: `cors` first in the proxy config's `pipeline` (default).
 */
import type { ContainerInfo } from '../../core/info.js'
import type { SwiftRequest } from '../context.js'
import { sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import type { SwiftMiddleware } from '../pipeline.js'

const ALLOWED_METHODS = 'HEAD, GET, PUT, POST, COPY, OPTIONS, DELETE'
const EXPOSED = ['cache-control', 'content-language', 'content-type', 'expires', 'last-modified', 'pragma', 'etag',
  'x-timestamp', 'x-trans-id', 'x-openstack-request-id', 'x-static-large-object', 'x-object-manifest', 'x-symlink-target']

/** The Access-Control-Allow-Origin value for `origin`, or undefined when the container does not allow it. */
function allowedOrigin (info: ContainerInfo, origin: string): string | undefined {
  const allowed = (info.meta['x-container-meta-access-control-allow-origin'] ?? '').split(/\s+/).filter((o) => o !== '')
  if (allowed.includes('*')) return '*'
  return allowed.includes(origin) ? origin : undefined
}

async function preflight (r: SwiftRequest, info: ContainerInfo | undefined, origin: string): Promise<void> {
  const allow = info?.exists === true ? allowedOrigin(info, origin) : undefined
  if (info === undefined || allow === undefined) {
    sendError(r.reply, 401)
    return
  }
  const maxAge = info.meta['x-container-meta-access-control-max-age']
  if (maxAge !== undefined && maxAge !== '') r.reply.header('access-control-max-age', maxAge)
  const requested = headerValue(r.req.headers, 'access-control-request-headers')
  if (requested !== undefined) r.reply.header('access-control-allow-headers', requested)
  r.reply.code(200).headers({
    'access-control-allow-origin': allow,
    'access-control-allow-methods': ALLOWED_METHODS,
    allow: ALLOWED_METHODS,
    'content-type': 'text/html; charset=UTF-8'
  }).send('')
}

export const cors: SwiftMiddleware = {
  name: 'cors',
  phase: 'pre-auth',
  async handle (ctx, r, next) {
    const origin = headerValue(r.req.headers, 'origin')
    const container = r.path.container
    const info = origin !== undefined && container !== undefined ? await ctx.store.containers.info(r.path.account, container) : undefined
    if (r.req.method === 'OPTIONS') {
      if (origin === undefined || headerValue(r.req.headers, 'access-control-request-method') === undefined) {
        r.reply.code(200).headers({ allow: ALLOWED_METHODS, 'content-type': 'text/html; charset=UTF-8' }).send('')
      } else {
        await preflight(r, info, origin)
      }
      return
    }
    const allow = info?.exists === true && origin !== undefined ? allowedOrigin(info, origin) : undefined
    if (info !== undefined && allow !== undefined) {
      const extra = (info.meta['x-container-meta-access-control-expose-headers'] ?? '').split(/[\s,]+/).filter((h) => h !== '')
      r.reply.header('access-control-allow-origin', allow)
      r.reply.header('access-control-expose-headers', [...EXPOSED, ...extra.map((h) => h.toLowerCase())].join(', '))
    }
    await next()
  }
}
