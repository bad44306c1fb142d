/**
 * Listing bodies in Swift's three formats. The JSON keys and XML element order are Swift's, so
 * the proxy can pass a listing through unchanged.
 */
import { listedContentType } from '../common/content-type.js'
import type { ObjectRow } from './container-db.js'
import { BadRequest } from './errors.js'
import { listingTime } from './listing-meta.js'
import type { ListingItem } from './listing.js'

export type ListingFormat = 'json' | 'xml' | 'plain'

export const CONTENT_TYPES: Record<ListingFormat, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  plain: 'text/plain; charset=utf-8'
}

export function parseFormat (query: URLSearchParams, accept: string | undefined): ListingFormat {
  const f = query.get('format')
  if (f !== null) {
    const lower = f.toLowerCase()
    if (lower === 'json' || lower === 'xml' || lower === 'plain') return lower
    throw new BadRequest(`unknown listing format: ${f}`)
  }
  if (accept?.includes('application/json') === true) return 'json'
  if (accept !== undefined && /(application|text)\/xml/.test(accept)) return 'xml'
  return 'plain'
}

export function escapeXml (s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

/** One listed row's fields in Swift's order: [key, value] pairs, numbers kept as numbers. */
export type RowFields = Array<[string, string | number]>

/** ETag parameters a large object's row carries, listed as keys of their own, in this order. */
const ETAG_KEYS = ['slo_etag', 's3_etag']

/**
 * A container listing's fields for an object row, as Swift's container server and middlewares
 * show them. A manifest's row keeps the manifest's own size and MD5, and carries the large
 * object's facts as parameters: its size as `swift_bytes` in the content type (listed as
 * `bytes`), its ETags as `; slo_etag=...` (and S3's `; s3_etag=...`) after the MD5, which JSON
 * lists as quoted keys of their own and the other formats leave out.
 */
export function objectRowFields (row: Omit<ObjectRow, 'name'>, format: ListingFormat): RowFields {
  const { contentType, swiftBytes } = listedContentType(row.content_type)
  const [value, ...params] = row.etag.split(';')
  let hash = value.trim()
  const etags = new Map<string, string>()
  for (const p of params) {
    const eq = p.indexOf('=')
    const name = p.slice(0, eq).trim()
    if (eq > 0 && ETAG_KEYS.includes(name)) etags.set(name, `"${p.slice(eq + 1).trim()}"`)
    else hash += `; ${p.trim()}`
  }
  const fields: RowFields = [['hash', hash], ['bytes', swiftBytes ?? row.size], ['content_type', contentType], ['last_modified', listingTime(row.timestamp)]]
  for (const key of format === 'json' ? ETAG_KEYS : []) {
    const etag = etags.get(key)
    if (etag !== undefined) fields.push([key, etag])
  }
  return fields
}

/**
 * Renders a listing. `fields` gives a row's fields after its name; `root`/`element` name the
 * XML elements (`container`/`object` or `account`/`container`).
 */
export function renderListing<T> (items: Array<ListingItem<T>>, format: ListingFormat, fields: (row: T) => RowFields,
  root: { tag: string, name: string, element: string }): string {
  if (format === 'plain') {
    return items.map((i) => ('subdir' in i ? i.subdir : i.name) + '\n').join('')
  }
  if (format === 'json') {
    return JSON.stringify(items.map((i) => {
      if ('subdir' in i) return { subdir: i.subdir }
      const o: Record<string, string | number> = { name: i.name }
      for (const [k, v] of fields(i.row)) o[k] = v
      return o
    }))
  }
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${root.tag} name="${escapeXml(root.name)}">`]
  for (const i of items) {
    if ('subdir' in i) {
      parts.push(`<subdir name="${escapeXml(i.subdir)}"><name>${escapeXml(i.subdir)}</name></subdir>`)
      continue
    }
    parts.push(`<${root.element}><name>${escapeXml(i.name)}</name>`)
    for (const [k, v] of fields(i.row)) parts.push(`<${k}>${escapeXml(String(v))}</${k}>`)
    parts.push(`</${root.element}>`)
  }
  parts.push(`</${root.tag}>`)
  return parts.join('')
}
