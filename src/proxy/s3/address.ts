/**
 * Where a request points: the bucket from the Host header (virtual-hosted style, for the
 * configured domain) or from the first path segment (path style), and the key after it. Bucket
 * names follow S3's rules; the `+` of our hidden segment containers can never be a bucket name.
 */
import { S3Error } from './errors.js'

export const MAX_KEY_BYTES = 1024

export interface S3Address {
  bucket?: string
  key?: string
  /** Set when the bucket came from the Host header. */
  virtualHost: boolean
}

function decode (raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new S3Error('InvalidURI', 'Couldn\'t parse the specified URI.')
  }
}

export function parseAddress (host: string | undefined, rawPath: string, domain: string): S3Address {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase()
  if (domain !== '' && hostname.endsWith('.' + domain.toLowerCase())) {
    const bucket = hostname.slice(0, -(domain.length + 1))
    const key = rawPath.length > 1 ? decode(rawPath.slice(1)) : undefined
    return { bucket, key, virtualHost: true }
  }
  const rest = rawPath.slice(1)
  if (rest === '') return { virtualHost: false }
  const slash = rest.indexOf('/')
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash))
  const keyRaw = slash < 0 ? '' : rest.slice(slash + 1)
  return { bucket, key: keyRaw === '' ? undefined : decode(keyRaw), virtualHost: false }
}

/** S3's rules for new buckets: 3-63 of [a-z0-9.-], alphanumeric at both ends, not an IP address. */
export function checkNewBucketName (name: string): void {
  const ok = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) && !name.includes('.-') && !name.includes('-.')
  if (!ok) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name })
}

/** Looser rules for existing buckets (older ones may have capitals or underscores). */
export function checkBucketName (name: string): void {
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(name)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name })
}

export function checkKey (key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long')
  if (key.includes('\u0000')) throw new S3Error('InvalidArgument', 'Object key contains NUL', { ArgumentName: 'key', ArgumentValue: '' })
}
