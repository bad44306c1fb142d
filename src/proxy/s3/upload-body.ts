/**
 * An upload's body as the core should store it: aws-chunked framing removed, and checked on the
 * way through against what the client promised: the signed SHA-256, each chunk's signature, the
 * decoded length, x-amz-checksum-* (header or trailer) and Content-MD5. A mismatch errors the
 * stream before it ends, so the storage nodes never commit the object; the S3 error is kept in
 * `failure` for the handler to answer with.
 */
import { createHash, type Hash } from 'node:crypto'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import type { PayloadMode } from './authenticate.js'
import { AwsChunkedDecoder } from './aws-chunked.js'
import { algorithmOfHeader, badChecksum, checksumHeader, checksummer, type ChecksumAlgorithm, type Checksummer } from './checksums.js'
import { S3Error } from './errors.js'
import type { RawHeaders } from './sigv4.js'
import { readBody } from './xml.js'

export interface UploadBody {
  stream: Readable
  /** Bytes the stored object will have, when known up front. */
  contentLength?: number
  /** Content-MD5 as hex, for the storage nodes to check (they answer 422 on mismatch). */
  md5Hex?: string
  /** The checksum the client asked for, with its verified value once the stream has ended. */
  checksum?: { algorithm: ChecksumAlgorithm, value?: string }
  failure?: S3Error
}

function headerText (headers: RawHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

function lengthOf (value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new S3Error('InvalidArgument', `Invalid ${name}`, { ArgumentName: name, ArgumentValue: value })
  return Number(value)
}

function md5Hex (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const raw = Buffer.from(value, 'base64')
  if (raw.length !== 16 || raw.toString('base64') !== value) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.')
  return raw.toString('hex')
}

/** The algorithm named by x-amz-checksum-* headers, x-amz-trailer or x-amz-sdk-checksum-algorithm. */
function requestedChecksum (headers: RawHeaders): { algorithm: ChecksumAlgorithm, expected?: string } | undefined {
  for (const name of Object.keys(headers)) {
    const alg = algorithmOfHeader(name)
    if (alg !== undefined) return { algorithm: alg, expected: headerText(headers, name) }
  }
  const trailer = headerText(headers, 'x-amz-trailer')
  const alg = trailer !== undefined ? algorithmOfHeader(trailer.trim()) : undefined
  if (trailer !== undefined && alg === undefined) throw new S3Error('InvalidRequest', `Unsupported trailer ${trailer}`)
  return alg === undefined ? undefined : { algorithm: alg }
}

class BodyVerifier extends Transform {
  private size = 0
  private readonly sha256: Hash | undefined
  private readonly sum: Checksummer | undefined
  expectedChecksum: string | undefined

  constructor (private readonly body: UploadBody, private readonly expectedSha: string | undefined,
    private readonly expectedSize: number | undefined) {
    super()
    this.sha256 = expectedSha !== undefined ? createHash('sha256') : undefined
    this.sum = body.checksum !== undefined ? checksummer(body.checksum.algorithm) : undefined
  }

  override _transform (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    this.sha256?.update(chunk)
    this.sum?.update(chunk)
    done(null, chunk)
  }

  override _flush (done: TransformCallback): void {
    const failure = this.check()
    if (failure !== undefined) this.body.failure = failure
    done(failure)
  }

  private check (): S3Error | undefined {
    if (this.expectedSize !== undefined && this.size !== this.expectedSize) {
      return new S3Error('IncompleteBody', `You did not provide the number of bytes specified (${this.expectedSize}, got ${this.size})`)
    }
    if (this.sha256 !== undefined && this.sha256.digest('hex') !== this.expectedSha) {
      return new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.")
    }
    if (this.sum !== undefined && this.body.checksum !== undefined) {
      const actual = this.sum.digest()
      if (this.expectedChecksum !== undefined && actual !== this.expectedChecksum) return badChecksum(this.body.checksum.algorithm)
      this.body.checksum.value = actual
    }
    return undefined
  }
}

/** Wraps the raw request body according to the payload mode and the request's headers. */
export function uploadBody (raw: Readable, headers: RawHeaders, payload: PayloadMode): UploadBody {
  const requested = requestedChecksum(headers)
  const body: UploadBody = { stream: raw, md5Hex: md5Hex(headerText(headers, 'content-md5')) }
  if (requested !== undefined) body.checksum = { algorithm: requested.algorithm }
  const streaming = payload.kind === 'streaming'
  const decodedLength = lengthOf(headerText(headers, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length')
  body.contentLength = streaming ? decodedLength : lengthOf(headerText(headers, 'content-length'), 'Content-Length')
  const verifier = new BodyVerifier(body, payload.kind === 'signed' ? payload.sha256 : undefined, body.contentLength)
  verifier.expectedChecksum = requested?.expected
  if (streaming) {
    const decoder = new AwsChunkedDecoder({
      signing: payload.signing,
      onTrailer: (name, value) => {
        if (requested !== undefined && name === checksumHeader(requested.algorithm)) verifier.expectedChecksum = value
      }
    })
    raw.on('error', (err) => decoder.destroy(err))
    decoder.on('error', (err) => {
      if (body.failure === undefined && err instanceof S3Error) body.failure = err
      verifier.destroy(err)
    })
    raw.pipe(decoder).pipe(verifier)
  } else {
    raw.on('error', (err) => verifier.destroy(err))
    raw.pipe(verifier)
  }
  body.stream = verifier
  return body
}

/** A small request document (XML), decoded and checked like an upload, Content-MD5 included. */
export async function readDocument (raw: Readable, headers: RawHeaders, payload: PayloadMode, limit: number): Promise<string> {
  const body = uploadBody(raw, headers, payload)
  let bytes: Buffer
  try {
    bytes = await readBody(body.stream, limit)
  } catch (err) {
    throw body.failure ?? err
  }
  if (body.md5Hex !== undefined && createHash('md5').update(bytes).digest('hex') !== body.md5Hex) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.')
  }
  return bytes.toString('utf8')
}
