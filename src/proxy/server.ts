/**
 * Builds the proxy's HTTP server: one fastify app that owns the listener, transaction ids,
 * metrics, and the operational endpoints (/healthcheck, /info, /metrics), and hands API
 * requests to the front end that speaks their dialect.
 */
import { randomBytes } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from '../common/logger.js'
import type { PolicyConfig } from '../common/config.js'
import { auditNote, carriesCredentials, countBodyBytes, noteAuthFailure, s3SecretLookup, writeAuditLine, type Authenticator, type FailureLimiter } from '../auth/index.js'
import { capabilities } from './info.js'
import type { ProxyMetrics } from './metrics.js'
import type { ObjectStore } from './core/store.js'
import { handleS3 } from './s3/router.js'
import type { S3Options } from './s3/context.js'
import { handleSwift, isSwiftPath } from './swift/router.js'
import { buildSwiftPipeline, type SwiftFeatureSettings } from './swift/middleware/index.js'
import { sendError } from './swift/errors.js'

export interface ProxyDeps {
  store: ObjectStore
  auth: Authenticator
  /** Failed authentications per client address (brute-force protection). */
  failedAuth: FailureLimiter
  /** Where the audit trail goes (one line per request); undefined: off. */
  audit?: Logger
  policies: PolicyConfig[]
  /** The Swift API's optional features and their settings (the proxy config's `pipeline`, ...). */
  swiftFeatures: SwiftFeatureSettings
  s3: S3Options
  logger: Logger
  metrics: ProxyMetrics
  /** What /metrics answers, when not this process's registry alone: every worker's (workers.ts). */
  scrape?: () => Promise<string>
  tls?: { cert: string, key: string }
  /** A client connection idle this long (a body that stalls, a reader that stops) is closed, as Swift's client_timeout. */
  clientTimeoutMs: number
}

/** Swift-style transaction ids: `tx` + a per-process prefix and a counter + `-` + hex time. */
function transactionIds (): () => string {
  const prefix = randomBytes(6).toString('hex')
  let counter = 0
  return () => {
    counter = (counter + 1) % 0x100000000
    return `tx${prefix}${counter.toString(16).padStart(9, '0')}-${Math.floor(Date.now() / 1000).toString(16).padStart(10, '0')}`
  }
}

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS']

export function buildProxy (deps: ProxyDeps): FastifyInstance {
  const nextTxId = transactionIds()
  const app = Fastify({
    loggerInstance: deps.logger,
    // Requests are logged once each by the audit trail, not by fastify.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => nextTxId(),
    exposeHeadRoutes: false,
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 8192 },
    keepAliveTimeout: 75_000,
    connectionTimeout: deps.clientTimeoutMs,
    ...(deps.tls !== undefined ? { https: deps.tls } : {})
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance
  // Bodies are streamed by the handlers (object PUTs go straight to the storage nodes): never
  // parsed or buffered here. So fastify is told no method has a body: it then never reads the
  // Content-Type either, which it would refuse with a 415 when it cannot parse it (`foo`, `''`,
  // `foo/bar; x`), where Swift and S3 store whatever type the client gave (or guess one).
  for (const method of METHODS) app.addHttpMethod(method, { hasBody: false, overrideExisting: true })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, _payload, done) => { done(null) })

  // The two hooks that run for every request take fastify's callback: an async hook costs a
  // promise and a turn of the microtask queue each.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-trans-id', req.id).header('x-openstack-request-id', req.id)
    // Bodies are counted for the bytes in/out metrics (and the audit trail) without consuming them.
    countBodyBytes(req.raw, reply.raw)
    const wait = carriesCredentials(req.headers, req.url) ? deps.failedAuth.retryAfter(req.ip) : 0
    if (wait > 0) {
      noteAuthFailure(req.raw, 'too many failed authentications from this address')
      // Answered here: fastify is not told to go on.
      void reply.code(429).header('retry-after', String(wait)).header('content-type', 'text/plain; charset=utf-8').send('Too Many Requests')
      return
    }
    done()
  })
  app.addHook('onResponse', (req, reply, done) => {
    const api = isSwiftPath(req.url) ? 'swift' : 's3'
    deps.metrics.requestDuration.labels(api, req.method, String(reply.statusCode)).observe(reply.elapsedTime / 1000)
    const counted = auditNote(req.raw)
    deps.metrics.bytesIn.labels(api).inc(counted.bytesIn)
    deps.metrics.bytesOut.labels(api).inc(counted.bytesOut)
    // A refused attempt while blocked does not count again: the client earns a try per refill.
    if (auditNote(req.raw).authFailure !== undefined && reply.statusCode !== 429) deps.failedAuth.failed(req.ip)
    if (deps.audit !== undefined) {
      writeAuditLine(deps.audit, req.raw, {
        transId: req.id, client: req.ip, method: req.method, url: req.url, status: reply.statusCode, durationMs: reply.elapsedTime, api
      })
    }
    done()
  })

  const pipeline = buildSwiftPipeline(deps.swiftFeatures)
  const swiftCtx = { store: deps.store, auth: deps.auth, policies: deps.policies, pipeline }
  const s3Ctx = { store: deps.store, policies: deps.policies, secretFor: s3SecretLookup(deps.auth), opts: deps.s3 }
  const info = JSON.stringify(capabilities(deps.policies, pipeline.info()))

  app.route({
    method: METHODS,
    url: '/*',
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const url = req.raw.url ?? '/'
      if (url === '/healthcheck') return await reply.header('content-type', 'text/plain').send('OK')
      if (url === '/info' || url.startsWith('/info?')) return await reply.header('content-type', 'application/json; charset=utf-8').send(info)
      if (url === '/metrics') {
        return await reply.header('content-type', deps.metrics.registry.contentType).send(await (deps.scrape?.() ?? deps.metrics.registry.metrics()))
      }
      if (isSwiftPath(url)) return await handleSwift(swiftCtx, req, reply)
      return await handleS3(s3Ctx, req, reply)
    }
  })
  app.setErrorHandler((err, req, reply) => {
    req.log.warn({ err }, 'request error')
    const status = typeof (err as { statusCode?: number }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 503
    return sendError(reply, status >= 500 ? 503 : status)
  })
  return app
}
