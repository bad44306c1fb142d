// Multipart uploads through @aws-sdk/client-s3 v3, and what the completed object is: its S3
// ETag, ranges across parts, the Swift API's view of it, copies of it, deleting it.
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand,
  UploadPartCommand, UploadPartCopyCommand, PutObjectCommand
} from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import t from 'tap'
import { defaultPolicy, objectRingName } from '../../src/common/config.js'
import { nowTimestamp } from '../../src/common/timestamp.js'
import { findTarget, loadRings } from '../../src/ops/cluster.js'
import { startCluster } from '../helpers/cluster.js'
import { client, errorCode } from './helpers.js'

const cluster = await startCluster(t)
const s3 = client(cluster.url)
const MiB = 1024 * 1024
const part1 = Buffer.alloc(5 * MiB, 'a')
const part2 = Buffer.alloc(5 * MiB + 17, 'b')
const part3 = Buffer.from('the tail')
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')
const expectedEtag = `"${createHash('md5').update(Buffer.concat([part1, part2, part3].map((p) => Buffer.from(md5(p), 'hex')))).digest('hex')}-3"`

await s3.send(new CreateBucketCommand({ Bucket: 'mpu' }))

async function upload (key: string, parts: Buffer[]): Promise<{ uploadId: string, etags: string[] }> {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: key, ContentType: 'application/x-big', Metadata: { origin: 'multipart' } }))
  const uploadId = created.UploadId as string
  const etags: string[] = []
  for (const [i, body] of parts.entries()) {
    etags.push((await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body }))).ETag as string)
  }
  return { uploadId, etags }
}

t.test('complete: S3 ETag, size, metadata, listing, ranges across parts, Swift reads it whole', async (t) => {
  const { uploadId, etags } = await upload('big/object', [part1, part2, part3])
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))
  t.same(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['big/object', uploadId]])
  const parts = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'big/object', UploadId: uploadId }))
  t.same(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), [[1, part1.length, etags[0]], [2, part2.length, etags[1]], [3, part3.length, etags[2]]])
  const page = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'big/object', UploadId: uploadId, MaxParts: 2 }))
  t.same([page.Parts?.length, page.IsTruncated, page.NextPartNumberMarker], [2, true, '2'])
  const done = await s3.send(new CompleteMultipartUploadCommand({
    Bucket: 'mpu', Key: 'big/object', UploadId: uploadId,
    MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }
  }))
  t.equal(done.ETag, expectedEtag)
  const total = part1.length + part2.length + part3.length
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big/object' }))
  t.same([head.ContentLength, head.ETag, head.ContentType, head.Metadata], [total, expectedEtag, 'application/x-big', { origin: 'multipart' }])
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'mpu', Prefix: 'big/' }))
  t.same(listed.Contents?.map((c) => [c.Key, c.Size, c.ETag]), [['big/object', total, expectedEtag]])
  t.same((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads ?? [], [], 'completed uploads are gone')
  const whole = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object' }))).Body?.transformToByteArray() as Uint8Array)
  t.equal(md5(whole), md5(Buffer.concat([part1, part2, part3])))
  const across = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', Range: `bytes=${part1.length - 3}-${part1.length + 2}` }))
  t.equal(await across.Body?.transformToString(), 'aaabbb')
  t.equal(across.ContentRange, `bytes ${part1.length - 3}-${part1.length + 2}/${total}`)
  const tail = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', Range: 'bytes=-8' }))
  t.equal(await tail.Body?.transformToString(), 'the tail')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', Range: `bytes=${total}-` }))), 'InvalidRange')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', IfMatch: expectedEtag, Range: 'bytes=0-0' }))), 'ok')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', IfNoneMatch: expectedEtag }))), '304')

  const { token, storageUrl } = await cluster.auth()
  const swift = await fetch(`${storageUrl}/mpu/big/object`, { headers: { 'x-auth-token': token } })
  t.equal(swift.status, 200)
  t.equal(md5(Buffer.from(await swift.arrayBuffer())), md5(whole), 'the Swift API reads the whole object')
  const manifest = await fetch(`${storageUrl}/mpu/big/object?multipart-manifest=get`, { headers: { 'x-auth-token': token } })
  const manifestBytes = Buffer.from(await manifest.arrayBuffer())
  const rows = await (await fetch(`${storageUrl}/mpu?format=json&prefix=big/`, { headers: { 'x-auth-token': token } })).json() as Array<Record<string, unknown>>
  t.same(rows.map(({ last_modified: _, ...row }) => row), [{
    name: 'big/object', hash: md5(manifestBytes), bytes: total, content_type: 'application/x-big', slo_etag: swift.headers.get('etag'), s3_etag: expectedEtag
  }], 'Swift\'s listing row: the manifest\'s MD5, the object\'s size, both its ETags')
  const stats = await fetch(`${storageUrl}/mpu`, { method: 'HEAD', headers: { 'x-auth-token': token } })
  t.equal(stats.headers.get('x-container-bytes-used'), String(manifestBytes.length), 'the parts are counted in the segments container')
})

t.test('GetObject and HeadObject by partNumber: each part of a multipart object, a plain object as one part', async (t) => {
  const total = part1.length + part2.length + part3.length
  const starts = [0, part1.length, part1.length + part2.length]
  for (const [i, part] of [part1, part2, part3].entries()) {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: i + 1 }))
    const body = Buffer.from(await got.Body?.transformToByteArray() as Uint8Array)
    t.equal(md5(body), md5(part), `part ${i + 1}'s bytes`)
    t.same([got.$metadata.httpStatusCode, got.ContentLength, got.ContentRange, got.PartsCount, got.ETag],
      [206, part.length, `bytes ${starts[i]}-${starts[i] + part.length - 1}/${total}`, 3, expectedEtag])
  }
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 2 }))
  t.same([head.ContentLength, head.PartsCount, head.ETag], [part2.length, 3, expectedEtag])
  const matched = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 3, IfMatch: expectedEtag }))
  t.equal(await matched.Body?.transformToString(), 'the tail', 'If-Match on the whole object\'s ETag, as the SDKs\' multipart downloads send it')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 3, IfMatch: '"0123456789abcdef0123456789abcdef-3"' }))), 'PreconditionFailed')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 4 }))), 'InvalidPartNumber')
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 4 }))), '416')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 0 }))), 'InvalidArgument')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 10001 }))), 'InvalidArgument')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/object', PartNumber: 1, Range: 'bytes=0-1' }))), 'InvalidRequest')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'no/such/object', PartNumber: 1 }))), 'NoSuchKey')

  await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'plain', Body: 'one part' }))
  const plain = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'plain', PartNumber: 1 }))
  t.same([await plain.Body?.transformToString(), plain.ContentRange, plain.PartsCount], ['one part', 'bytes 0-7/8', undefined], 'a plain object is its one part')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'plain', PartNumber: 2 }))), 'InvalidPartNumber')
  await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'empty', Body: '' }))
  const empty = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'empty', PartNumber: 1 }))
  t.same([empty.$metadata.httpStatusCode, await empty.Body?.transformToString()], [200, ''], 'an empty object\'s one part is empty')

  const withEmptyTail = await upload('empty-tail', [part1, Buffer.alloc(0)])
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: 'mpu', Key: 'empty-tail', UploadId: withEmptyTail.uploadId,
    MultipartUpload: { Parts: withEmptyTail.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }
  }))
  const tail = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'empty-tail', PartNumber: 2 }))
  t.same([await tail.Body?.transformToString(), tail.ContentLength, tail.PartsCount], ['', 0, 2], 'an empty last part')
})

t.test('copies of a multipart object and copies into parts', async (t) => {
  const copied = await s3.send(new CopyObjectCommand({ Bucket: 'mpu', Key: 'copy-of-big', CopySource: 'mpu/big/object' }))
  const total = part1.length + part2.length + part3.length
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'copy-of-big' }))
  t.equal(head.ContentLength, total)
  t.equal(copied.CopyObjectResult?.ETag, `"${md5(Buffer.concat([part1, part2, part3]))}"`, 'a copy is a plain object with its own MD5')
  await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'source', Body: part1 }))
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'from-copies' }))
  const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'from-copies', UploadId: created.UploadId, PartNumber: 1, CopySource: 'mpu/source' }))
  const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'from-copies', UploadId: created.UploadId, PartNumber: 2, CopySource: 'mpu/big/object', CopySourceRange: `bytes=${part1.length}-${part1.length + 9}` }))
  const copyRange = async (range: string): Promise<string> => await errorCode(s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'from-copies', UploadId: created.UploadId, PartNumber: 3, CopySource: 'mpu/source', CopySourceRange: range })))
  t.equal(await copyRange(`bytes=0-${part1.length}`), 'InvalidArgument', 'a range past the source\'s end is refused, not cut short')
  t.equal(await copyRange(`bytes=${part1.length}-${part1.length + 5}`), 'InvalidArgument', 'a range that starts past the end too')
  t.equal(await copyRange('bytes=9-2'), 'InvalidArgument', 'and a range whose first byte is after its last')
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: 'mpu', Key: 'from-copies', UploadId: created.UploadId,
    MultipartUpload: { Parts: [{ ETag: p1.CopyPartResult?.ETag, PartNumber: 1 }, { ETag: p2.CopyPartResult?.ETag, PartNumber: 2 }] }
  }))
  const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'from-copies', Range: `bytes=${part1.length - 1}-` }))
  t.equal(await got.Body?.transformToString(), 'abbbbbbbbbb')
})

t.test('complete refuses: small parts, wrong order, unknown parts, unknown uploads; abort', async (t) => {
  const { uploadId, etags } = await upload('bad', [part3, part3])
  const complete = async (parts: Array<{ ETag?: string, PartNumber: number }>, id = uploadId): Promise<string> =>
    await errorCode(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'bad', UploadId: id, MultipartUpload: { Parts: parts } })))
  t.equal(await complete([{ ETag: etags[0], PartNumber: 1 }, { ETag: etags[1], PartNumber: 2 }]), 'EntityTooSmall')
  t.equal(await complete([{ ETag: etags[1], PartNumber: 2 }, { ETag: etags[0], PartNumber: 1 }]), 'InvalidPartOrder')
  t.equal(await complete([{ ETag: '"0123456789abcdef0123456789abcdef"', PartNumber: 1 }]), 'InvalidPart')
  t.equal(await complete([{ ETag: etags[0], PartNumber: 7 }]), 'InvalidPart')
  t.equal(await complete([{ ETag: etags[0], PartNumber: 1 }], 'NoSuchUploadId'), 'NoSuchUpload')
  t.equal(await errorCode(s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'bad', UploadId: uploadId, PartNumber: 10001, Body: 'x' }))), 'InvalidArgument')
  t.equal(await complete([{ ETag: etags[1], PartNumber: 2 }]), 'ok', 'a single last part may be small')
  const second = await upload('aborted', [part3])
  await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'aborted', UploadId: second.uploadId }))
  t.equal(await errorCode(s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'aborted', UploadId: second.uploadId }))), 'NoSuchUpload')
  t.equal(await errorCode(s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'aborted', UploadId: second.uploadId }))), 'NoSuchUpload')
  t.equal(await errorCode(s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'x', ContentType: 'text/plain;swift_bytes=5' }))), 'InvalidArgument')
  const other = client(cluster.url, 'test2:tester2', 'testing2')
  t.equal(await errorCode(other.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'x' }))), 'AccessDenied')
  t.equal(await errorCode(other.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))), 'AccessDenied')
})

t.test('complete: If-None-Match: * creates only; a retry after success answers the same', async (t) => {
  const first = await upload('once', [part3])
  const complete = async (uploadId: string, etag: string, IfNoneMatch?: string): Promise<unknown> =>
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'once', UploadId: uploadId, IfNoneMatch, MultipartUpload: { Parts: [{ ETag: etag, PartNumber: 1 }] } }))
  const done = await complete(first.uploadId, first.etags[0], '*') as { ETag?: string, Key?: string }
  const again = await complete(first.uploadId, first.etags[0]) as { ETag?: string, Key?: string }
  t.same([again.ETag, again.Key], [done.ETag, 'once'], 'a retried Complete answers as the first did')
  const second = await upload('once', [part3])
  t.equal(await errorCode(complete(second.uploadId, second.etags[0], '*')), 'PreconditionFailed')
  t.equal(await errorCode(complete(first.uploadId, first.etags[0])), 'ok', 'the object is still the first upload')
  await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'once', UploadId: second.uploadId }))
  await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'once', Body: 'plain' }))
  t.equal(await errorCode(complete(first.uploadId, first.etags[0])), 'NoSuchUpload', 'once the object is replaced, the upload is gone')
  await s3.send(new DeleteObjectCommand({ Bucket: 'mpu', Key: 'once' }))
})

t.test('part numbers up to 10,000', async (t) => {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'sparse' }))
  const last = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'sparse', UploadId: created.UploadId, PartNumber: 10000, Body: 'end' }))
  const first = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'sparse', UploadId: created.UploadId, PartNumber: 1, Body: part1 }))
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: 'mpu', Key: 'sparse', UploadId: created.UploadId,
    MultipartUpload: { Parts: [{ ETag: first.ETag, PartNumber: 1 }, { ETag: last.ETag, PartNumber: 10000 }] }
  }))
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'sparse' }))).ContentLength, part1.length + 3)
})

t.test('a manifest left on one replica still takes its segments with it', async (t) => {
  const { uploadId, etags } = await upload('mixed/object', [part1, part3])
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: 'mpu', Key: 'mixed/object', UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }
  }))
  const target = await findTarget({ data: cluster.layout.dataDir })
  const policy = defaultPolicy(target.cluster.policies)
  const ring = (await loadRings(target.cluster)).get(objectRingName(policy.index))
  if (ring === undefined) throw new Error('no object ring')
  const { part, nodes } = ring.getNodes('AUTH_test', 'mpu', 'mixed/object')
  // Tombstones straight on two primaries, as if a deletion had reached only them.
  for (const d of nodes.slice(0, 2)) {
    const res = await fetch(`http://${d.ip}:${d.port}/${d.device}/${part}/AUTH_test/mpu/mixed/object`, {
      method: 'DELETE', headers: { 'x-timestamp': nowTimestamp(), 'x-backend-storage-policy-index': String(policy.index) }
    })
    t.equal(res.status, 204)
  }
  await s3.send(new DeleteObjectCommand({ Bucket: 'mpu', Key: 'mixed/object' }))
  const { token, storageUrl } = await cluster.auth()
  const segments = await fetch(`${storageUrl}/mpu+segments?format=json&prefix=mixed/`, { headers: { 'x-auth-token': token } })
  t.same(segments.status === 200 ? await segments.json() : [], [], 'the segments are gone')
  t.equal((await fetch(`${storageUrl}/mpu/mixed/object`, { headers: { 'x-auth-token': token } })).status, 404)
})

t.test('deleting a multipart object removes its segments', async (t) => {
  await s3.send(new DeleteObjectCommand({ Bucket: 'mpu', Key: 'big/object' }))
  const { token, storageUrl } = await cluster.auth()
  const segments = await fetch(`${storageUrl}/mpu+segments?format=json&prefix=big/`, { headers: { 'x-auth-token': token } })
  t.same(segments.status === 200 ? await segments.json() : [], [])
})
