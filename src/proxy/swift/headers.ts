/**
 * Swift's header rules: metadata limits on the way in, backend-only headers stripped on the
 * way out, and the `X-Remove-*-Meta-*` convention for deleting metadata.
 */
import { MAX_META_COUNT, MAX_META_NAME_LENGTH, MAX_META_OVERALL_SIZE, MAX_META_VALUE_LENGTH } from '../../common/metadata-limits.js'
import { CoreError } from '../core/errors.js'

export type HeaderMap = Record<string, string | string[] | undefined>

export function headerValue (headers: HeaderMap, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

/**
 * The user-metadata headers of a request for one kind (`object`, `container`, `account`), with
 * `X-Remove-<Kind>-Meta-Foo` turned into an empty `X-<Kind>-Meta-Foo` (an empty value deletes).
 * Throws 400 when the request's own metadata exceeds Swift's limits; removals do not count, as
 * in Swift, and the storage nodes check the total kept. Objects have no removal headers: a POST
 * replaces all their metadata, and Swift stores an empty value as given.
 */
export function metadataHeaders (headers: HeaderMap, kind: 'object' | 'container' | 'account'): Record<string, string> {
  const prefix = `x-${kind}-meta-`
  const removePrefix = `x-remove-${kind}-meta-`
  const out: Record<string, string> = {}
  let count = 0
  let size = 0
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw.join(', ') : raw
    if (value === undefined) continue
    if (name.startsWith(removePrefix) && kind !== 'object') {
      out[prefix + name.slice(removePrefix.length)] = ''
      continue
    }
    if (!name.startsWith(prefix)) continue
    const metaName = name.slice(prefix.length)
    if (metaName === '') throw new CoreError('BAD_REQUEST', 'Metadata name cannot be empty')
    if (metaName.length > MAX_META_NAME_LENGTH) throw new CoreError('BAD_REQUEST', `Metadata name too long; max ${MAX_META_NAME_LENGTH}`)
    if (Buffer.byteLength(value) > MAX_META_VALUE_LENGTH) throw new CoreError('BAD_REQUEST', `Metadata value longer than ${MAX_META_VALUE_LENGTH}`)
    count++
    size += metaName.length + Buffer.byteLength(value)
    out[name] = value
  }
  if (count > MAX_META_COUNT) throw new CoreError('BAD_REQUEST', `Too many metadata items; max ${MAX_META_COUNT}`)
  if (size > MAX_META_OVERALL_SIZE) throw new CoreError('BAD_REQUEST', `Total metadata too large; max ${MAX_META_OVERALL_SIZE}`)
  return out
}

/** Headers a client never sees: the cluster's internals. */
function internal (name: string): boolean {
  return name.startsWith('x-backend-') || name.includes('-sysmeta-') || name === 'connection' ||
    name === 'keep-alive' || name === 'transfer-encoding' || name === 'date' || name === 'server' ||
    name === 'x-trans-id' || name === 'x-openstack-request-id'
}

/**
 * Headers only the account's owners see (Swift's privileged headers): the ACLs themselves, and
 * the keys that would let a reader sign TempURLs or sync requests that write.
 */
const PRIVILEGED = new Set([
  'x-container-read', 'x-container-write', 'x-container-sync-key', 'x-container-sync-to',
  'x-container-meta-temp-url-key', 'x-container-meta-temp-url-key-2',
  'x-account-access-control', 'x-account-meta-temp-url-key', 'x-account-meta-temp-url-key-2'
])

/** `headers` without the privileged ones: what a caller who does not own the account sees or sets. */
export function withoutPrivileged (headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (!PRIVILEGED.has(k)) out[k] = v
  return out
}

/** The headers a client sees of a backend answer; `owner` says whether it may see the privileged ones. */
export function clientHeaders (backend: Record<string, string>, owner = true): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(backend)) if (!internal(k)) out[k] = v
  return owner ? out : withoutPrivileged(out)
}
