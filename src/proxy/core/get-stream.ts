/**
 * An object body that survives a replica failing mid-stream: the rest is fetched from the
 * next replica with a Range starting at the byte already received, and If-Match on the same ETag
 * so the bytes come from the same object version. When no replica can continue, the stream errors
 * and the client's connection is cut: never a silently short 200.
 *
 * A whole object whose ETag is a plain MD5 is also checked against it, since a replica's disk can
 * rot between two auditor passes. A storage node checks the data files it sends: it holds back
 * the last byte until the digest is known and, on a mismatch, quarantines its copy and cuts the
 * body one byte short (`X-Backend-Checked-Body`). Other bodies (inline objects) are hashed here
 * as they pass (`verify`). The last chunk is held back until the verdict, so a client never
 * receives a complete body with wrong bytes: on a mismatch before any byte went out (a small
 * object is one chunk), the whole body is fetched again from the next replica; after that, the
 * stream errors and the connection is cut. Ranges are not checked (as in Swift): their bytes have
 * no digest to compare with, and neither has a node-checked body resumed from another replica
 * after a break.
 *
 * A whole body of at most HOLD_LIMIT bytes is read before the answer starts (`HeldBody`): a
 * broken or corrupt one is simply read again from the next replica, and the client's answer goes
 * out in one write, without the stream machinery that costs a small GET more CPU than its bytes.
 */
import { createHash, type Hash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Device } from '../../ring/index.js'
import type { BackendClient, BackendHeaders, BackendResponse } from '../backend/client.js'
import { unavailable } from './errors.js'
import type { PathFor } from './replicate.js'

/** The first and last byte (inclusive) a response covers, from Content-Range or Content-Length. */
function coveredRange (res: BackendResponse): { first: number, last: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\//.exec(res.headers['content-range'] ?? '')
  if (m !== null) return { first: Number(m[1]), last: Number(m[2]) }
  const length = Number(res.headers['content-length'])
  return Number.isFinite(length) ? { first: 0, last: length - 1 } : undefined
}

/**
 * The MD5 (lower-case hex) a whole-object response's body must have; undefined when its ETag is
 * not a plain MD5 (a large object's or an S3 multipart `-N` ETag) or the response is a range.
 */
function expectedMd5 (res: BackendResponse, etag: string): string | undefined {
  if (res.status !== 200 || res.headers['content-range'] !== undefined) return undefined
  const m = /^"?([0-9a-fA-F]{32})"?$/.exec(etag)
  return m === null ? undefined : m[1].toLowerCase()
}

function checkedByNode (res: BackendResponse): boolean {
  return res.headers['x-backend-checked-body'] === 'md5'
}

/** The largest whole body held rather than streamed: one socket read's worth. */
const HOLD_LIMIT = 64 * 1024

/** A body read whole before the answer started; a front end may send `bytes` as they are. */
class HeldBody extends Readable {
  constructor (readonly bytes: Buffer) {
    super()
  }

  override _read (): void {
    this.push(this.bytes)
    this.push(null)
  }
}

/** What a front end hands its reply for `body`: a held body's bytes, sent in one write. */
export function replyPayload (body: Readable): Readable | Buffer {
  return body instanceof HeldBody ? body.bytes : body
}

/**
 * The body of `first`, from its replica or, when that one fails, from the others.
 * `others`: the replicas to resume from, worked out only when one is needed.
 */
export async function objectBody (client: BackendClient, first: BackendResponse, others: () => Device[],
  pathFor: PathFor, headers: BackendHeaders, verify: boolean): Promise<Readable> {
  const range = coveredRange(first)
  const etag = first.headers.etag
  const multipart = (first.headers['content-type'] ?? '').startsWith('multipart/byteranges')
  if (range === undefined || etag === undefined || multipart) return first.body
  const { first: firstByte, last: lastByte } = range
  const md5 = expectedMd5(first, etag)
  const hashHere = (res: BackendResponse): Hash | undefined => md5 !== undefined && verify && !checkedByNode(res) ? createHash('md5') : undefined
  let spare: Device[] | undefined

  /** The first remaining replica that answers the same version of the object as `wanted`. */
  async function nextReplica (extra: BackendHeaders, wanted: (res: BackendResponse) => boolean, failure: string): Promise<BackendResponse> {
    spare ??= others()
    for (let node = spare.shift(); node !== undefined; node = spare.shift()) {
      try {
        const res = await client.request(node, 'GET', pathFor(node), { ...headers, ...extra, 'if-match': etag as string })
        if (wanted(res)) return res
        await res.body.dump()
      } catch {}
    }
    // Before the answer started (a held body) this is the client's 503; after, it cuts the stream.
    throw unavailable(failure)
  }
  const sameWhole = (res: BackendResponse): boolean => res.status === 200 && res.headers['content-length'] === first.headers['content-length']

  if (md5 !== undefined && lastByte < HOLD_LIMIT) {
    const size = lastByte + 1
    for (let current = first; ; current = await nextReplica({}, sameWhole, `object body broke or did not match its ETag ${md5} and no other replica could serve it`)) {
      try {
        const bytes = Buffer.from(await current.body.arrayBuffer())
        const hash = hashHere(current)
        // A node that checks its bytes cuts a corrupt body one byte short.
        if (bytes.length === size && (hash === undefined || hash.update(bytes).digest('hex') === md5)) return new HeldBody(bytes)
      } catch {}
    }
  }

  async function * chunks (): AsyncGenerator<Buffer> {
    let received = 0
    let current: BackendResponse = first
    let hash = hashHere(first)
    let held: Buffer | undefined
    let forwarded = false
    for (;;) {
      let corrupt = false
      try {
        for await (const chunk of current.body as AsyncIterable<Buffer>) {
          received += chunk.length
          if (md5 === undefined) {
            yield chunk
            continue
          }
          hash?.update(chunk)
          if (held !== undefined) {
            forwarded = true
            yield held
          }
          held = chunk
        }
        corrupt = hash !== undefined && hash.digest('hex') !== md5
      } catch (err) {
        const start = firstByte + received
        // A storage node that checks its bytes cuts a corrupt body one byte short of its end
        // (only whole bodies are checked, so never a resumed range).
        corrupt = checkedByNode(current) && start === lastByte
        if (!corrupt) {
          if (start > lastByte) throw err
          current = await nextReplica({ range: `bytes=${start}-${lastByte}` }, (res) => res.status === 206,
            `object body broke at byte ${start} and no replica could resume it: ${(err as Error).message}`)
          continue
        }
      }
      if (!corrupt) {
        if (held !== undefined) yield held
        return
      }
      if (forwarded) throw new Error(`object body does not match its ETag ${md5 as string} (${received} bytes read)`)
      current = await nextReplica({}, sameWhole,
        `object body does not match its ETag ${md5 as string} and no other replica could serve it`)
      received = 0
      hash = hashHere(current)
      held = undefined
    }
  }
  return Readable.from(chunks(), { objectMode: false })
}
