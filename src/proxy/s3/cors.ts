/**
 * Bucket CORS: Put/Get/DeleteBucketCors keep the rules as container sysmeta (JSON); a browser's
 * preflight OPTIONS is answered from them without authentication (as S3 does, so the bucket's
 * account is found through the bucket registry), and actual requests with an Origin get the
 * matching rule's Access-Control-* headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BucketRegistry } from './bucket-registry.js'
import { bucketOf, requireBucket } from './buckets.js'
import { header, requestDocument, type S3Context, type S3Request } from './context.js'
import { S3Error, malformedXml } from './errors.js'
import { sendEmpty, sendXml } from './respond.js'
import { listOf, parseXml, textOf, textsOf, type XmlObject } from './xml.js'

const CORS_SYSMETA = 'x-container-sysmeta-s3-cors'
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'])
const MAX_RULES = 100

interface CorsRule {
  id?: string
  origins: string[]
  methods: string[]
  headers: string[]
  expose: string[]
  maxAge?: number
}

function parseRules (text: string): CorsRule[] {
  const rules = listOf(parseXml(text, 'CORSConfiguration'), 'CORSRule').map((rule: XmlObject): CorsRule => {
    const methods = textsOf(rule, 'AllowedMethod')
    const origins = textsOf(rule, 'AllowedOrigin')
    if (methods.length === 0 || origins.length === 0) throw malformedXml()
    for (const m of methods) {
      if (!METHODS.has(m)) throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`)
    }
    const maxAge = textOf(rule, 'MaxAgeSeconds')
    if (maxAge !== undefined && !/^\d+$/.test(maxAge)) throw malformedXml()
    return {
      id: textOf(rule, 'ID'),
      origins,
      methods,
      headers: textsOf(rule, 'AllowedHeader'),
      expose: textsOf(rule, 'ExposeHeader'),
      maxAge: maxAge === undefined ? undefined : Number(maxAge)
    }
  })
  if (rules.length === 0 || rules.length > MAX_RULES) throw malformedXml()
  return rules
}

function storedRules (meta: Record<string, string>): CorsRule[] | undefined {
  const raw = meta[CORS_SYSMETA]
  if (raw === undefined || raw === '') return undefined
  try {
    return JSON.parse(raw) as CorsRule[]
  } catch {
    return undefined
  }
}

/** S3's patterns: at most one `*`, matching any run of characters; case-insensitive for headers. */
function wildcardMatch (pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  const v = ignoreCase ? value.toLowerCase() : value
  const star = p.indexOf('*')
  if (star < 0) return p === v
  return v.length >= p.length - 1 && v.startsWith(p.slice(0, star)) && v.endsWith(p.slice(star + 1))
}

function matchRule (rules: CorsRule[], origin: string, method: string, requestHeaders: string[]): CorsRule | undefined {
  return rules.find((rule) => rule.origins.some((o) => wildcardMatch(o, origin, false)) && rule.methods.includes(method) &&
    requestHeaders.every((h) => rule.headers.some((allowed) => wildcardMatch(allowed, h, true))))
}

function allowOrigin (rule: CorsRule, origin: string): string {
  return rule.origins.includes('*') ? '*' : origin
}

export async function putBucketCors (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  const rules = parseRules(await requestDocument(r, 64 * 1024))
  const result = await ctx.store.containers.write(r.account, bucketOf(r), 'POST', { [CORS_SYSMETA]: JSON.stringify(rules) })
  if (result.status >= 300) throw new S3Error('ServiceUnavailable', `bucket CORS update answered ${result.status}`)
  sendEmpty(r, 200)
}

export async function getBucketCors (ctx: S3Context, r: S3Request): Promise<void> {
  const rules = storedRules((await requireBucket(ctx, r)).meta)
  if (rules === undefined) throw new S3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist', { BucketName: bucketOf(r) })
  sendXml(r, 200, 'CORSConfiguration', {
    CORSRule: rules.map((rule) => ({
      ...(rule.id !== undefined ? { ID: rule.id } : {}),
      AllowedHeader: rule.headers,
      AllowedMethod: rule.methods,
      AllowedOrigin: rule.origins,
      ExposeHeader: rule.expose,
      ...(rule.maxAge !== undefined ? { MaxAgeSeconds: rule.maxAge } : {})
    }))
  })
}

export async function deleteBucketCors (ctx: S3Context, r: S3Request): Promise<void> {
  await requireBucket(ctx, r)
  await ctx.store.containers.write(r.account, bucketOf(r), 'POST', { [CORS_SYSMETA]: '' })
  sendEmpty(r, 204)
}

const forbidden = (): S3Error => new S3Error('AccessForbidden', 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.')

/** Answers a browser's preflight from the bucket's rules. */
export async function preflight (ctx: S3Context, req: FastifyRequest, reply: FastifyReply, bucket: string | undefined): Promise<FastifyReply> {
  const r = { req } as S3Request
  const origin = header(r, 'origin')
  const method = header(r, 'access-control-request-method')
  if (bucket === undefined || origin === undefined || method === undefined) {
    throw new S3Error('InvalidRequest', 'Insufficient information. Origin request header needed.')
  }
  const account = await new BucketRegistry(ctx.store).ownerOf(bucket)
  if (account === undefined) throw forbidden()
  const info = await ctx.store.containers.info(account, bucket)
  const requested = (header(r, 'access-control-request-headers') ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '')
  const rule = info.exists ? matchRule(storedRules(info.meta) ?? [], origin, method, requested) : undefined
  if (rule === undefined) throw forbidden()
  reply.code(200).headers({
    'access-control-allow-origin': allowOrigin(rule, origin),
    'access-control-allow-methods': rule.methods.join(', '),
    ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
    ...(rule.expose.length > 0 ? { 'access-control-expose-headers': rule.expose.join(', ') } : {}),
    ...(rule.maxAge !== undefined ? { 'access-control-max-age': String(rule.maxAge) } : {}),
    ...(rule.origins.includes('*') ? {} : { 'access-control-allow-credentials': 'true' }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method'
  })
  return await reply.send()
}

/** Access-Control-* headers for an actual request from a browser, when a rule admits it. */
export async function corsHeaders (ctx: S3Context, r: S3Request): Promise<Record<string, string>> {
  const origin = header(r, 'origin') as string
  const info = await ctx.store.containers.info(r.account, bucketOf(r))
  const rule = info.exists ? matchRule(storedRules(info.meta) ?? [], origin, r.req.method, []) : undefined
  if (rule === undefined) return {}
  return {
    'access-control-allow-origin': allowOrigin(rule, origin),
    'access-control-allow-methods': rule.methods.join(', '),
    ...(rule.expose.length > 0 ? { 'access-control-expose-headers': rule.expose.join(', ') } : {}),
    ...(rule.origins.includes('*') ? {} : { 'access-control-allow-credentials': 'true' }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method'
  }
}
