/**
 * S3's additional checksums (x-amz-checksum-*): which algorithms, how each is computed over a
 * streamed body, and where the value is kept (object sysmeta, so GET and HEAD can return it).
 */
import { createHash, type Hash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { Crc32c, Crc64Nvme } from './crc.js'
import { S3Error } from './errors.js'

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const
export type ChecksumAlgorithm = typeof CHECKSUM_ALGORITHMS[number]

export interface Checksummer {
  update: (data: Buffer) => void
  /** base64 of the big-endian value, as S3 sends it. */
  digest: () => string
}

class Crc32 implements Checksummer {
  private value = 0
  update (data: Buffer): void { this.value = crc32(data, this.value) }
  digest (): string {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(this.value >>> 0)
    return out.toString('base64')
  }
}

function wrapHash (h: Hash): Checksummer {
  return { update: (d) => { h.update(d) }, digest: () => h.digest('base64') }
}

export function checksummer (alg: ChecksumAlgorithm): Checksummer {
  switch (alg) {
    case 'CRC32': return new Crc32()
    case 'CRC32C': { const c = new Crc32c(); return { update: (d) => { c.update(d) }, digest: () => c.digest().toString('base64') } }
    case 'CRC64NVME': { const c = new Crc64Nvme(); return { update: (d) => { c.update(d) }, digest: () => c.digest().toString('base64') } }
    case 'SHA1': return wrapHash(createHash('sha1'))
    case 'SHA256': return wrapHash(createHash('sha256'))
  }
}

export function checksumHeader (alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`
}

/** Where the checksum an upload was verified with is kept. */
export function checksumSysmeta (alg: ChecksumAlgorithm): string {
  return `x-object-sysmeta-s3-checksum-${alg.toLowerCase()}`
}

export function algorithmOf (name: string): ChecksumAlgorithm | undefined {
  const upper = name.toUpperCase()
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? upper as ChecksumAlgorithm : undefined
}

/** From a header or trailer name such as `x-amz-checksum-crc32c`. */
export function algorithmOfHeader (name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase()
  return lower.startsWith('x-amz-checksum-') ? algorithmOf(lower.slice('x-amz-checksum-'.length)) : undefined
}

/** The stored checksums of an object, as response headers. */
export function storedChecksums (headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = headers[checksumSysmeta(alg)]
    if (v !== undefined) out[checksumHeader(alg)] = v
  }
  return out
}

export function badChecksum (alg: ChecksumAlgorithm): S3Error {
  return new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`)
}
