// Upload bodies: aws-chunked decoding with per-chunk signatures (AWS's documented example),
// unsigned trailers with checksums, signed payload hashes, and the checksum algorithms.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import t from 'tap'
import type { PayloadMode } from '../../src/proxy/s3/authenticate.js'
import { checksummer } from '../../src/proxy/s3/checksums.js'
import { Crc32c, Crc64Nvme } from '../../src/proxy/s3/crc.js'
import { signingKey } from '../../src/proxy/s3/sigv4.js'
import { uploadBody } from '../../src/proxy/s3/upload-body.js'

async function drain (body: ReturnType<typeof uploadBody>): Promise<{ data: Buffer, error?: string }> {
  const chunks: Buffer[] = []
  try {
    for await (const c of body.stream as AsyncIterable<Buffer>) chunks.push(c)
    return { data: Buffer.concat(chunks) }
  } catch (err) {
    return { data: Buffer.concat(chunks), error: body.failure?.code ?? (err as Error).message }
  }
}

/** Splits a body into small pieces so that chunk headers straddle reads. */
function trickle (buf: Buffer, size = 7): Readable {
  const parts: Buffer[] = []
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size))
  return Readable.from(parts)
}

t.test('CRC32C and CRC64/NVME check values', async (t) => {
  const check = Buffer.from('123456789')
  t.equal(new Crc32c().update(check).digest().toString('hex'), 'e3069283')
  t.equal(new Crc64Nvme().update(check).digest().toString('hex'), 'ae8b14860a799888')
  const split = new Crc64Nvme().update(check.subarray(0, 4)).update(check.subarray(4))
  t.equal(split.digest().toString('hex'), 'ae8b14860a799888', 'incremental')
  const crc32 = checksummer('CRC32')
  crc32.update(check)
  t.equal(Buffer.from(crc32.digest(), 'base64').toString('hex'), 'cbf43926')
  const sha = checksummer('SHA256')
  sha.update(check)
  t.equal(sha.digest(), createHash('sha256').update(check).digest('base64'))
})

t.test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: AWS\'s example chunks verify; a changed byte does not', async (t) => {
  const scope = { accessKey: 'AKIAIOSFODNN7EXAMPLE', date: '20130524', region: 'us-east-1', service: 's3' }
  const payload: PayloadMode = {
    kind: 'streaming',
    signing: { key: signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', scope), amzDate: '20130524T000000Z', scope, seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9' }
  }
  const build = (first: Buffer): Buffer => Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'), first, Buffer.from('\r\n'),
    Buffer.from('400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'), Buffer.alloc(1024, 'a'), Buffer.from('\r\n'),
    Buffer.from('0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n')
  ])
  const headers = { 'x-amz-decoded-content-length': '66560', 'content-encoding': 'aws-chunked' }
  const good = await drain(uploadBody(trickle(build(Buffer.alloc(65536, 'a')), 1000), headers, payload))
  t.equal(good.error, undefined)
  t.equal(good.data.length, 66560)
  const changed = Buffer.alloc(65536, 'a')
  changed[100] = 0x62
  const bad = await drain(uploadBody(trickle(build(changed), 1000), headers, payload))
  t.equal(bad.error, 'SignatureDoesNotMatch')
})

t.test('STREAMING-UNSIGNED-PAYLOAD-TRAILER: checksum trailer verified and kept', async (t) => {
  const data = Buffer.from('hello trailer world')
  const crc = checksummer('CRC32C')
  crc.update(data)
  const value = crc.digest()
  const encode = (checksum: string): Buffer => Buffer.from(`${data.length.toString(16)}\r\n${data.toString()}\r\n0\r\nx-amz-checksum-crc32c:${checksum}\r\n\r\n`)
  const headers = { 'x-amz-trailer': 'x-amz-checksum-crc32c', 'x-amz-decoded-content-length': String(data.length) }
  const body = uploadBody(trickle(encode(value), 3), headers, { kind: 'streaming' })
  const good = await drain(body)
  t.equal(good.error, undefined)
  t.equal(good.data.toString(), data.toString())
  t.same(body.checksum, { algorithm: 'CRC32C', value })
  const bad = await drain(uploadBody(trickle(encode('AAAAAA=='), 3), headers, { kind: 'streaming' }))
  t.equal(bad.error, 'BadDigest')
  const truncated = await drain(uploadBody(Readable.from([encode(value).subarray(0, 10)]), headers, { kind: 'streaming' }))
  t.equal(truncated.error, 'IncompleteBody')
  const garbage = await drain(uploadBody(Readable.from([Buffer.from('zz\r\nxx')]), headers, { kind: 'streaming' }))
  t.equal(garbage.error, 'IncompleteBody')
})

t.test('signed payload, checksum headers, lengths and Content-MD5', async (t) => {
  const data = Buffer.from('payload')
  const sha = createHash('sha256').update(data).digest('hex')
  t.equal((await drain(uploadBody(Readable.from([data]), { 'content-length': '7' }, { kind: 'signed', sha256: sha }))).error, undefined)
  t.equal((await drain(uploadBody(Readable.from([data]), { 'content-length': '7' }, { kind: 'signed', sha256: '0'.repeat(64) }))).error, 'XAmzContentSHA256Mismatch')
  const sum = checksummer('SHA1')
  sum.update(data)
  t.equal((await drain(uploadBody(Readable.from([data]), { 'x-amz-checksum-sha1': sum.digest() }, { kind: 'unsigned' }))).error, undefined)
  t.equal((await drain(uploadBody(Readable.from([data]), { 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' }, { kind: 'unsigned' }))).error, 'BadDigest')
  t.equal((await drain(uploadBody(Readable.from([data]), { 'content-length': '9' }, { kind: 'unsigned' }))).error, 'IncompleteBody')
  t.equal(uploadBody(Readable.from([data]), { 'content-md5': createHash('md5').update(data).digest('base64') }, { kind: 'unsigned' }).md5Hex,
    createHash('md5').update(data).digest('hex'))
  t.throws(() => uploadBody(Readable.from([data]), { 'content-md5': 'nope' }, { kind: 'unsigned' }), { code: 'InvalidDigest' })
})
