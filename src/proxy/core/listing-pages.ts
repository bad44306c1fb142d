/**
 * A container's listing as an async sequence of entries, fetched page by page (JSON, following
 * the marker), for the features that walk a prefix: DLO segments, versions, static web pages.
 */
import type { Containers } from './containers.js'
import { CoreError, unavailable } from './errors.js'

export interface ListEntry {
  name: string
  hash: string
  bytes: number
  content_type: string
  last_modified: string
  /** A large object's ETag, quoted (its manifest's MD5 is `hash`). */
  slo_etag?: string
  /** The S3 ETag of a completed multipart upload, quoted. */
  s3_etag?: string
}

/** A pseudo-directory, when the listing is asked with a delimiter. */
export interface ListSubdir { subdir: string }

export interface ListOptions {
  prefix?: string
  delimiter?: string
  /** Stop after this many entries (subdirs included). */
  limit?: number
  reverse?: boolean
}

const PAGE = 10000

export async function * listContainer (containers: Containers, account: string, container: string,
  opts: ListOptions = {}): AsyncGenerator<ListEntry | ListSubdir> {
  let marker = ''
  let left = opts.limit ?? Infinity
  while (left > 0) {
    const q = new URLSearchParams({ format: 'json', limit: String(Math.min(PAGE, left)) })
    if (opts.prefix !== undefined) q.set('prefix', opts.prefix)
    if (opts.delimiter !== undefined) q.set('delimiter', opts.delimiter)
    if (opts.reverse === true) q.set('reverse', 'true')
    if (marker !== '') q.set('marker', marker)
    const res = await containers.read(account, container, 'GET', `?${q.toString()}`)
    if (res.status === 404) {
      await res.body.dump()
      throw new CoreError('CONTAINER_NOT_FOUND', `container ${container} not found`)
    }
    if (res.status !== 200) {
      await res.body.dump()
      if (res.status === 204) return
      throw unavailable(`listing ${container} answered ${res.status}`)
    }
    const page = await res.body.json() as Array<ListEntry | ListSubdir>
    for (const entry of page) yield entry
    if (page.length < Math.min(PAGE, left)) return
    left -= page.length
    const last = page[page.length - 1]
    marker = 'subdir' in last ? last.subdir : last.name
  }
}

/** The objects only (subdirs dropped). */
export async function * listObjects (containers: Containers, account: string, container: string,
  opts: ListOptions = {}): AsyncGenerator<ListEntry> {
  for await (const entry of listContainer(containers, account, container, opts)) if (!('subdir' in entry)) yield entry
}
