/**
 * Bulk operations, each answered with Swift's report (bulk-report.ts):
 * - `POST` or `DELETE /v1/AUTH_a?bulk-delete` with a `text/plain` body of URL-encoded
 *   `/container/object` or `/container` lines deletes them all (all objects first, then the
 *   containers), at most `bulk_max_deletes_per_request` (10,000) per request.
 *   Missing items count as not found, not as errors; a non-empty container is a 409 error.
 * - `PUT /v1/AUTH_a[/container[/prefix]]?extract-archive=tar|tar.gz|tar.bz2` stores every
 *   regular file of the archive as an object (bulk-extract.ts); at account level the first
 *   path component names the container, created when missing.
 * Every item is authorized on its own, as the caller's own request would be.
 *
 * Limits: items go straight to the core, so other middlewares (versioning, SLO segment
 * cleanup) do not apply to them; the report is sent once the work is done (no keep-alive
 * whitespace while working, so a proxy in front must allow for long requests).
 * Enable: `bulk` in the proxy config's `pipeline` (default).
 */
import { CoreError } from '../../core/errors.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { STATUS, sendError } from '../errors.js'
import { headerValue } from '../headers.js'
import type { SwiftMiddleware } from '../pipeline.js'
import { statusLine, sendReport, type BulkErrors } from './bulk-report.js'
import { extractArchive, type ExtractLimits } from './bulk-extract.js'

/** Deletes run this many at a time: enough to hide latency, few enough to spare the nodes. */
const DELETE_CONCURRENCY = 4
/** The longest line a delete list may hold: a container name, a slash and an object name, encoded. */
const MAX_PATH_LENGTH = 3 * (256 + 1 + 1024) + 1

export interface BulkSettings extends ExtractLimits {
  maxDeletes: number
}

async function readDeleteList (r: SwiftRequest, max: number): Promise<string[]> {
  const limit = max * (MAX_PATH_LENGTH + 1)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of r.req.raw as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new CoreError('TOO_LARGE', `Maximum Bulk Deletes: ${max} per request`)
    chunks.push(chunk)
  }
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '')
  if (lines.length > max) throw new CoreError('TOO_LARGE', `Maximum Bulk Deletes: ${max} per request`)
  return lines
}

/** The item's outcome as an HTTP status. */
async function deleteOne (ctx: SwiftContext, r: SwiftRequest, line: string): Promise<number> {
  let path: string
  try {
    path = decodeURIComponent(line).replace(/^\/+/, '')
  } catch {
    return 400
  }
  const slash = path.indexOf('/')
  const container = slash < 0 ? path : path.slice(0, slash)
  const object = slash < 0 ? undefined : path.slice(slash + 1)
  if (container === '' || object === '') return 400
  if (!(await r.allowed('DELETE', r.path.account, container, object))) return r.identity === undefined ? 401 : 403
  try {
    if (object !== undefined) return await ctx.store.objects.delete({ account: r.path.account, container, object })
    const result = await ctx.store.containers.write(r.path.account, container, 'DELETE', {})
    return result.status
  } catch (err) {
    if (err instanceof CoreError) return STATUS[err.code]
    throw err
  }
}

async function bulkDelete (ctx: SwiftContext, r: SwiftRequest, settings: BulkSettings): Promise<void> {
  // As in Swift: the list is newline-separated names, and a body said to be anything else is refused.
  const format = headerValue(r.req.headers, 'content-type')
  if (format !== undefined && format !== '' && !format.startsWith('text/plain')) {
    r.req.raw.resume()
    sendReport(r, 'delete', { 'Number Deleted': 0, 'Number Not Found': 0, 'Response Body': '', 'Response Status': statusLine(406) }, [])
    return
  }
  const lines = await readDeleteList(r, settings.maxDeletes)
  let deleted = 0
  let notFound = 0
  const errors: BulkErrors = []
  const statuses = new Array<number>(lines.length)
  // Objects first, a few at a time; then containers, in order, once their objects are gone.
  const isContainer = (line: string): boolean => !line.replace(/^\/+/, '').includes('/')
  const objects = lines.flatMap((l, i) => (isContainer(l) ? [] : [i]))
  const containers = lines.flatMap((l, i) => (isContainer(l) ? [i] : []))
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const i = objects[next++]
      statuses[i] = await deleteOne(ctx, r, lines[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, objects.length) }, worker))
  for (const i of containers) statuses[i] = await deleteOne(ctx, r, lines[i])
  statuses.forEach((status, i) => {
    if (status === 404) notFound++
    else if (status >= 200 && status < 300) deleted++
    else errors.push([lines[i], statusLine(status)])
  })
  const failedServer = errors.some(([, s]) => s.startsWith('5'))
  sendReport(r, 'delete', {
    'Number Deleted': deleted,
    'Number Not Found': notFound,
    'Response Body': '',
    'Response Status': errors.length === 0 ? statusLine(200) : statusLine(failedServer ? 502 : 400)
  }, errors)
}

async function bulkExtract (ctx: SwiftContext, r: SwiftRequest, settings: BulkSettings): Promise<void> {
  const format = r.params.get('extract-archive') ?? ''
  const result = await extractArchive(ctx, r, format, settings)
  const failedServer = result.errors.some(([, s]) => s.startsWith('5'))
  const status = result.invalid !== undefined ? 400 : result.errors.length === 0 ? 201 : failedServer ? 502 : 400
  sendReport(r, 'extract', {
    'Number Files Created': result.created,
    'Response Body': result.invalid ?? '',
    'Response Status': statusLine(status)
  }, result.errors)
}

function isBulkDelete (r: SwiftRequest): boolean {
  return r.params.has('bulk-delete') && (r.req.method === 'POST' || r.req.method === 'DELETE')
}

function isExtract (r: SwiftRequest): boolean {
  return r.params.has('extract-archive') && r.req.method === 'PUT'
}

export function bulk (settings: BulkSettings): SwiftMiddleware {
  return {
    name: 'bulk',
    phase: 'post-auth',
    // Swift's names: the swift CLI deletes in bulk only when /info has bulk_delete.
    infoEntries: {
      bulk_delete: { max_deletes_per_request: settings.maxDeletes, max_failed_deletes: settings.maxDeletes },
      bulk_upload: { max_containers_per_extraction: settings.maxContainers, max_failed_extractions: settings.maxContainers }
    },
    authorizesItself: (r) => (isBulkDelete(r) && r.path.container === undefined) || isExtract(r),
    async handle (ctx, r, next) {
      if (isBulkDelete(r) && r.path.container === undefined) await bulkDelete(ctx, r, settings)
      else if (isBulkDelete(r)) sendError(r.reply, 400, 'bulk-delete is an account request: POST /v1/<account>?bulk-delete')
      else if (isExtract(r)) await bulkExtract(ctx, r, settings)
      else await next()
    }
  }
}
