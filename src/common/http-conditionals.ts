/**
 * HTTP Range and conditional request evaluation (RFC 9110), as Swift's object server applies
 * them: preconditions first (412), then cache validators (304), then the range (206/416).
 */

export interface ByteRange { start: number, end: number }

/**
 * Parses a Range header against the object size: undefined when there is no usable Range (a
 * malformed header is ignored, as Swift does), 'unsatisfiable' for 416, else the ranges.
 */
export function parseRange (header: string | undefined, size: number): ByteRange[] | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header)
  if (m === null) return undefined
  const ranges: ByteRange[] = []
  for (const spec of m[1].split(',')) {
    const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec)
    if (r === null || (r[1] === '' && r[2] === '')) return undefined
    if (r[1] === '') {
      const suffix = Number(r[2])
      if (suffix === 0) continue
      ranges.push({ start: Math.max(0, size - suffix), end: size - 1 })
      continue
    }
    const start = Number(r[1])
    const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)
    if (r[2] !== '' && Number(r[2]) < start) return undefined
    if (start >= size) continue
    ranges.push({ start, end })
  }
  return ranges.length === 0 ? 'unsatisfiable' : ranges
}

function etagList (header: string): string[] {
  return header.split(',').map((e) => e.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
}

function matches (header: string, etag: string): boolean {
  const tags = etagList(header)
  return tags.includes('*') || tags.includes(etag)
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

/** 412, 304 or undefined (go ahead) for a GET/HEAD of an object with this ETag and Last-Modified. */
export function evaluateConditions (h: ConditionalHeaders, etag: string, lastModifiedSeconds: number): 304 | 412 | undefined {
  if (h['if-match'] !== undefined) {
    if (!matches(h['if-match'], etag)) return 412
  } else {
    const since = parseDate(h['if-unmodified-since'])
    if (since !== undefined && lastModifiedSeconds > since) return 412
  }
  if (h['if-none-match'] !== undefined) {
    if (matches(h['if-none-match'], etag)) return 304
  } else {
    const since = parseDate(h['if-modified-since'])
    if (since !== undefined && lastModifiedSeconds <= since) return 304
  }
  return undefined
}
