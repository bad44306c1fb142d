import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { FOOTER_BYTES, FooterReader, FooterWriter } from '../../src/common/body-footer.js'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')

function footerOf (body: Buffer): Buffer {
  const writer = new FooterWriter()
  // Hashed in two pieces, as a streamed body is.
  writer.update(body.subarray(0, 7))
  writer.update(body.subarray(7))
  return writer.footer()
}

/** Feeds `sent` to a reader in chunks of `size` bytes; the body bytes it gave back and its verdict. */
function read (sent: Buffer, size: number): { body: Buffer, md5: string | Error } {
  const reader = new FooterReader()
  const parts: Buffer[] = []
  for (let at = 0; at < sent.length; at += size) parts.push(...reader.split(sent.subarray(at, at + size)))
  t.ok(parts.every((p) => p.length > 0), 'no empty parts')
  return { body: Buffer.concat(parts), md5: reader.md5() }
}

t.test('the footer is the body\'s MD5 and CRC-32 in hex', async (t) => {
  const body = randomBytes(1000)
  const footer = footerOf(body)
  t.equal(footer.length, FOOTER_BYTES)
  t.equal(footer.toString(), md5(body) + crc32(body).toString(16).padStart(8, '0'))
  t.equal(footerOf(Buffer.alloc(0)).toString().slice(0, 32), md5(Buffer.alloc(0)))
})

t.test('the reader gives back the body and its MD5 however the footer is split', async (t) => {
  for (const length of [0, 1, 39, 40, 41, 130]) {
    const body = randomBytes(length)
    const sent = Buffer.concat([body, footerOf(body)])
    for (const size of [1, 5, 39, 40, 41, 100, sent.length]) {
      const got = read(sent, size)
      t.ok(got.body.equals(body), `body of ${length} bytes in chunks of ${size}`)
      t.equal(got.md5, md5(body))
    }
  }
})

t.test('the reader refuses a damaged body, a short one and a malformed footer', async (t) => {
  const body = randomBytes(500)
  const damaged = Buffer.concat([body, footerOf(body)])
  damaged[10] ^= 0x40
  t.match(read(damaged, 64).md5, /damaged on its way/)
  t.match(read(body.subarray(0, 30), 64).md5, /ended before its 40-byte footer/)
  const upper = Buffer.concat([body, Buffer.from(footerOf(body).toString().toUpperCase())])
  t.match(read(upper, 64).md5, /not 40 hex digits/)
})
