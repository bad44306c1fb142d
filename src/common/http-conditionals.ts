/**
 * HTTP Range and conditional request evaluation (RFC 9110) as Swift applies them, shared by the
 * storage node (plain objects) and the proxy (large objects, whose bytes no node holds whole):
 * preconditions first (412), then cache validators (304), then the range (206/416).
 */

export interface ByteRange { start: number, end: number }

/**
 * Asks a storage node to ignore the Range when the object has any of the metadata this names
 * (comma-separated): the proxy reads a large object's manifest whole and applies the Range to
 * the object the manifest describes.
 */
export const IGNORE_RANGE_IF_PRESENT = 'x-backend-ignore-range-if-metadata-present'

/** Whether a read of an object with `stored` metadata goes by its Range, given the request's IGNORE_RANGE_IF_PRESENT. */
export function rangeApplies (ignoreIfPresent: string | undefined, stored: Record<string, string>): boolean {
  return ignoreIfPresent === undefined || !ignoreIfPresent.split(',').some((name) => stored[name.trim().toLowerCase()] !== undefined)
}

/** The request headers a read is judged by, passed on to whoever holds the bytes. */
export const READ_CONDITIONS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'] as const

/**
 * Swift's limits on a multi-range request (RFC 9110 §17.15 asks servers to refuse egregious
 * ones): more ranges than this, more overlapping pairs than this, or this many ranges out of
 * ascending order make the whole request unsatisfiable.
 */
const MAX_RANGES = 50
const MAX_OVERLAPPING_PAIRS = 2
const MAX_NONASCENDING_RANGES = 8

/**
 * Parses a Range header against the object size: undefined when there is no usable Range (a
 * malformed header is ignored, as Swift does), 'unsatisfiable' for 416, else the ranges.
 */
export function parseRange (header: string | undefined, size: number): ByteRange[] | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header)
  if (m === null) return undefined
  const ranges: ByteRange[] = []
  let wholeOfEmpty = false
  for (const spec of m[1].split(',')) {
    const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec)
    if (r === null || (r[1] === '' && r[2] === '')) return undefined
    if (r[1] === '') {
      const suffix = Number(r[2])
      if (suffix === 0) continue
      // The last N bytes of an empty object are the whole (empty) object: a 200, as in Swift.
      if (size === 0) wholeOfEmpty = true
      else ranges.push({ start: Math.max(0, size - suffix), end: size - 1 })
      continue
    }
    const start = Number(r[1])
    const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)
    if (r[2] !== '' && Number(r[2]) < start) return undefined
    if (start >= size) continue
    ranges.push({ start, end })
  }
  if (ranges.length === 0) return wholeOfEmpty ? undefined : 'unsatisfiable'
  return egregious(ranges) ? 'unsatisfiable' : ranges
}

function egregious (ranges: ByteRange[]): boolean {
  if (ranges.length > MAX_RANGES) return true
  let overlaps = 0
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (overlapping(ranges[i], ranges[j]) && ++overlaps > MAX_OVERLAPPING_PAIRS) return true
    }
  }
  const ascending = ranges.every((r, i) => i === 0 || ranges[i - 1].start <= r.start)
  return !ascending && ranges.length >= MAX_NONASCENDING_RANGES
}

/** Whether an edge of one range falls strictly inside the other (equal ranges do not count, as in Swift). */
function overlapping (a: ByteRange, b: ByteRange): boolean {
  const inside = (x: number, r: ByteRange): boolean => r.start < x && x < r.end + 1
  return inside(b.start, a) || inside(b.end + 1, a) || inside(a.start, b) || inside(a.end + 1, b)
}

/** Whether an If-Match / If-None-Match list names `etag` (or `*`). Comparison is strong: a weak tag never matches, as in Swift. */
export function etagListMatches (header: string, etag: string): boolean {
  return header.split(',').some((e) => {
    const tag = e.trim()
    return tag === '*' || tag.replace(/^"(.*)"$/, '$1') === etag
  })
}

function parseDate (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms / 1000
}

export interface ConditionalHeaders {
  'if-match'?: string
  'if-none-match'?: string
  'if-modified-since'?: string
  'if-unmodified-since'?: string
}

/**
 * 412, 304 or undefined (go ahead) for a GET/HEAD of an object with this ETag and Last-Modified.
 * As in Swift, each header is judged on its own: a matching If-Match does not excuse a failed
 * If-Unmodified-Since, nor does an If-None-Match that does not match excuse If-Modified-Since.
 */
export function evaluateConditions (h: ConditionalHeaders, etag: string, lastModifiedSeconds: number): 304 | 412 | undefined {
  if (h['if-match'] !== undefined && !etagListMatches(h['if-match'], etag)) return 412
  const unmodifiedSince = parseDate(h['if-unmodified-since'])
  if (unmodifiedSince !== undefined && lastModifiedSeconds > unmodifiedSince) return 412
  if (h['if-none-match'] !== undefined && etagListMatches(h['if-none-match'], etag)) return 304
  const modifiedSince = parseDate(h['if-modified-since'])
  if (modifiedSince !== undefined && lastModifiedSeconds <= modifiedSince) return 304
  return undefined
}

/** A missing object fails `If-Match: *` (412), as in Swift; any other If-Match leaves it a 404. */
export function missingFailsIfMatch (h: ConditionalHeaders): boolean {
  return h['if-match'] !== undefined && h['if-match'].split(',').some((e) => e.trim() === '*')
}

/** The framing of a multipart/byteranges body: each part's head, what closes the body, and its length. */
export interface ByteRangesBody {
  contentType: string
  heads: string[]
  /** Follows each part's bytes. */
  partEnd: string
  closing: string
  length: number
}

export function byteRangesBody (ranges: ByteRange[], size: number, contentType: string, boundary: string): ByteRangesBody {
  const heads = ranges.map((r) => `--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`)
  const partEnd = '\r\n'
  const closing = `--${boundary}--`
  let length = Buffer.byteLength(closing)
  ranges.forEach((r, i) => { length += Buffer.byteLength(heads[i]) + (r.end - r.start + 1) + partEnd.length })
  return { contentType: `multipart/byteranges;boundary=${boundary}`, heads, partEnd, closing, length }
}
