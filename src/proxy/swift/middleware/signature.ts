/**
 * The HMAC signatures TempURL and FormPost share: the keys an account owner sets
 * (X-Account-Meta-Temp-URL-Key and -Key-2, and the X-Container-Meta- equivalents, the second
 * key of each pair being there for rotation), and Swift's two ways of writing a signature:
 * plain hex, whose length names the digest (40 sha1, 64 sha256, 128 sha512), or
 * `<digest>:<base64>` (base64 or base64url).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ObjectStore } from '../../core/store.js'

export const DIGESTS = ['sha1', 'sha256', 'sha512'] as const
export type Digest = typeof DIGESTS[number]

const HEX_LENGTHS: Record<number, Digest> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' }

/** The account's keys, then the container's when a container is named; empty values are no keys. */
export async function signingKeys (store: ObjectStore, account: string, container?: string): Promise<string[]> {
  const keys: string[] = []
  const accountMeta = (await store.accounts.info(account)).meta
  keys.push(accountMeta['x-account-meta-temp-url-key'] ?? '', accountMeta['x-account-meta-temp-url-key-2'] ?? '')
  if (container !== undefined) {
    const containerMeta = (await store.containers.info(account, container)).meta
    keys.push(containerMeta['x-container-meta-temp-url-key'] ?? '', containerMeta['x-container-meta-temp-url-key-2'] ?? '')
  }
  return keys.filter((k) => k !== '')
}

/** The digest and raw bytes a signature names; undefined when it is neither form. */
export function parseSignature (sig: string): { digest: Digest, bytes: Buffer } | undefined {
  const colon = sig.indexOf(':')
  if (colon < 0) {
    const digest = HEX_LENGTHS[sig.length]
    return digest !== undefined && /^[0-9a-fA-F]+$/.test(sig) ? { digest, bytes: Buffer.from(sig, 'hex') } : undefined
  }
  const digest = sig.slice(0, colon) as Digest
  if (!DIGESTS.includes(digest)) return undefined
  const b64 = sig.slice(colon + 1).replaceAll('-', '+').replaceAll('_', '/')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined
  return { digest, bytes: Buffer.from(b64, 'base64') }
}

/** Whether `sig` is the HMAC of `message` under any of `keys`; constant time per comparison. */
export function signatureMatches (keys: readonly string[], message: string, sig: string): boolean {
  const parsed = parseSignature(sig)
  if (parsed === undefined) return false
  return keys.some((key) => {
    const expected = createHmac(parsed.digest, key).update(message).digest()
    return expected.length === parsed.bytes.length && timingSafeEqual(expected, parsed.bytes)
  })
}
