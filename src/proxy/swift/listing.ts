/**
 * Listing requests: the query a client sent, checked and normalised (format from `format=` or
 * the Accept header, negotiated as Swift's listing_formats does), for the container or account
 * servers that render the listing.
 */
import { CoreError } from '../core/errors.js'
import type { SwiftRequest } from './context.js'
import { sendError } from './errors.js'
import { headerValue, type HeaderMap } from './headers.js'

export const CONTAINER_LISTING_LIMIT = 10000

const PASSED = ['limit', 'marker', 'end_marker', 'prefix', 'delimiter', 'reverse', 'path']

/** What a listing can be sent as, in Swift's order of preference among equally acceptable types. */
const OFFERED = ['text/plain', 'application/json', 'application/xml', 'text/xml'] as const
export type ListingType = typeof OFFERED[number]

const FORMAT_TYPE = new Map<string, ListingType>([['plain', 'text/plain'], ['json', 'application/json'], ['xml', 'application/xml']])
const TYPE_FORMAT: Record<ListingType, 'plain' | 'json' | 'xml'> = {
  'text/plain': 'plain', 'application/json': 'json', 'application/xml': 'xml', 'text/xml': 'xml'
}

// RFC 2616's media range, as swob parses it: type/subtype then `; name=value` parameters.
const TOKEN = '[^()<>@,;:\\\\"/\\[\\]?={}\\x00-\\x20\\x7f]+'
const PARAM = `\\s*;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|"(?:[^"]|\\\\.)*")`
const MEDIA_RANGE = new RegExp(`^\\s*(${TOKEN})/(${TOKEN})((?:${PARAM})*)\\s*$`)

/** The Accept header's ranges, best first: by q-value, then the more specific, then in header order. */
function acceptedRanges (accept: string): Array<{ type: string, subtype: string }> {
  const ranges = accept.split(',').map((item) => {
    const m = MEDIA_RANGE.exec(item)
    if (m === null) throw new CoreError('BAD_REQUEST', 'Invalid Accept header')
    const qs = m[3].split(';').map((p) => p.split('=')).filter(([name]) => name.trim() === 'q')
    if (qs.length > 1 || (qs.length === 1 && !/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(qs[0][1]))) {
      throw new CoreError('BAD_REQUEST', 'Invalid Accept header')
    }
    return { type: m[1], subtype: m[2], q: qs.length === 1 ? Number(qs[0][1]) : 1 }
  })
  // Array.prototype.sort is stable, so equal ranges keep the header's order.
  return ranges.sort((a, b) => b.q - a.q || Number(a.type === '*') - Number(b.type === '*') ||
    Number(a.subtype === '*') - Number(b.subtype === '*'))
}

/**
 * The Content-Type a listing is sent as: `format=` when given (an unknown one is plain), else the
 * best match of the Accept header; undefined when the client accepts none of them (406).
 */
function listingType (params: URLSearchParams, headers: HeaderMap): ListingType | undefined {
  const format = params.get('format')
  if (format !== null && format !== '') return FORMAT_TYPE.get(format.toLowerCase()) ?? 'text/plain'
  const accept = headerValue(headers, 'accept') ?? ''
  if (accept === '') return 'text/plain'
  for (const range of acceptedRanges(accept)) {
    const match = OFFERED.find((offered) => {
      const [type, subtype] = offered.split('/')
      return (range.type === '*' || range.type === type) && (range.subtype === '*' || range.subtype === subtype)
    })
    if (match !== undefined) return match
  }
  return undefined
}

export function listingFormat (type: ListingType): 'json' | 'xml' | 'plain' {
  return TYPE_FORMAT[type]
}

/** The listing's type for a GET or HEAD; undefined once 406 is answered, as Swift does for both. */
export function negotiateListing (r: SwiftRequest): ListingType | undefined {
  const type = listingType(r.params, r.req.headers)
  if (type === undefined) sendError(r.reply, 406)
  return type
}

/** The backend renders XML as application/xml; Swift answers a client that asked for text/xml with that. */
export function sendListing (r: SwiftRequest, type: ListingType, body: unknown): void {
  if (type === 'text/xml') r.reply.header('content-type', 'text/xml; charset=utf-8')
  r.reply.send(body)
}

/** A listing parameter must be UTF-8 once percent-decoded (URLSearchParams would hide bad bytes as U+FFFD). */
function checkUtf8 (query: string): void {
  for (const pair of query.replace(/^\?/, '').split('&')) {
    const [name, value = ''] = pair.split('=')
    if (!PASSED.includes(name)) continue
    try {
      decodeURIComponent(value.replaceAll('+', ' '))
    } catch {
      throw new CoreError('BAD_REQUEST', `"${name}" parameter not valid UTF-8`)
    }
  }
}

/** The backend query string for a listing (leading `?`); `query` is the client's raw one. */
export function listingQuery (query: string, params: URLSearchParams, type: ListingType): string {
  checkUtf8(query)
  const out = new URLSearchParams()
  out.set('format', listingFormat(type))
  for (const name of PASSED) {
    const v = params.get(name)
    if (v === null) continue
    if (name === 'limit') {
      // Swift ignores a limit that is not a number, and refuses one over the maximum.
      if (!/^\d+$/.test(v)) continue
      if (Number(v) > CONTAINER_LISTING_LIMIT) throw new CoreError('PRECONDITION_FAILED', `Maximum limit is ${CONTAINER_LISTING_LIMIT}`)
    }
    if (name === 'delimiter' && Buffer.byteLength(v) !== 1 && v.length !== 1) {
      throw new CoreError('PRECONDITION_FAILED', 'Bad delimiter')
    }
    out.set(name, v)
  }
  return `?${out.toString()}`
}
