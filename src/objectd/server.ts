/**
 * The HTTP server: a plain node:http server with a router that dispatches on the number of path
 * segments (device, partition, account, container, object), which is all the routing this
 * internal API needs and much cheaper per request than a general router. Every error becomes an
 * answer here, in one place: HttpError by its status, a full disk as 507, anything else as 500
 * (logged); a request never crashes the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { handleAccount } from './account-handlers.js'
import { handleContainer } from './container-handlers.js'
import { handleDaemonRequest } from './daemon-handlers.js'
import { HttpError, isDiskFull } from './errors.js'
import { readJsonBody, send, type RequestContext } from './http-util.js'
import { handleObject } from './object-handlers.js'
import { parsePath } from './paths.js'
import { handleReplicate } from './replicate-handlers.js'
import type { Services } from './services.js'

const EMPTY_QUERY = new URLSearchParams()

async function operations (s: Services, ctx: RequestContext, pathname: string): Promise<boolean> {
  if (pathname === '/healthcheck') {
    send(ctx.res, 200, { 'Content-Type': 'text/plain' }, 'OK')
    return true
  }
  if (pathname === '/metrics' && ctx.method === 'GET') {
    const text = await s.metrics.registry.metrics()
    send(ctx.res, 200, { 'Content-Type': s.metrics.registry.contentType }, text)
    return true
  }
  if (pathname === '/recon' && ctx.method === 'GET') {
    send(ctx.res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(await s.recon.view()))
    return true
  }
  const m = /^\/recon\/([A-Za-z0-9_-]+)$/.exec(pathname)
  if (m !== null && ctx.method === 'PUT') {
    const summary = await readJsonBody(ctx.req, 1024 * 1024)
    if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) throw new HttpError(400, 'expected a JSON object')
    await s.recon.report(m[1], summary as Record<string, unknown>)
    send(ctx.res, 204, {})
    return true
  }
  return false
}

async function route (s: Services, ctx: RequestContext, pathname: string): Promise<void> {
  if (await operations(s, ctx, pathname)) return
  ctx.path = parsePath(pathname)
  const p = ctx.path
  if (await handleDaemonRequest(s, ctx)) return
  if (p.object !== undefined) return await handleObject(s, ctx)
  if (p.container !== undefined) return await handleContainer(s, ctx)
  if (p.account !== undefined) return await handleAccount(s, ctx)
  return await handleReplicate(s, ctx)
}

function answerError (s: Services, ctx: RequestContext, err: unknown): void {
  let status = 500
  let message = 'Internal Server Error'
  let headers: Record<string, string | number> = {}
  if (err instanceof HttpError) {
    status = err.status
    message = err.message
    headers = { ...err.headers }
  } else if (isDiskFull(err)) {
    status = 507
    message = 'device is full'
  } else {
    s.log.error({ err, method: ctx.method, url: ctx.req.url, txn: ctx.req.headers['x-trans-id'] }, 'request failed')
  }
  if (ctx.res.headersSent) {
    // Too late for a status: cut the response so the reader sees it incomplete.
    ctx.res.destroy()
    return
  }
  headers['Content-Type'] = 'text/plain; charset=utf-8'
  send(ctx.res, status, headers, ctx.method === 'HEAD' ? undefined : message)
}

export function createObjectdServer (s: Services): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const ctx: RequestContext = {
      req, res, method: req.method ?? 'GET', path: { device: '' },
      query: q < 0 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1))
    }
    route(s, ctx, pathname)
      .catch((err: unknown) => { answerError(s, ctx, err) })
      .finally(() => { s.metrics.requests.labels(ctx.method, String(res.statusCode)).inc() })
  }
  const server = createServer({ keepAlive: true, requestTimeout: 0 }, handler)
  server.keepAliveTimeout = 65000
  return server
}
