/**
 * A listing GET's answer, for containers and accounts alike: a page scanned, rendered in the
 * asked format and sent, at most four at a time per process.
 *
 * A page holds its rows, then its rendered body, until the answer is written. 64 listings of
 * 6,000 rows asked at once took the objectd that served them to 413 MB; four at a time, to
 * 114 MB, and the 64 were answered no later. Building a page is CPU work, so more at once would
 * not answer sooner; a few overlap LevelDB's reads with the rendering.
 */
import type { ServerResponse } from 'node:http'
import PQueue from 'p-queue'
import type { Db } from './group-commit.js'
import { send } from './http-util.js'
import { CONTENT_TYPES, renderListing, type ListingFormat, type RowFields } from './listing-format.js'
import { scanListing, type ListingParams } from './listing.js'

const pagesBuilding = new PQueue({ concurrency: 4 })

export interface ListingPage<T> {
  db: Db
  /** The key prefix of the listed rows. */
  rowPrefix: string
  params: ListingParams
  format: ListingFormat
  /** A row value as listed, or undefined for a deleted row. */
  decode: (value: Buffer) => T | undefined
  fields: (row: T) => RowFields
  /** The XML root and row element names, as renderListing takes them. */
  root: { tag: string, name: string, element: string }
  /** The container's or account's own headers (Content-Type is added). */
  headers: Record<string, string | number>
}

export async function sendListingPage<T> (res: ServerResponse, page: ListingPage<T>): Promise<void> {
  await pagesBuilding.add(async () => {
    const items = await scanListing(page.db, page.rowPrefix, page.params, page.decode)
    if (page.format === 'plain' && items.length === 0) {
      send(res, 204, page.headers)
      return
    }
    page.headers['Content-Type'] = CONTENT_TYPES[page.format]
    send(res, 200, page.headers, renderListing(items, page.format, page.fields, page.root))
  })
}
