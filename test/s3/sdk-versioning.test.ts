// S3 bucket versioning through @aws-sdk/client-s3 v3 against a real cluster: the bucket's state,
// versions written by PUT, copy and multipart completion, reads and deletes by versionId,
// delete markers, ListObjectVersions with its paging, DeleteObjects with versions, Suspended.
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand,
  DeleteObjectCommand, DeleteObjectsCommand, GetBucketVersioningCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListBucketsCommand,
  ListObjectVersionsCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3ServiceException, UploadPartCommand,
  UploadPartCopyCommand, type ListObjectVersionsCommandOutput, type S3Client
} from '@aws-sdk/client-s3'
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { client, errorCode } from './helpers.js'

const cluster = await startCluster(t)
const s3 = client(cluster.url)
const Bucket = 'vers'

const text = async (c: S3Client, Key: string, VersionId?: string): Promise<string> =>
  await (await c.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body?.transformToString() ?? ''
const put = async (Key: string, Body: string): Promise<string> =>
  (await s3.send(new PutObjectCommand({ Bucket, Key, Body }))).VersionId ?? 'none'
/** [key, id, latest] of every version and, marked `*`, delete marker. */
const versionsOf = (out: ListObjectVersionsCommandOutput): Array<[string, string, boolean]> => [
  ...(out.Versions ?? []).map((v): [string, string, boolean] => [v.Key ?? '', v.VersionId ?? '', v.IsLatest ?? false]),
  ...(out.DeleteMarkers ?? []).map((m): [string, string, boolean] => [`${m.Key ?? ''}*`, m.VersionId ?? '', m.IsLatest ?? false])
]
async function failure (p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p
  } catch (err) {
    if (err instanceof S3ServiceException) return err
    throw err
  }
  throw new Error('expected a failure')
}

t.test('state: never set, Enabled, MFA delete refused', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket }))
  t.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, undefined)
  t.equal(await put('k', 'v0'), 'none', 'no version id before versioning')
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }))
  t.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled')
  t.equal(await errorCode(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' } }))), 'NotImplemented')
  const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)
  t.same(names, [Bucket], 'the archive is not a bucket')
})

t.test('versions: written, read by id, listed newest first', async (t) => {
  const v1 = await put('k', 'v1')
  const v2 = await put('k', 'v2')
  t.match(v1, /^\d{10}\.\d{5}$/, 'a version id is a timestamp')
  t.ok(v2 > v1)
  t.equal(await text(s3, 'k'), 'v2')
  t.equal(await text(s3, 'k', v1), 'v1')
  t.equal(await text(s3, 'k', 'null'), 'v0', 'the version from before versioning is "null"')
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: v1 }))
  t.equal(got.VersionId, v1)
  await got.Body?.transformToString()
  t.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).VersionId, v2)
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: '1000000000.00000' }))), 'NoSuchVersion')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: 'bogus' }))), 'InvalidArgument')
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }))
  t.same(versionsOf(listed), [['k', v2, true], ['k', v1, false], ['k', 'null', false]])
  t.same((await s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((c) => c.Key), ['k'], 'a plain listing shows current objects')
})

t.test('delete markers: written by DELETE, read as such, removed by id', async (t) => {
  const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }))
  t.equal(del.DeleteMarker, true)
  const marker = del.VersionId as string
  t.match(marker, /^\d{10}\.\d{5}$/)
  const missing = await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'k' })))
  t.equal(missing.name, 'NoSuchKey')
  t.equal(missing.$response?.headers['x-amz-delete-marker'], 'true')
  t.equal(missing.$response?.headers['x-amz-version-id'], marker)
  const byId = await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: marker })))
  t.equal(byId.$metadata.httpStatusCode, 405)
  t.equal(byId.$response?.headers['x-amz-delete-marker'], 'true')
  t.ok(byId.$response?.headers['last-modified'], 'the marker says when it was written')
  t.equal((await failure(s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: marker })))).$metadata.httpStatusCode, 405)
  t.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket, Key: 'k2', CopySource: `${Bucket}/k?versionId=${marker}` }))), 'InvalidRequest',
    'a marker is no copy source')
  t.equal(await errorCode(s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'k', VersionId: marker }))), 'MethodNotAllowed')
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }))
  t.same(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[marker, true]])
  t.ok(listed.Versions?.every((v) => v.IsLatest === false), 'no version is the latest')
  const undo = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: marker }))
  t.equal(undo.DeleteMarker, true)
  t.equal(undo.VersionId, marker)
  t.equal(await text(s3, 'k'), 'v2', 'removing the marker brings the last version back')
})

t.test('deleting the current version by id makes the previous one current', async (t) => {
  const [v2, v1] = (await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'k' }))).Versions?.map((v) => v.VersionId) ?? []
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v2 }))
  t.equal(await text(s3, 'k'), 'v1')
  t.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).VersionId, v1, 'it keeps its id')
  t.same(versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket }))), [['k', v1 as string, true], ['k', 'null', false]])
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: v2 }))), 'NoSuchVersion')
})

t.test('copies of a version, and multipart completion, are versions too', async (t) => {
  const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'k', CopySource: `${Bucket}/k?versionId=null` }))
  t.equal(copy.CopySourceVersionId, 'null')
  t.match(copy.VersionId, /^\d{10}\.\d{5}$/)
  t.equal(await text(s3, 'k'), 'v0')
  t.equal((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'k' }))).Versions?.length, 3)
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'k' }))
  const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'k', UploadId: created.UploadId, PartNumber: 1, Body: 'multipart' }))
  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'k', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))
  t.match(done.VersionId, /^\d{10}\.\d{5}$/)
  t.equal(await text(s3, 'k'), 'multipart')
  await put('k', 'after')
  t.equal(await text(s3, 'k', done.VersionId), 'multipart', 'a large object is kept as a version')
  t.equal(await text(s3, 'k', copy.VersionId), 'v0')
})

t.test('ListObjectVersions pages through keys, versions, prefixes and markers', async (t) => {
  for (const key of ['a/1', 'a/2', 'b', 'c d']) {
    await put(key, `${key}.1`)
    await put(key, `${key}.2`)
  }
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'b' }))
  const whole = versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket })))
  const paged: Array<[string, string, boolean]> = []
  let KeyMarker: string | undefined
  let VersionIdMarker: string | undefined
  for (let pages = 0; pages < 50; pages++) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 2, KeyMarker, VersionIdMarker }))
    paged.push(...versionsOf(page))
    if (page.IsTruncated !== true) break
    KeyMarker = page.NextKeyMarker
    VersionIdMarker = page.NextVersionIdMarker
  }
  const order = (l: Array<[string, string, boolean]>): string[] => l.map(([k, v, latest]) => `${k}|${v}|${latest}`).sort()
  t.same(order(paged), order(whole), 'pages of two give the whole listing')
  t.equal(whole.length, 14)
  const byKey = whole.filter(([k]) => !k.endsWith('*')).map(([k]) => k)
  t.same(byKey, [...byKey].sort(), 'versions in key order')
  t.same(whole.filter(([k]) => k === 'b*'), [['b*', whole.find(([k]) => k === 'b*')?.[1], true]], 'the marker is the latest of b')

  const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket, Delimiter: '/' }))
  t.same(rolled.CommonPrefixes?.map((p) => p.Prefix), ['a/'])
  t.notOk(rolled.Versions?.some((v) => v.Key?.startsWith('a/')))
  const under = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'a/', MaxKeys: 3 }))
  t.same(under.Versions?.map((v) => [v.Key, v.IsLatest]), [['a/1', true], ['a/1', false], ['a/2', true]])
  t.equal(under.NextKeyMarker, 'a/2')
  const prefixPage = await s3.send(new ListObjectVersionsCommand({ Bucket, Delimiter: '/', MaxKeys: 1 }))
  t.same([prefixPage.CommonPrefixes?.map((p) => p.Prefix), prefixPage.NextKeyMarker], [['a/'], 'a/'])
  const afterPrefix = await s3.send(new ListObjectVersionsCommand({ Bucket, Delimiter: '/', KeyMarker: 'a/', MaxKeys: 1 }))
  t.same(versionsOf(afterPrefix).map(([k]) => k), ['b*'], 'resuming after a common prefix skips its keys')
  const encoded = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'c', EncodingType: 'url' }))
  t.same(encoded.Versions?.map((v) => v.Key), ['c%20d', 'c%20d'])
  t.equal(await errorCode(s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: 'b', VersionIdMarker: 'x' }))), 'InvalidArgument')
})

t.test('DeleteObjects with and without version ids', async (t) => {
  const [a2new, a2old] = (await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'a/2' }))).Versions?.map((v) => v.VersionId) ?? []
  const out = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'a/1' }, { Key: 'a/2', VersionId: a2old }] } }))
  const a1 = out.Deleted?.find((d) => d.Key === 'a/1')
  t.equal(a1?.DeleteMarker, true)
  t.match(a1?.DeleteMarkerVersionId, /^\d{10}\.\d{5}$/)
  t.equal(out.Deleted?.find((d) => d.Key === 'a/2')?.VersionId, a2old)
  t.same((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'a/2' }))).Versions?.map((v) => v.VersionId), [a2new])
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket, Key: 'a/1' }))), 'NoSuchKey')
  const undo = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'a/1', VersionId: a1?.DeleteMarkerVersionId }] } }))
  t.same([undo.Deleted?.[0].DeleteMarker, undo.Deleted?.[0].DeleteMarkerVersionId], [true, a1?.DeleteMarkerVersionId])
  t.equal(await text(s3, 'a/1'), 'a/1.2')
})

t.test('Suspended: writes replace the null version, older versions stay', async (t) => {
  const v1 = await put('s', 's1')
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }))
  t.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Suspended')
  t.equal(await put('s', 's2'), 'null')
  t.equal(await put('s', 's3'), 'null')
  t.same(versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 's' }))), [['s', 'null', true], ['s', v1, false]])
  t.equal(await text(s3, 's', v1), 's1')
  const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 's' }))
  t.same([del.DeleteMarker, del.VersionId], [true, 'null'])
  t.same(versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 's' }))), [['s', v1, false], ['s*', 'null', true]],
    'the null version made way for a null delete marker')
  t.equal(await put('s', 's4'), 'null')
  t.same(versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 's' }))), [['s', 'null', true], ['s', v1, false]])
  t.equal(await errorCode(s3.send(new DeleteBucketCommand({ Bucket }))), 'BucketNotEmpty')
})

t.test('writes through the Swift API to a versioned bucket are versions too', async (t) => {
  const B = 'vers-swift'
  await s3.send(new CreateBucketCommand({ Bucket: B }))
  await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }))
  const { token, storageUrl } = await cluster.auth()
  const swift = async (method: string, name: string, body?: string, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${storageUrl}/${B}/${name}`, { method, body, headers: { 'x-auth-token': token, ...headers } })
    await res.arrayBuffer()
    return res
  }
  const read = async (Key: string, VersionId?: string): Promise<string> =>
    await (await s3.send(new GetObjectCommand({ Bucket: B, Key, VersionId }))).Body?.transformToString() ?? ''
  const listed = async (Prefix: string): Promise<Array<[string, string, boolean]>> =>
    versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix })))
  const id = /^\d{10}\.\d{5}$/

  const first = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 's3 write' }))).VersionId as string
  t.equal((await swift('PUT', 'k', 'swift write')).status, 201)
  const second = (await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'k' }))).VersionId as string
  t.match(second, id, 'a Swift write gets a version id')
  t.equal((await swift('PUT', 'k', 'swift again')).status, 201)
  const third = (await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'k' }))).VersionId as string
  t.same(await listed('k'), [['k', third, true], ['k', second, false], ['k', first, false]])
  t.same([await read('k', first), await read('k', second), await read('k')], ['s3 write', 'swift write', 'swift again'])

  t.equal((await swift('PUT', 'c', 'c1')).status, 201)
  t.equal((await swift('COPY', 'k', undefined, { destination: `${B}/c` })).status, 201)
  t.equal((await listed('c')).length, 2, 'a Swift COPY onto a versioned name keeps what it replaced')
  t.equal(await read('c'), 'swift again')

  t.equal((await swift('DELETE', 'k')).status, 204)
  const missing = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' })))
  t.equal(missing.$response?.headers['x-amz-delete-marker'], 'true', 'a Swift DELETE leaves a delete marker')
  const marker = missing.$response?.headers['x-amz-version-id'] as string
  t.equal((await swift('GET', 'k')).status, 404)
  t.equal((await swift('DELETE', 'k')).status, 404, 'deleting what is already deleted answers 404')
  t.same(await listed('k'), [['k', third, false], ['k', second, false], ['k', first, false], ['k*', marker, true]], 'and writes no second marker')
  await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: marker }))
  t.equal(await (await fetch(`${storageUrl}/${B}/k`, { headers: { 'x-auth-token': token } })).text(), 'swift again', 'the marker removed, Swift reads the last version')

  await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } }))
  t.equal((await swift('PUT', 'k', 'suspended 1')).status, 201)
  t.equal((await swift('PUT', 'k', 'suspended 2')).status, 201)
  t.same(await listed('k'), [['k', 'null', true], ['k', third, false], ['k', second, false], ['k', first, false]],
    'while Suspended a Swift write replaces the null version')
  t.equal(await read('k', 'null'), 'suspended 2')
})

t.test('UploadPartCopy copies the version its source names', async (t) => {
  const B = 'vers-partcopy'
  await s3.send(new CreateBucketCommand({ Bucket: B }))
  await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }))
  const old = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'old bytes' }))).VersionId as string
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'new bytes' }))
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'dest' }))
  const part = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'dest', UploadId: created.UploadId, PartNumber: 1, CopySource: `${B}/src?versionId=${old}` }))
  t.equal(part.CopySourceVersionId, old)
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: B, Key: 'dest', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] }
  }))
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: 'dest' }))).Body?.transformToString(), 'old bytes')
})

t.test('conditional writes: a refused one leaves the versions, a delete marker counts as no object', async (t) => {
  const Bucket = 'vers-cond'
  await s3.send(new CreateBucketCommand({ Bucket }))
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }))
  const read = async (VersionId?: string): Promise<string> =>
    await (await s3.send(new GetObjectCommand({ Bucket, Key: 'cond', VersionId }))).Body?.transformToString() ?? ''
  const versions = async (): Promise<Array<[string, string, boolean]>> => versionsOf(await s3.send(new ListObjectVersionsCommand({ Bucket })))
  const first = await s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c1', IfNoneMatch: '*' }))
  const before = await versions()
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c2', IfNoneMatch: '*' }))), 'PreconditionFailed')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c2', IfMatch: '"0123456789abcdef0123456789abcdef"' }))), 'PreconditionFailed')
  t.same(await versions(), before, 'nothing archived')
  const second = await s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c2', IfMatch: first.ETag }))
  t.equal(await read(first.VersionId), 'c1', 'the version replaced is kept')
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'cond' }))
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c3', IfMatch: second.ETag }))), 'NoSuchKey')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'c3', IfNoneMatch: '*' }))), 'ok')
  t.equal(await read(), 'c3')
})
