/**
 * An object body that survives a replica failing mid-stream: the rest is fetched from the
 * next replica with a Range starting at the byte already sent, and If-Match on the same ETag so
 * the bytes come from the same object version. When no replica can continue, the stream errors
 * and the client's connection is cut: never a silently short 200.
 */
import { Readable } from 'node:stream'
import type { Device } from '../../ring/index.js'
import type { BackendClient, BackendHeaders, BackendResponse } from '../backend/client.js'
import type { PathFor } from './replicate.js'

/** The first and last byte (inclusive) a response covers, from Content-Range or Content-Length. */
function coveredRange (res: BackendResponse): { first: number, last: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\//.exec(res.headers['content-range'] ?? '')
  if (m !== null) return { first: Number(m[1]), last: Number(m[2]) }
  const length = Number(res.headers['content-length'])
  return Number.isFinite(length) ? { first: 0, last: length - 1 } : undefined
}

/** `others`: the replicas to resume from, worked out only when one is needed. */
export function resumableBody (client: BackendClient, first: BackendResponse, others: () => Device[],
  pathFor: PathFor, headers: BackendHeaders): Readable {
  const range = coveredRange(first)
  const etag = first.headers.etag
  const multipart = (first.headers['content-type'] ?? '').startsWith('multipart/byteranges')
  if (range === undefined || etag === undefined || multipart) return first.body

  async function * chunks (): AsyncGenerator<Buffer> {
    let sent = 0
    let current: BackendResponse = first
    let spare: Device[] | undefined
    for (;;) {
      try {
        for await (const chunk of current.body as AsyncIterable<Buffer>) {
          sent += chunk.length
          yield chunk
        }
        return
      } catch (err) {
        if (range === undefined || range.first + sent > range.last) throw err
        current = await resumeFrom(range.first + sent, range.last, err as Error)
      }
    }

    async function resumeFrom (start: number, last: number, cause: Error): Promise<BackendResponse> {
      spare ??= others()
      for (let node = spare.shift(); node !== undefined; node = spare.shift()) {
        try {
          const res = await client.request(node, 'GET', pathFor(node),
            { ...headers, range: `bytes=${start}-${last}`, 'if-match': etag as string })
          if (res.status === 206) return res
          await res.body.dump()
        } catch {}
      }
      throw new Error(`object body broke at byte ${start} and no replica could resume it: ${cause.message}`)
    }
  }
  return Readable.from(chunks(), { objectMode: false })
}
