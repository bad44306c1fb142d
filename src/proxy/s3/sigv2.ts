/**
 * AWS Signature Version 2 (s3cmd and older tools): `Authorization: AWS key:signature` or the
 * query's AWSAccessKeyId/Expires/Signature, HMAC-SHA1 over S3's string to sign.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { S3Error } from './errors.js'
import { decodeComponent, signedBytes, trimBlanks, type RawHeaders } from './sigv4.js'

/** Sub-resources that are part of the signed resource, as S3 lists them. */
const SIGNED_SUBRESOURCES = new Set(['acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification',
  'partNumber', 'policy', 'requestPayment', 'restore', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId',
  'versioning', 'versions', 'website', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires'])

export interface V2Authorization {
  kind: 'header' | 'query'
  accessKey: string
  signature: string
  /** Seconds since the epoch after which a presigned URL is refused. */
  expires?: number
}

export function parseV2Header (authorization: string): V2Authorization {
  const rest = authorization.slice(4)
  const colon = rest.lastIndexOf(':')
  if (colon <= 0) throw new S3Error('InvalidArgument', 'AWS authorization header is invalid. Expected AwsAccessKeyId:signature')
  return { kind: 'header', accessKey: rest.slice(0, colon), signature: rest.slice(colon + 1) }
}

export function parseV2Query (params: URLSearchParams): V2Authorization {
  const accessKey = params.get('AWSAccessKeyId') ?? ''
  const signature = params.get('Signature') ?? ''
  const expires = params.get('Expires') ?? ''
  if (!/^\d+$/.test(expires)) throw new S3Error('AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters')
  return { kind: 'query', accessKey, signature, expires: Number(expires) }
}

function headerText (headers: RawHeaders, name: string): string {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

/** `/bucket/key?sub&resources`: `resourcePath` is the path as sent, with the bucket for virtual hosts. */
function canonicalResource (resourcePath: string, rawQuery: string): string {
  const subs: string[] = []
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    const key = eq < 0 ? piece : piece.slice(0, eq)
    if (!SIGNED_SUBRESOURCES.has(key)) continue
    // The value's UTF-8 bytes, one character each, as the header values are (see signedBytes).
    const value = eq < 0 ? '' : Buffer.from(decodeComponent(piece.slice(eq + 1), true)).toString('latin1')
    subs.push(eq < 0 ? key : `${key}=${value}`)
  }
  subs.sort()
  return subs.length === 0 ? resourcePath : `${resourcePath}?${subs.join('&')}`
}

export interface V2Input {
  method: string
  resourcePath: string
  rawQuery: string
  headers: RawHeaders
  /** The Date line: the Date header, '' when x-amz-date is sent, or the query's Expires. */
  dateLine: string
}

/** S3's string to sign, as a latin1 string like the header values it holds. */
export function v2StringToSign (i: V2Input): string {
  const amz = Object.keys(i.headers).filter((h) => h.startsWith('x-amz-')).sort()
    .map((h) => `${h}:${trimBlanks(headerText(i.headers, h))}\n`).join('')
  return `${i.method}\n${headerText(i.headers, 'content-md5')}\n${headerText(i.headers, 'content-type')}\n${i.dateLine}\n` +
    amz + canonicalResource(i.resourcePath, i.rawQuery)
}

export function v2Signature (secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(signedBytes(toSign)).digest('base64')
}

export function sameV2Signature (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
