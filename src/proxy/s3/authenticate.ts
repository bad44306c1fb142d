/**
 * Who sent an S3 request: SigV4 (header or presigned query), SigV2 (header or query), or nobody.
 * Checks the clock skew, the credential's region (strict mode only), the signature, and decides
 * how the body must be verified (PayloadMode) since SigV4 may sign it or its chunks.
 */
import type { Identity } from '../../auth/index.js'
import type { ChunkSigning } from './aws-chunked.js'
import type { S3Options } from './context.js'
import type { SecretLookup } from '../../auth/index.js'
import { S3Error } from './errors.js'
import { parseV2Header, parseV2Query, sameV2Signature, v2Signature, v2StringToSign } from './sigv2.js'
import {
  STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, UNSIGNED_PAYLOAD, V4_ALGORITHM,
  canonicalRequest, parseAmzDate, parseV4Header, parseV4Query, sameSignature, signHex, signingKey, stringToSign,
  type RawHeaders, type V4Authorization
} from './sigv4.js'

/** S3 refuses requests whose time is further than this from its own clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000

/** How the request body is to be checked. */
export type PayloadMode =
  | { kind: 'signed', sha256: string }
  | { kind: 'unsigned' }
  | { kind: 'streaming', signing?: ChunkSigning }

export interface AuthInput {
  method: string
  rawPath: string
  rawQuery: string
  query: URLSearchParams
  headers: RawHeaders
  /** The bucket when it came from the Host header (SigV2 signs it as part of the resource). */
  virtualHostBucket?: string
}

export interface Authenticated {
  identity: Identity | undefined
  payload: PayloadMode
}

function headerText (headers: RawHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

const signatureMismatch = (): S3Error =>
  new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.')

async function lookup (secretFor: SecretLookup, accessKey: string): Promise<{ secret: string, identity: Identity }> {
  const found = await secretFor(accessKey)
  if (found === undefined) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKey })
  }
  return found
}

function checkSkew (requestTime: number, now: number): void {
  if (!Number.isFinite(requestTime)) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header')
  if (Math.abs(now - requestTime) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: new Date(requestTime).toISOString(), ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS)
    })
  }
}

/** x-amz-date, else a Date header in ISO basic or HTTP form, as yyyymmddThhmmssZ. */
function requestAmzDate (headers: RawHeaders): string | undefined {
  const given = headerText(headers, 'x-amz-date') ?? headerText(headers, 'date')
  if (given === undefined) return undefined
  if (!Number.isNaN(parseAmzDate(given))) return given
  const ms = Date.parse(given)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')
}

function payloadMode (value: string, auth: V4Authorization, key: Buffer): PayloadMode {
  if (/^[0-9a-f]{64}$/.test(value)) return { kind: 'signed', sha256: value }
  if (value === UNSIGNED_PAYLOAD) return { kind: 'unsigned' }
  if (value === STREAMING_UNSIGNED_TRAILER) return { kind: 'streaming' }
  if (value === STREAMING_SIGNED || value === STREAMING_SIGNED_TRAILER) {
    return { kind: 'streaming', signing: { key, amzDate: auth.amzDate, scope: auth.scope, seed: auth.signature } }
  }
  throw new S3Error('InvalidArgument', `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a SHA-256 in hex, not "${value}"`)
}

async function verifyV4 (input: AuthInput, auth: V4Authorization, secretFor: SecretLookup, opts: S3Options, now: number): Promise<Authenticated> {
  const time = parseAmzDate(auth.amzDate)
  if (auth.kind === 'header') checkSkew(time, now)
  else {
    if (!Number.isFinite(time)) throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
    if (time - now > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet')
    if (now > time + (auth.expires ?? 0) * 1000) throw new S3Error('AccessDenied', 'Request has expired')
  }
  if (auth.scope.date !== auth.amzDate.slice(0, 8)) throw new S3Error('SignatureDoesNotMatch', 'The credential date does not match the request date')
  if (opts.strictRegion && auth.scope.region !== opts.region) {
    throw new S3Error('AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${auth.scope.region}' is wrong; expecting '${opts.region}'`, { Region: opts.region })
  }
  if (!auth.signedHeaders.includes('host')) throw new S3Error('AccessDenied', 'The host header must be signed')
  const { secret, identity } = await lookup(secretFor, auth.scope.accessKey)
  const contentSha = headerText(input.headers, 'x-amz-content-sha256')
  if (auth.kind === 'header' && contentSha === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256')
  }
  const payloadHash = contentSha ?? UNSIGNED_PAYLOAD
  const key = signingKey(secret, auth.scope)
  const canonical = canonicalRequest({
    method: input.method,
    rawPath: input.rawPath,
    rawQuery: input.rawQuery,
    headers: input.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash,
    omitQueryKey: auth.kind === 'query' ? 'X-Amz-Signature' : undefined
  })
  if (!sameSignature(signHex(key, stringToSign(auth.amzDate, auth.scope, canonical)), auth.signature)) throw signatureMismatch()
  return { identity, payload: payloadMode(payloadHash, auth, key) }
}

async function verifyV2 (input: AuthInput, secretFor: SecretLookup, now: number): Promise<Authenticated> {
  const authorization = headerText(input.headers, 'authorization')
  const auth = authorization !== undefined ? parseV2Header(authorization) : parseV2Query(input.query)
  let dateLine: string
  if (auth.kind === 'query') {
    if (now > (auth.expires ?? 0) * 1000) throw new S3Error('AccessDenied', 'Request has expired')
    dateLine = String(auth.expires)
  } else {
    const amzDate = headerText(input.headers, 'x-amz-date')
    const date = amzDate ?? headerText(input.headers, 'date')
    checkSkew(date === undefined ? NaN : Date.parse(date), now)
    dateLine = amzDate !== undefined ? '' : date ?? ''
  }
  const { secret, identity } = await lookup(secretFor, auth.accessKey)
  const resourcePath = input.virtualHostBucket !== undefined ? `/${input.virtualHostBucket}${input.rawPath}` : input.rawPath
  const toSign = v2StringToSign({ method: input.method, resourcePath, rawQuery: input.rawQuery, headers: input.headers, dateLine })
  if (!sameV2Signature(auth.signature, v2Signature(secret, toSign))) throw signatureMismatch()
  return { identity, payload: { kind: 'unsigned' } }
}

/** The caller, checked; `identity` undefined for an anonymous request. */
export async function authenticate (input: AuthInput, secretFor: SecretLookup, opts: S3Options, now = Date.now()): Promise<Authenticated> {
  const authorization = headerText(input.headers, 'authorization')
  if (authorization !== undefined) {
    if (authorization.startsWith(V4_ALGORITHM + ' ')) {
      const auth = parseV4Header(authorization, requestAmzDate(input.headers))
      return await verifyV4(input, auth, secretFor, opts, now)
    }
    if (authorization.startsWith('AWS ')) return await verifyV2(input, secretFor, now)
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authorization.split(' ')[0] })
  }
  if (input.query.has('X-Amz-Algorithm') || input.query.has('X-Amz-Credential')) {
    return await verifyV4(input, parseV4Query(input.query), secretFor, opts, now)
  }
  if (input.query.has('AWSAccessKeyId') || input.query.has('Signature')) return await verifyV2(input, secretFor, now)
  return { identity: undefined, payload: { kind: 'unsigned' } }
}
