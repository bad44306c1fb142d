/**
 * Listing scans over a database's rows (`cr/...` or `ar/...` keys), Swift's parameters:
 * limit, marker, end_marker, prefix, delimiter, reverse, path.
 *
 * A page is a bounded range scan: bounds come from marker/end_marker/prefix, and with a
 * delimiter the iterator seeks past each common prefix instead of reading its rows, so a page
 * of 10,000 reads about 10,000 rows whatever the container's size. Bounds are byte strings:
 * the 0xFF byte never occurs in UTF-8, so `prefix + 0xFF` is above every name with the prefix.
 */
import type { Db } from './group-commit.js'
import { BadRequest, HttpError } from './errors.js'

export const LISTING_LIMIT = 10000

export interface ListingParams {
  limit: number
  marker: string
  endMarker: string
  prefix: string
  delimiter: string
  reverse: boolean
  /** `path` mode: only direct children of a pseudo-directory, no subdir entries. */
  pathMode: boolean
}

export type ListingItem<T> = { name: string, row: T } | { subdir: string }

function checkParam (value: string | null, what: string): string {
  if (value === null) return ''
  if (value.includes('\0')) throw new BadRequest(`${what} contains NUL`)
  if (Buffer.byteLength(value) > 1024) throw new BadRequest(`${what} is too long`)
  return value
}

export function parseListingParams (query: URLSearchParams): ListingParams {
  const limitRaw = query.get('limit')
  let limit = LISTING_LIMIT
  if (limitRaw !== null) {
    if (!/^\d+$/.test(limitRaw)) throw new BadRequest(`invalid limit: ${limitRaw}`)
    limit = Number(limitRaw)
    // Swift answers 412 for a limit over the maximum.
    if (limit > LISTING_LIMIT) throw new HttpError(412, `maximum limit is ${LISTING_LIMIT}`)
  }
  const params: ListingParams = {
    limit,
    marker: checkParam(query.get('marker'), 'marker'),
    endMarker: checkParam(query.get('end_marker'), 'end_marker'),
    prefix: checkParam(query.get('prefix'), 'prefix'),
    delimiter: checkParam(query.get('delimiter'), 'delimiter'),
    reverse: /^(1|true|yes|on)$/i.test(query.get('reverse') ?? ''),
    pathMode: false
  }
  const path = query.get('path')
  if (path !== null) {
    const p = checkParam(path, 'path')
    params.prefix = p === '' || p.endsWith('/') ? p : p + '/'
    params.delimiter = '/'
    params.pathMode = true
  }
  return params
}

const FF = Buffer.from([0xff])

function bytes (s: string): Buffer {
  return Buffer.from(s, 'utf8')
}

/** Iterator bounds in key space for the rows under `base` (ending with '/'). */
function bounds (base: string, p: ListingParams): { gt?: Buffer, gte?: Buffer, lt?: Buffer, lte?: Buffer } {
  // Forward: names in (marker, end_marker); reverse: marker is the upper and end_marker the lower bound.
  const low = p.reverse ? p.endMarker : p.marker
  const high = p.reverse ? p.marker : p.endMarker
  const out: { gt?: Buffer, gte?: Buffer, lt?: Buffer } = {}
  out.gte = bytes(base + p.prefix)
  if (low !== '' && low >= p.prefix) {
    delete out.gte
    out.gt = bytes(base + low)
  }
  const prefixEnd = Buffer.concat([bytes(base + p.prefix), FF])
  out.lt = prefixEnd
  if (high !== '') {
    const h = bytes(base + high)
    if (Buffer.compare(h, prefixEnd) < 0) out.lt = h
  }
  return out
}

/**
 * Lists up to `limit` items under `base`; `decode` turns a row value into the listed row, or
 * undefined for a deleted row (skipped).
 */
export async function scanListing<T> (db: Db, base: string, p: ListingParams,
  decode: (value: Buffer) => T | undefined): Promise<Array<ListingItem<T>>> {
  const out: Array<ListingItem<T>> = []
  if (p.limit === 0) return out
  const origMarker = p.reverse ? p.endMarker : p.marker
  const it = db.iterator<Buffer, Buffer>({ ...bounds(base, p), reverse: p.reverse, keyEncoding: 'buffer', valueEncoding: 'buffer' })
  const baseLen = Buffer.byteLength(base)
  let lastSubdir: string | undefined
  try {
    scan: for (;;) {
      const entries = await it.nextv(Math.min(1000, p.limit - out.length + 64))
      if (entries.length === 0) break
      for (const [key, value] of entries) {
        const name = key.toString('utf8', baseLen)
        if (p.delimiter !== '') {
          const at = name.indexOf(p.delimiter, p.prefix.length)
          if (at >= 0) {
            const subdir = name.slice(0, at + p.delimiter.length)
            if (subdir === lastSubdir) continue
            // Only a live row makes its pseudo-directory appear: read on past deleted ones.
            if (decode(value) === undefined) continue
            lastSubdir = subdir
            if (!p.pathMode && subdir !== origMarker) out.push({ subdir })
            if (out.length >= p.limit) break scan
            // Skip the rest of this pseudo-directory; the batch already read is stale after a seek.
            it.seek(p.reverse ? bytes(base + subdir) : Buffer.concat([bytes(base + subdir), FF]), { keyEncoding: 'buffer' })
            continue scan
          }
        }
        const row = decode(value)
        if (row === undefined) continue
        out.push({ name, row })
        if (out.length >= p.limit) break scan
      }
    }
  } finally {
    await it.close()
  }
  return out
}
