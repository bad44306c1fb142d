/**
 * Decodes an aws-chunked body (`<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` ... `0...\r\n`
 * then optional trailers and an empty line) as a Transform, so uploads stay streamed. With a
 * signing context each chunk's signature is checked against the chain seeded by the request's
 * signature; trailers (checksums, and the trailer signature when signed) are handed to `onTrailer`.
 */
import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { S3Error } from './errors.js'
import { chunkStringToSign, sameSignature, sha256Hex, signHex, trailerStringToSign, type V4Scope } from './sigv4.js'

export interface ChunkSigning {
  key: Buffer
  amzDate: string
  scope: V4Scope
  /** The request's own signature: the first link of the chain. */
  seed: string
}

export interface AwsChunkedOptions {
  signing?: ChunkSigning
  onTrailer: (name: string, value: string) => void
}

const MAX_LINE = 4096
const CRLF = Buffer.from('\r\n')

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done'

export class AwsChunkedDecoder extends Transform {
  private state: State = 'size'
  private pending = Buffer.alloc(0)
  private remaining = 0
  private chunkSignature: string | undefined
  private previous: string
  private chunkHash: Hash | undefined
  private readonly trailerLines: string[] = []

  constructor (private readonly opts: AwsChunkedOptions) {
    super()
    this.previous = opts.signing?.seed ?? ''
  }

  override _transform (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk)
      done()
    } catch (err) {
      done(err as Error)
    }
  }

  override _flush (done: TransformCallback): void {
    if (this.state !== 'done') {
      done(new S3Error('IncompleteBody', 'The request body terminated unexpectedly'))
      return
    }
    done()
  }

  private consume (buf: Buffer): void {
    let at = 0
    while (at < buf.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - at)
        const piece = buf.subarray(at, at + n)
        this.chunkHash?.update(piece)
        this.push(piece)
        this.remaining -= n
        at += n
        if (this.remaining === 0) this.state = 'data-end'
        continue
      }
      const eol = buf.indexOf(CRLF, at)
      if (eol < 0) {
        if (buf.length - at > MAX_LINE) throw malformed('chunk header line too long')
        break
      }
      const line = buf.subarray(at, eol).toString('latin1')
      at = eol + 2
      this.line(line)
    }
    this.pending = at < buf.length ? Buffer.from(buf.subarray(at)) : Buffer.alloc(0)
  }

  private line (line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw malformed('chunk data longer than its declared size')
      this.endChunk()
      this.state = 'size'
    } else if (this.state === 'size') {
      this.startChunk(line)
    } else if (this.state === 'trailer') {
      if (line === '') this.endTrailers()
      else this.trailerLines.push(line)
    }
  }

  private startChunk (line: string): void {
    const semi = line.indexOf(';')
    const sizeText = (semi < 0 ? line : line.slice(0, semi)).trim()
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed(`bad chunk size "${sizeText}"`)
    this.remaining = parseInt(sizeText, 16)
    const ext = semi < 0 ? '' : line.slice(semi + 1)
    this.chunkSignature = /^chunk-signature=([0-9a-f]{64})$/.exec(ext.trim())?.[1]
    if (this.opts.signing !== undefined && this.chunkSignature === undefined) {
      throw new S3Error('SignatureDoesNotMatch', 'chunk signature missing')
    }
    this.chunkHash = this.opts.signing !== undefined ? createHash('sha256') : undefined
    if (this.remaining === 0) {
      this.endChunk()
      this.state = 'trailer'
    } else {
      this.state = 'data'
    }
  }

  /** Checks the finished chunk's signature, chained from the previous one. */
  private endChunk (): void {
    const s = this.opts.signing
    if (s === undefined || this.chunkHash === undefined) return
    const expected = signHex(s.key, chunkStringToSign(s.amzDate, s.scope, this.previous, this.chunkHash.digest('hex')))
    if (!sameSignature(expected, this.chunkSignature ?? '')) {
      throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.')
    }
    this.previous = expected
    this.chunkHash = undefined
  }

  private endTrailers (): void {
    const signed: string[] = []
    let trailerSignature: string | undefined
    for (const line of this.trailerLines) {
      const colon = line.indexOf(':')
      if (colon <= 0) throw malformed(`bad trailer "${line}"`)
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      if (name === 'x-amz-trailer-signature') {
        trailerSignature = value
        continue
      }
      signed.push(`${name}:${value}\n`)
      this.opts.onTrailer(name, value)
    }
    const s = this.opts.signing
    if (s !== undefined && trailerSignature !== undefined) {
      const expected = signHex(s.key, trailerStringToSign(s.amzDate, s.scope, this.previous, sha256Hex(signed.join(''))))
      if (!sameSignature(expected, trailerSignature)) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.')
      }
    }
    this.state = 'done'
  }
}

function malformed (what: string): S3Error {
  return new S3Error('IncompleteBody', `Malformed aws-chunked body: ${what}`)
}
