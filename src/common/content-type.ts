/**
 * Content-type parameters as Swift's listings and PUTs treat them. Parameters named `swift_*` are
 * Swift's own: a large object's manifest is stored with `;swift_bytes=<the whole object's size>`,
 * which a container listing shows as the row's `bytes` and strips from its `content_type`; a
 * client may not send any of them.
 */

/** RFC 2616's token: anything but separators and control characters. */
const TOKEN = '[^()<>@,;:\\\\"/\\[\\]?={}\\x00-\\x20\\x7f]+'
const PARAM = new RegExp(`\\s*;\\s*(${TOKEN})\\s*(?:=\\s*(${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?`, 'g')

export const SWIFT_BYTES = 'swift_bytes'

/** The type before the first `;` and each well-formed `name=value` after it (the rest is skipped). */
function parseContentType (value: string): { type: string, params: Array<[string, string]> } {
  const semi = value.indexOf(';')
  if (semi < 0) return { type: value, params: [] }
  return { type: value.slice(0, semi), params: [...value.slice(semi).matchAll(PARAM)].map((m) => [m[1], m[2] ?? '']) }
}

/**
 * What a listing shows of a stored content type: the type with its parameters rewritten as
 * `;name=value` (as Swift lists them) but swift_bytes, and swift_bytes' value (the last one).
 */
export function listedContentType (value: string): { contentType: string, swiftBytes?: number } {
  const { type, params } = parseContentType(value)
  let contentType = type
  let swiftBytes: string | undefined
  for (const [name, v] of params) {
    if (name === SWIFT_BYTES) swiftBytes = v
    else contentType += `;${name}=${v}`
  }
  return swiftBytes !== undefined && /^\d+$/.test(swiftBytes) ? { contentType, swiftBytes: Number(swiftBytes) } : { contentType }
}

/** Whether a client's content type names a `swift_*` parameter (Swift judges each `;` piece, quotes or not). */
export function namesSwiftParam (value: string): boolean {
  return value.split(';').slice(1).some((p) => p.trimStart().startsWith('swift_'))
}
