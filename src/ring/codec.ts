/**
 * The envelope shared by ring files and builder files: gzip over
 *
 *   magic (4 bytes ASCII) | format version (u16 LE) | header length (u32 LE) | header (UTF-8 JSON)
 *   | section count (u32 LE) | section lengths (u32 LE each) | section bytes, back to back
 *
 * The JSON header holds the small, self-describing part (devices, settings); the sections hold
 * the big tables as raw little-endian typed arrays, so a large ring loads without parsing text.
 * A reader refuses a newer format version instead of guessing at it.
 */
import { gunzip, gzip } from 'node:zlib'
import { promisify } from 'node:util'
import { RingFileError } from './errors.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

export interface Envelope {
  formatVersion: number
  header: unknown
  sections: Uint8Array[]
}

export interface EnvelopeKind {
  /** Four ASCII characters identifying the kind of file. */
  magic: string
  /** Newest format version this code reads. */
  maxVersion: number
  /** How an error message names the file, e.g. `ring file`. */
  label: string
}

export async function encodeEnvelope (kind: EnvelopeKind, env: Envelope): Promise<Buffer> {
  const header = Buffer.from(JSON.stringify(env.header), 'utf8')
  const fixed = Buffer.alloc(4 + 2 + 4)
  fixed.write(kind.magic, 0, 'latin1')
  fixed.writeUInt16LE(env.formatVersion, 4)
  fixed.writeUInt32LE(header.length, 6)
  const lengths = Buffer.alloc(4 + 4 * env.sections.length)
  lengths.writeUInt32LE(env.sections.length, 0)
  env.sections.forEach((s, i) => { lengths.writeUInt32LE(s.byteLength, 4 + 4 * i) })
  const body = Buffer.concat([fixed, header, lengths, ...env.sections])
  return await gzipAsync(body, { level: 6 })
}

export async function decodeEnvelope (kind: EnvelopeKind, file: string, data: Buffer): Promise<Envelope> {
  let raw: Buffer
  try {
    raw = await gunzipAsync(data)
  } catch (err) {
    throw new RingFileError(`${file}: not a valid ${kind.label} (gzip: ${(err as Error).message})`)
  }
  const reader = new ByteReader(raw, `${file}: ${kind.label} is truncated`)
  const magic = reader.bytes(4).toString('latin1')
  if (magic !== kind.magic) throw new RingFileError(`${file}: not a ${kind.label} (magic ${JSON.stringify(magic)})`)
  const formatVersion = reader.u16()
  if (formatVersion === 0 || formatVersion > kind.maxVersion) {
    throw new RingFileError(`${file}: ${kind.label} format ${formatVersion} is newer than this Ringstore reads (up to ${kind.maxVersion}); upgrade Ringstore`)
  }
  let header: unknown
  try {
    header = JSON.parse(reader.bytes(reader.u32()).toString('utf8'))
  } catch (err) {
    if (err instanceof RingFileError) throw err
    throw new RingFileError(`${file}: ${kind.label} header is corrupt (${(err as Error).message})`)
  }
  const lengths = Array.from({ length: reader.u32() }, () => reader.u32())
  const sections = lengths.map((len) => new Uint8Array(reader.bytes(len)))
  return { formatVersion, header, sections }
}

/** Sequential reads that fail with one clear message when the data ends early. */
class ByteReader {
  private pos = 0
  constructor (private readonly buf: Buffer, private readonly truncatedMessage: string) {}

  private need (n: number): void {
    if (this.pos + n > this.buf.length) throw new RingFileError(this.truncatedMessage)
  }

  u16 (): number { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v }
  u32 (): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v }
  bytes (n: number): Buffer { this.need(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v }
}
