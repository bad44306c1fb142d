/**
 * Table-driven CRC32C (Castagnoli) and CRC64/NVME, the two checksums S3 offers that Node's zlib
 * lacks. Both are reflected CRCs with all-ones init and final xor; 64-bit state is kept as two
 * 32-bit halves because BigInt arithmetic per byte would be far too slow for object bodies.
 */

function table32 (poly: number): Uint32Array {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ poly : c >>> 1
    t[i] = c >>> 0
  }
  return t
}

const CRC32C_TABLE = table32(0x82f63b78)

export class Crc32c {
  private crc = 0xffffffff

  update (data: Uint8Array): this {
    let c = this.crc
    for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
    this.crc = c
    return this
  }

  /** Big-endian bytes, as S3 encodes checksums. */
  digest (): Buffer {
    const out = Buffer.alloc(4)
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0)
    return out
  }
}

// Reflected polynomial 0x9a6c9329ac4bc9b5, split into halves.
const POLY64_HI = 0x9a6c9329
const POLY64_LO = 0xac4bc9b5
const CRC64_HI = new Uint32Array(256)
const CRC64_LO = new Uint32Array(256)
for (let i = 0; i < 256; i++) {
  let hi = 0
  let lo = i
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0
    hi = hi >>> 1
    if (carry !== 0) {
      hi = (hi ^ POLY64_HI) >>> 0
      lo = (lo ^ POLY64_LO) >>> 0
    }
  }
  CRC64_HI[i] = hi
  CRC64_LO[i] = lo
}

export class Crc64Nvme {
  private hi = 0xffffffff
  private lo = 0xffffffff

  update (data: Uint8Array): this {
    let hi = this.hi
    let lo = this.lo
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff
      lo = ((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]
      hi = (hi >>> 8) ^ CRC64_HI[idx]
    }
    this.hi = hi >>> 0
    this.lo = lo >>> 0
    return this
  }

  digest (): Buffer {
    const out = Buffer.alloc(8)
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0)
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4)
    return out
  }
}
