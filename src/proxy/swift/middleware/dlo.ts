/**
 * Dynamic Large Objects: an object stored with `X-Object-Manifest: <container>/<prefix>`
 * (URL-encoded) reads as the concatenation, in name order, of the objects listed under that
 * prefix at the time of the read. Its ETag is Swift's: the quoted MD5 of the segments' ETags;
 * its length the sum of theirs. Ranges may span segments; If-Match, If-None-Match and the
 * date conditionals are judged against the whole object. A copy (COPY, X-Copy-From) of the
 * manifest is a plain object holding that content. `?multipart-manifest=get` reads, and
 * copies, the manifest object itself. A PUT's X-Object-Manifest is checked for that form. The
 * reader needs a listing of the segments' container.
 *
 * How: the handler reads through a view of the store (read-view.ts) that expands DLO
 * manifests, streaming with the core's large-object segment reader.
 * Limits: at most 10,000 segments (one listing page in Swift terms, 10 here); segments that
 * change while being read fail the read (their ETag is checked).
 * Enable: `dlo` in the proxy config's `pipeline` (default), after `versioned_writes`.
 */
import { createHash } from 'node:crypto'
import type { BackendHeaders } from '../../backend/client.js'
import { CoreError } from '../../core/errors.js'
import { DLO_MANIFEST_HEADER as MANIFEST, wholeObjectAnswer, type Segment } from '../../core/large-objects.js'
import { listObjects } from '../../core/listing-pages.js'
import type { ObjectRef, ObjectResponse } from '../../core/objects.js'
import type { ObjectStore } from '../../core/store.js'
import type { SwiftContext, SwiftRequest } from '../context.js'
import { headerValue } from '../headers.js'
import { isCopy } from '../objects.js'
import type { SwiftMiddleware } from '../pipeline.js'
import { nextWithReadView } from './read-view.js'

const MAX_SEGMENTS = 10000

function parseManifest (value: string): { container: string, prefix: string } {
  const slash = value.indexOf('/')
  if (slash <= 0) throw new CoreError('BAD_REQUEST', `X-Object-Manifest must be of the form <container>/<prefix>: ${value}`)
  try {
    return { container: decodeURIComponent(value.slice(0, slash)), prefix: decodeURIComponent(value.slice(slash + 1)) }
  } catch {
    throw new CoreError('BAD_REQUEST', `X-Object-Manifest is not valid URL encoding: ${value}`)
  }
}

async function listSegments (store: ObjectStore, r: SwiftRequest, account: string, manifest: string): Promise<Segment[]> {
  const { container, prefix } = parseManifest(manifest)
  if (!(await r.allowed('GET', account, container))) {
    throw new CoreError('NOT_FOUND', `no listing of the segments' container ${container} for this reader`)
  }
  const segments: Segment[] = []
  for await (const e of listObjects(store.containers, account, container, { prefix, limit: MAX_SEGMENTS + 1 })) {
    // A static large object is read through its own segments (its row's hash is its manifest's MD5).
    const slo = e.slo_etag?.replaceAll('"', '')
    segments.push({ name: `/${container}/${e.name}`, hash: slo ?? e.hash, bytes: e.bytes, ...(slo !== undefined ? { sub_slo: true } : {}) })
  }
  if (segments.length > MAX_SEGMENTS) throw new CoreError('UNAVAILABLE', `more than ${MAX_SEGMENTS} segments under ${manifest}`)
  return segments
}

/** The whole object's answer for the manifest `stored`. */
async function expand (store: ObjectStore, r: SwiftRequest, ref: ObjectRef, method: 'GET' | 'HEAD', conditions: BackendHeaders,
  stored: ObjectResponse): Promise<ObjectResponse> {
  stored.body?.destroy()
  const segments = await listSegments(store, r, ref.account, stored.headers[MANIFEST])
  const total = segments.reduce((n, s) => n + s.bytes, 0)
  const etag = createHash('md5').update(segments.map((s) => s.hash).join('')).digest('hex')
  return await wholeObjectAnswer(stored.headers, etag, total, method, conditions,
    (first, last) => store.objects.largeObjects.segmentBytes(ref.account, segments, first, last), false)
}

export const dlo: SwiftMiddleware = {
  name: 'dlo',
  phase: 'post-auth',
  info: { max_segments: MAX_SEGMENTS },
  async handle (ctx: SwiftContext, r, next) {
    const manifest = headerValue(r.req.headers, MANIFEST)
    if (r.req.method === 'PUT' && manifest !== undefined) parseManifest(manifest)
    const reads = (r.req.method === 'GET' || r.req.method === 'HEAD' || isCopy(r)) && r.path.object !== undefined
    if (!reads || r.params.get('multipart-manifest') === 'get') {
      await next()
      return
    }
    const store = ctx.store
    await nextWithReadView(ctx, next, {
      applies: (headers) => headers[MANIFEST] !== undefined,
      turn: async (ref, method, conditions, stored) => await expand(store, r, ref, method, conditions, stored)
    })
  }
}
