/**
 * The report bulk operations answer with, in Swift's three formats (by the Accept header):
 * plain text `Key: value` lines then `Errors:`, JSON, or XML under a root tag (`delete`,
 * `extract`, `upload`). Bulk operations answer 200 as in Swift, the outcome being the report's
 * Response Status; SLO's refusal of a manifest is a 400 whose report lists only the errors.
 */
import type { SwiftRequest } from '../context.js'
import { STATUS_TEXT } from '../errors.js'
import { headerValue } from '../headers.js'

export type BulkErrors = Array<[name: string, status: string]>

export function statusLine (status: number): string {
  return `${status} ${status === 201 ? 'Created' : status === 200 ? 'OK' : status === 502 ? 'Bad Gateway' : STATUS_TEXT[status] ?? 'Error'}`
}

function escapeXml (s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function reportFormat (r: SwiftRequest): 'application/json' | 'application/xml' | 'text/xml' | 'text/plain' {
  const accept = headerValue(r.req.headers, 'accept') ?? ''
  if (accept.includes('application/json')) return 'application/json'
  if (accept.includes('application/xml')) return 'application/xml'
  if (accept.includes('text/xml')) return 'text/xml'
  return 'text/plain'
}

export function sendReport (r: SwiftRequest, rootTag: 'delete' | 'extract' | 'upload', fields: Record<string, string | number>,
  errors: BulkErrors, status = 200): void {
  const format = reportFormat(r)
  const keys = Object.keys(fields).sort()
  let body: string
  if (format === 'application/json') {
    body = JSON.stringify({ ...fields, Errors: errors })
  } else if (format === 'text/plain') {
    body = keys.map((k) => `${k}: ${fields[k]}\n`).join('') + 'Errors:\n' + errors.map(([n, s]) => `${n}, ${s}\n`).join('')
  } else {
    const items = keys.map((k) => { const tag = k.replaceAll(' ', '_').toLowerCase(); return `<${tag}>${escapeXml(String(fields[k]))}</${tag}>\n` })
    const errs = errors.map(([n, s]) => `<object><name>${escapeXml(n)}</name><status>${escapeXml(s)}</status></object>\n`)
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<${rootTag}>\n${items.join('')}<errors>\n${errs.join('')}</errors>\n</${rootTag}>\n`
  }
  r.reply.code(status).header('content-type', `${format}; charset=utf-8`).send(body)
}
