/**
 * Which request headers an object keeps, and how a POST changes them (Swift's semantics): a POST
 * replaces all user metadata (X-Object-Meta-*, transient sysmeta) and the user-settable headers
 * below, keeps the content, its ETag and size, and merges system metadata.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { BadRequest } from './errors.js'

/** Kept on PUT; each is also replaceable by POST except those in CONTENT_BOUND. */
const STORED = new Set([
  'content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control',
  'expires', 'x-delete-at', 'x-object-manifest', 'x-static-large-object', 'x-symlink-target', 'x-symlink-target-account'
])

/** Describe the content itself, so only a PUT sets them. */
const CONTENT_BOUND = new Set(['x-static-large-object', 'x-symlink-target', 'x-symlink-target-account'])

const USER_PREFIXES = ['x-object-meta-', 'x-object-transient-sysmeta-']
const SYSMETA_PREFIX = 'x-object-sysmeta-'

function headerValue (v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v
}

function checkDeleteAt (headers: Record<string, string>): void {
  const at = headers['x-delete-at']
  if (at !== undefined && !/^\d{1,12}$/.test(at)) throw new BadRequest(`X-Delete-At must be an integer: ${at}`)
}

/** The headers a PUT stores. */
export function headersForPut (req: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name in req) {
    if (STORED.has(name) || name.startsWith('x-object-meta-') || name.startsWith(SYSMETA_PREFIX) ||
        name.startsWith('x-object-transient-sysmeta-')) {
      const v = headerValue(req[name])
      if (v !== undefined) out[name] = v
    }
  }
  out['content-type'] ??= 'application/octet-stream'
  checkDeleteAt(out)
  return out
}

/** The headers after a POST: content-bound headers and sysmeta kept, everything else replaced. */
export function headersForPost (stored: Record<string, string>, req: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name in stored) {
    if (CONTENT_BOUND.has(name) || name.startsWith(SYSMETA_PREFIX)) out[name] = stored[name]
  }
  // Content-Type survives a POST that does not set one (Swift keeps it with the data).
  out['content-type'] = stored['content-type']
  for (const name in req) {
    const replaceable = (STORED.has(name) && !CONTENT_BOUND.has(name)) || name.startsWith(SYSMETA_PREFIX) ||
      USER_PREFIXES.some((p) => name.startsWith(p))
    if (!replaceable) continue
    const v = headerValue(req[name])
    if (v !== undefined) out[name] = v
  }
  checkDeleteAt(out)
  return out
}
