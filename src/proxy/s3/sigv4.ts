/**
 * AWS Signature Version 4: parsing the Authorization header or the presigned query, building the
 * canonical request from what the client actually sent, and the HMAC chain. Derived signing keys
 * are cached per (secret, date, region, service): one HMAC per request instead of five.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { S3Error } from './errors.js'

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256'
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex')

export interface V4Scope {
  accessKey: string
  /** yyyymmdd */
  date: string
  region: string
  service: string
}

export interface V4Authorization {
  kind: 'header' | 'query'
  scope: V4Scope
  signedHeaders: string[]
  signature: string
  /** yyyymmddThhmmssZ */
  amzDate: string
  /** Seconds a presigned URL lives. */
  expires?: number
}

export function scopeString (s: V4Scope): string {
  return `${s.date}/${s.region}/${s.service}/aws4_request`
}

function malformedHeader (message: string): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${message}`)
}

function malformedQuery (message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', message)
}

/** `<key>/<yyyymmdd>/<region>/<service>/aws4_request`; the access key itself may hold slashes. */
function parseCredential (value: string, fail: (m: string) => S3Error): V4Scope {
  const parts = value.split('/')
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') {
    throw fail(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
  }
  const [date, region, service] = parts.slice(-4, -1)
  if (!/^\d{8}$/.test(date)) throw fail(`incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`)
  return { accessKey: parts.slice(0, -4).join('/'), date, region, service }
}

export function parseV4Header (authorization: string, amzDate: string | undefined): V4Authorization {
  const fields: Record<string, string> = {}
  for (const piece of authorization.slice(V4_ALGORITHM.length).split(',')) {
    const eq = piece.indexOf('=')
    if (eq > 0) fields[piece.slice(0, eq).trim()] = piece.slice(eq + 1).trim()
  }
  if (fields.Credential === undefined || fields.SignedHeaders === undefined || fields.Signature === undefined) {
    throw malformedHeader('expected Credential, SignedHeaders and Signature')
  }
  if (amzDate === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header')
  return {
    kind: 'header',
    scope: parseCredential(fields.Credential, malformedHeader),
    signedHeaders: fields.SignedHeaders.split(';'),
    signature: fields.Signature,
    amzDate
  }
}

/** Presigned URL parameters (already percent-decoded). */
export function parseV4Query (params: URLSearchParams): V4Authorization {
  const get = (name: string): string => {
    const v = params.get(name)
    if (v === null) throw malformedQuery(`Query-string authentication version 4 requires the ${name} parameter.`)
    return v
  }
  if (get('X-Amz-Algorithm') !== V4_ALGORITHM) throw malformedQuery('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
  const expires = get('X-Amz-Expires')
  if (!/^\d+$/.test(expires)) throw malformedQuery('X-Amz-Expires should be a number')
  if (Number(expires) > 604800) throw malformedQuery('X-Amz-Expires must be less than a week (in seconds) that is 604800')
  return {
    kind: 'query',
    scope: parseCredential(get('X-Amz-Credential'), malformedQuery),
    signedHeaders: get('X-Amz-SignedHeaders').split(';'),
    signature: get('X-Amz-Signature'),
    amzDate: get('X-Amz-Date'),
    expires: Number(expires)
  }
}

/** yyyymmddThhmmssZ to epoch milliseconds; NaN when malformed. */
export function parseAmzDate (value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (m === null) return NaN
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
}

/** AWS's URI encoding: everything but unreserved characters as %XX, uppercase. */
export function awsUriEncode (s: string, keepSlash: boolean): string {
  let out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  if (keepSlash) out = out.replaceAll('%2F', '/')
  return out
}

/** A URL component decoded, or InvalidArgument when its percent-encoding is not UTF-8. */
export function decodeComponent (s: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? s.replaceAll('+', ' ') : s)
  } catch {
    throw new S3Error('InvalidArgument', `Invalid percent-encoding: ${s}`)
  }
}

/** The canonical URI: the path as sent, decoded once and re-encoded the AWS way. */
export function canonicalUri (rawPath: string): string {
  return rawPath.split('/').map((seg) => awsUriEncode(decodeComponent(seg, false), false)).join('/')
}

/** The canonical query string: pairs re-encoded and sorted; the signature itself left out. */
export function canonicalQuery (rawQuery: string, omit?: string): string {
  const pairs: Array<[string, string]> = []
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    const key = awsUriEncode(decodeComponent(eq < 0 ? piece : piece.slice(0, eq), true), false)
    const value = eq < 0 ? '' : awsUriEncode(decodeComponent(piece.slice(eq + 1), true), false)
    if (key === omit) continue
    pairs.push([key, value])
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

export type RawHeaders = Record<string, string | string[] | undefined>

/**
 * Node hands header values over as latin1, one character per byte sent. The strings to sign keep
 * them so and are hashed as latin1 (`signedBytes`): what is hashed is then the very bytes the
 * client sent and signed, raw UTF-8 in x-amz-meta-* or Content-Disposition included.
 */
export function signedBytes (binary: string): Buffer {
  return Buffer.from(binary, 'latin1')
}

/** Only ASCII blanks: other whitespace (U+00A0 above all) is a byte of some UTF-8 character here. */
export function trimBlanks (value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '')
}

function canonicalHeaderValue (v: string | string[] | undefined): string {
  const values = Array.isArray(v) ? v : [v ?? '']
  return values.map((x) => trimBlanks(x).replace(/[ \t]+/g, ' ')).join(',')
}

export interface CanonicalInput {
  method: string
  rawPath: string
  /** Without the leading `?`. */
  rawQuery: string
  headers: RawHeaders
  signedHeaders: string[]
  payloadHash: string
  /** For presigned URLs: X-Amz-Signature is not part of what was signed. */
  omitQueryKey?: string
}

/** The canonical request as a latin1 string: its path and query are ASCII, its header values as sent. */
export function canonicalRequest (c: CanonicalInput): string {
  const headerLines = c.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(c.headers[name])}\n`).join('')
  return [c.method, canonicalUri(c.rawPath), canonicalQuery(c.rawQuery, c.omitQueryKey), headerLines,
    c.signedHeaders.join(';'), c.payloadHash].join('\n')
}

export function sha256Hex (data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export function stringToSign (amzDate: string, scope: V4Scope, canonical: string): string {
  return `${V4_ALGORITHM}\n${amzDate}\n${scopeString(scope)}\n${sha256Hex(signedBytes(canonical))}`
}

const SIGNING_KEY_CACHE_SIZE = 1000
const signingKeys = new Map<string, Buffer>()

function hmac (key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

/** kSigning = HMAC chain over date, region, service; cached because it only changes daily. */
export function signingKey (secret: string, scope: V4Scope): Buffer {
  const cacheKey = `${secret}\u0000${scope.date}\u0000${scope.region}\u0000${scope.service}`
  let key = signingKeys.get(cacheKey)
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac('AWS4' + secret, scope.date), scope.region), scope.service), 'aws4_request')
    // A plain bounded map: dropping everything at the bound is cheap and keys rebuild in microseconds.
    if (signingKeys.size >= SIGNING_KEY_CACHE_SIZE) signingKeys.clear()
    signingKeys.set(cacheKey, key)
  }
  return key
}

export function signHex (key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex')
}

export function sameSignature (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** What a chunk of an aws-chunked body is signed with, chained from the previous signature. */
export function chunkStringToSign (amzDate: string, scope: V4Scope, previous: string, chunkHash: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scopeString(scope)}\n${previous}\n${EMPTY_SHA256}\n${chunkHash}`
}

export function trailerStringToSign (amzDate: string, scope: V4Scope, previous: string, trailerHash: string): string {
  return `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scopeString(scope)}\n${previous}\n${trailerHash}`
}
