// Object and bucket tagging through @aws-sdk/client-s3 v3 against a real cluster: tags set with
// PutObject, the *Tagging calls, copies (both directives), multipart uploads and versions; the
// tag count on GetObject; S3's limits; who may read and change them.
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand, GetBucketTaggingCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand,
  PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand, PutObjectTaggingCommand, UploadPartCommand, type Tag
} from '@aws-sdk/client-s3'
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { client, errorCode } from './helpers.js'

const cluster = await startCluster(t)
const s3 = client(cluster.url)
const tester3 = client(cluster.url, 'test:tester3', 'testing3')
const Bucket = 'tags'
await s3.send(new CreateBucketCommand({ Bucket }))

const tagsOf = async (Key: string, VersionId?: string): Promise<Array<[string, string]>> =>
  ((await s3.send(new GetObjectTaggingCommand({ Bucket, Key, VersionId }))).TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])
const tagCount = async (Key: string): Promise<number | undefined> => {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key }))
  await got.Body?.transformToString()
  return got.TagCount
}
const set = (pairs: Array<[string, string]>): Tag[] => pairs.map(([Key, Value]) => ({ Key, Value }))

t.test('tags from PutObject, replaced and removed by the tagging calls, metadata and data untouched', async (t) => {
  const put = await s3.send(new PutObjectCommand({
    Bucket, Key: 'k', Body: 'data', ContentType: 'text/x-tagged', Metadata: { owner: 'me' }, Tagging: 'project=ring store&tier=2'
  }))
  t.same(await tagsOf('k'), [['project', 'ring store'], ['tier', '2']])
  t.equal(await tagCount('k'), 2, 'GetObject answers x-amz-tagging-count')
  await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'k', Tagging: { TagSet: set([['é', 'ü/+=.:_@-'], ['empty', '']]) } }))
  t.same(await tagsOf('k'), [['é', 'ü/+=.:_@-'], ['empty', '']])
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))
  t.same([head.ETag, head.ContentType, head.Metadata], [put.ETag, 'text/x-tagged', { owner: 'me' }], 'retagging keeps metadata and ETag')
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body?.transformToString(), 'data')
  await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'k' }))
  t.same(await tagsOf('k'), [])
  t.equal(await tagCount('k'), undefined, 'no count without tags')
  t.equal(await errorCode(s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'missing' }))), 'NoSuchKey')
  t.equal(await errorCode(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'missing', Tagging: { TagSet: [] } }))), 'NoSuchKey')
})

t.test('S3\'s limits: ten tags, unique keys, key and value lengths and alphabet', async (t) => {
  const eleven = Array.from({ length: 11 }, (_v, i): [string, string] => [`k${i}`, 'v'])
  const refused = async (pairs: Array<[string, string]>): Promise<string> =>
    await errorCode(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'k', Tagging: { TagSet: set(pairs) } })))
  t.equal(await refused(eleven), 'InvalidTag')
  t.equal(await refused(eleven.slice(0, 10)), 'ok', 'ten are allowed')
  t.equal(await refused([['a', '1'], ['a', '2']]), 'InvalidTag')
  t.equal(await refused([['k'.repeat(129), 'v']]), 'InvalidTag')
  t.equal(await refused([['k', 'v'.repeat(257)]]), 'InvalidTag')
  t.equal(await refused([['aws:reserved', 'v']]), 'InvalidTag')
  t.equal(await refused([['semi;colon', 'v']]), 'InvalidTag')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'bad', Body: 'x', Tagging: 'a=1&a=2' }))), 'InvalidTag')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket, Key: 'bad' }))), 'NoSuchKey', 'a refused PutObject stores nothing')
})

t.test('copies keep the source\'s tags unless the tagging directive is REPLACE', async (t) => {
  await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'source', Tagging: 'from=source' }))
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'copied', CopySource: `${Bucket}/src` }))
  t.same(await tagsOf('copied'), [['from', 'source']])
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'new-meta', CopySource: `${Bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { m: '1' } }))
  t.same(await tagsOf('new-meta'), [['from', 'source']], 'new metadata, the same tags')
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'new-tags', CopySource: `${Bucket}/src`, TaggingDirective: 'REPLACE', Tagging: 'from=copy' }))
  t.same(await tagsOf('new-tags'), [['from', 'copy']])
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'no-tags', CopySource: `${Bucket}/src`, TaggingDirective: 'REPLACE' }))
  t.same(await tagsOf('no-tags'), [])
})

t.test('a multipart upload\'s tags go to the completed object', async (t) => {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu', Tagging: 'kind=multipart' }))
  const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu', UploadId: created.UploadId, PartNumber: 1, Body: 'one part' }))
  await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mpu', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))
  t.same(await tagsOf('mpu'), [['kind', 'multipart']])
  await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'mpu', Tagging: { TagSet: set([['kind', 'retagged']]) } }))
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'mpu' }))).Body?.transformToString(), 'one part', 'a retagged large object is still whole')
})

t.test('versions keep their own tags', async (t) => {
  const Versioned = 'tags-versioned'
  await s3.send(new CreateBucketCommand({ Bucket: Versioned }))
  await s3.send(new PutBucketVersioningCommand({ Bucket: Versioned, VersioningConfiguration: { Status: 'Enabled' } }))
  const v1 = (await s3.send(new PutObjectCommand({ Bucket: Versioned, Key: 'k', Body: '1', Tagging: 'v=1' }))).VersionId
  const v2 = (await s3.send(new PutObjectCommand({ Bucket: Versioned, Key: 'k', Body: '2', Tagging: 'v=2' }))).VersionId
  const current = await s3.send(new GetObjectTaggingCommand({ Bucket: Versioned, Key: 'k' }))
  t.same([current.VersionId, current.TagSet], [v2, [{ Key: 'v', Value: '2' }]])
  const retagged = await s3.send(new PutObjectTaggingCommand({ Bucket: Versioned, Key: 'k', VersionId: v1, Tagging: { TagSet: set([['v', 'one']]) } }))
  t.equal(retagged.VersionId, v1)
  const old = await s3.send(new GetObjectTaggingCommand({ Bucket: Versioned, Key: 'k', VersionId: v1 }))
  t.same([old.VersionId, old.TagSet], [v1, [{ Key: 'v', Value: 'one' }]])
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: Versioned, Key: 'k', VersionId: v1 }))).Body?.transformToString(), '1')
  t.equal(await errorCode(s3.send(new GetObjectTaggingCommand({ Bucket: Versioned, Key: 'k', VersionId: '1000000000.00000' }))), 'NoSuchVersion')
})

t.test('bucket tags: none until set, fifty at most, owner only', async (t) => {
  t.equal(await errorCode(s3.send(new GetBucketTaggingCommand({ Bucket }))), 'NoSuchTagSet')
  await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: set([['cost-center', '42'], ['team', 'storage']]) } }))
  t.same((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, set([['cost-center', '42'], ['team', 'storage']]))
  const fiftyOne = Array.from({ length: 51 }, (_v, i): [string, string] => [`k${i}`, 'v'])
  t.equal(await errorCode(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: set(fiftyOne) } }))), 'InvalidTag')
  t.equal(await errorCode(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: set(fiftyOne.slice(0, 50)) } }))), 'ok')
  t.equal(await errorCode(tester3.send(new GetBucketTaggingCommand({ Bucket }))), 'AccessDenied')
  t.equal(await errorCode(tester3.send(new PutObjectTaggingCommand({ Bucket, Key: 'k', Tagging: { TagSet: [] } }))), 'AccessDenied')
  t.equal(await errorCode(tester3.send(new GetObjectTaggingCommand({ Bucket, Key: 'k' }))), 'AccessDenied')
  await s3.send(new DeleteBucketTaggingCommand({ Bucket }))
  t.equal(await errorCode(s3.send(new GetBucketTaggingCommand({ Bucket }))), 'NoSuchTagSet')
  t.equal(await errorCode(s3.send(new GetBucketTaggingCommand({ Bucket: 'no-such-bucket' }))), 'NoSuchBucket')
})
