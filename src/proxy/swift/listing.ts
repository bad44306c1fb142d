/**
 * Listing requests: the query a client sent, checked and normalised (format from `format=` or
 * the Accept header), for the container or account servers that render the listing.
 */
import { CoreError } from '../core/errors.js'
import { headerValue, type HeaderMap } from './headers.js'

export const CONTAINER_LISTING_LIMIT = 10000

const PASSED = ['limit', 'marker', 'end_marker', 'prefix', 'delimiter', 'reverse', 'path']

export function listingFormat (params: URLSearchParams, headers: HeaderMap): 'json' | 'xml' | 'plain' {
  const format = (params.get('format') ?? '').toLowerCase()
  if (format === 'json' || format === 'xml' || format === 'plain') return format
  const accept = headerValue(headers, 'accept') ?? ''
  if (accept.includes('application/json')) return 'json'
  if (accept.includes('application/xml') || accept.includes('text/xml')) return 'xml'
  return 'plain'
}

/** The backend query string for a listing (leading `?`). */
export function listingQuery (params: URLSearchParams, headers: HeaderMap): string {
  const limit = params.get('limit')
  if (limit !== null && (!/^\d+$/.test(limit))) throw new CoreError('PRECONDITION_FAILED', 'Value of limit must be a positive integer')
  if (limit !== null && Number(limit) > CONTAINER_LISTING_LIMIT) {
    throw new CoreError('PRECONDITION_FAILED', `Maximum limit is ${CONTAINER_LISTING_LIMIT}`)
  }
  const out = new URLSearchParams()
  out.set('format', listingFormat(params, headers))
  for (const name of PASSED) {
    const v = params.get(name)
    if (v === null) continue
    if (name === 'delimiter' && Buffer.byteLength(v) !== 1 && v.length !== 1) {
      throw new CoreError('PRECONDITION_FAILED', 'Bad delimiter')
    }
    out.set(name, v)
  }
  return `?${out.toString()}`
}
