/**
 * Listing bodies in Swift's three formats. The JSON keys and XML element order are Swift's, so
 * the proxy can pass a listing through unchanged.
 */
import { BadRequest } from './errors.js'
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
