/**
 * Which request headers are part of an object: stored with it, returned on GET and HEAD, and
 * carried along by copies. Everything else a client sends is about the request, not the object.
 */
const STORED_EXACT = new Set([
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
  'x-delete-at',
  'x-object-manifest',
  'x-static-large-object',
  'x-symlink-target',
  'x-symlink-target-account'
])

/** Marks a static large object's manifest (Swift's SLO). */
export const MANIFEST_HEADER = 'x-static-large-object'

/** Whether stored headers (lowercase names) are a manifest's: Swift takes any of its truthy spellings. */
export function isManifest (headers: Record<string, string>): boolean {
  return /^(true|yes|1|on)$/i.test(headers[MANIFEST_HEADER] ?? '')
}

const STORED_PREFIXES = ['x-object-meta-', 'x-object-sysmeta-', 'x-object-transient-sysmeta-']

/** name must be lowercase. */
export function isStoredObjectHeader (name: string): boolean {
  return STORED_EXACT.has(name) || STORED_PREFIXES.some((p) => name.startsWith(p))
}

/** The headers a POST replaces: user metadata and the other client-settable ones, not the content type's sysmeta. */
export function isPostableObjectHeader (name: string): boolean {
  return name.startsWith('x-object-meta-') || name.startsWith('x-object-transient-sysmeta-') ||
    (STORED_EXACT.has(name) && name !== 'x-static-large-object')
}

/** The stored headers among a set of headers (lowercase names). */
export function storedObjectHeaders (headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (isStoredObjectHeader(k)) out[k] = v
  return out
}
