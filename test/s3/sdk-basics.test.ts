// The S3 API through @aws-sdk/client-s3 v3 (its default checksums and streaming) against a real
// cluster: buckets, objects, listings, copies, deletes, checksums, and the same operations denied.
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketLocationCommand,
  GetBucketVersioningCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectVersionsCommand,
  ListObjectsCommand, ListObjectsV2Command, PutObjectCommand
} from '@aws-sdk/client-s3'
import aws4 from 'aws4'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { Readable } from 'node:stream'
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { client, errorCode } from './helpers.js'

const cluster = await startCluster(t)
const s3 = client(cluster.url)
const other = client(cluster.url, 'test2:tester2', 'testing2')
const nonAdmin = client(cluster.url, 'test:tester3', 'testing3')

t.test('buckets: create, conflicts, names, location, head, list, versioning, delete', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }))
  t.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: 'alpha' }))), 'BucketAlreadyOwnedByYou')
  t.equal(await errorCode(other.send(new CreateBucketCommand({ Bucket: 'alpha' }))), 'BucketAlreadyExists')
  t.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' }))), 'InvalidBucketName')
  t.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: 'ab' }))), 'InvalidBucketName')
  t.equal(await errorCode(nonAdmin.send(new CreateBucketCommand({ Bucket: 'not-mine' }))), 'AccessDenied')
  await s3.send(new CreateBucketCommand({ Bucket: 'silver-bucket', CreateBucketConfiguration: { LocationConstraint: 'silver' as never } }))
  t.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'silver-bucket' }))).LocationConstraint, 'silver')
  t.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha' }))).LocationConstraint, undefined)
  t.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: 'nowhere', CreateBucketConfiguration: { LocationConstraint: 'platinum' as never } }))), 'InvalidLocationConstraint')
  t.equal(await errorCode(s3.send(new HeadBucketCommand({ Bucket: 'alpha' }))), 'ok')
  t.equal(await errorCode(s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' }))), 'NotFound')
  const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)
  t.same(names, ['alpha', 'silver-bucket'])
  t.equal(await errorCode(nonAdmin.send(new ListBucketsCommand({}))), 'AccessDenied', 'a non-admin user may not list the account')
  const { token, storageUrl } = await cluster.auth()
  const setAcl = async (value: string): Promise<number> =>
    (await fetch(storageUrl, { method: 'POST', headers: { 'x-auth-token': token, 'x-account-access-control': value } })).status
  t.equal(await setAcl('{"read-only":["test:tester3"]}'), 204)
  t.same((await nonAdmin.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), names, 'unless an account ACL lets them read it')
  t.equal(await setAcl(''), 204)
  t.same((await s3.send(new GetBucketVersioningCommand({ Bucket: 'alpha' }))).Status, undefined)
  await s3.send(new PutObjectCommand({ Bucket: 'silver-bucket', Key: 'x', Body: 'x' }))
  t.equal(await errorCode(s3.send(new DeleteBucketCommand({ Bucket: 'silver-bucket' }))), 'BucketNotEmpty')
  await s3.send(new DeleteObjectCommand({ Bucket: 'silver-bucket', Key: 'x' }))
  await s3.send(new DeleteBucketCommand({ Bucket: 'silver-bucket' }))
  t.equal(await errorCode(s3.send(new HeadBucketCommand({ Bucket: 'silver-bucket' }))), 'NotFound')
  t.equal(await errorCode(s3.send(new DeleteBucketCommand({ Bucket: 'silver-bucket' }))), 'NoSuchBucket')
  await other.send(new CreateBucketCommand({ Bucket: 'silver-bucket' }))
  t.pass('a deleted bucket name is free again')
})

t.test('objects: put, get, ranges, conditionals, overrides, metadata, head, delete', async (t) => {
  const body = 'The quick brown fox jumps over the lazy dog'
  const put = await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', Body: body, ContentType: 'text/plain', Metadata: { color: 'brown' }, CacheControl: 'no-cache' }))
  const md5 = createHash('md5').update(body).digest('hex')
  t.equal(put.ETag, `"${md5}"`)
  const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt' }))
  t.equal(await got.Body?.transformToString(), body)
  t.same(got.Metadata, { color: 'brown' })
  t.equal(got.ContentType, 'text/plain')
  t.equal(got.CacheControl, 'no-cache')
  const range = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', Range: 'bytes=4-8' }))
  t.equal(await range.Body?.transformToString(), 'quick')
  t.equal(range.ContentRange, `bytes 4-8/${body.length}`)
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', Range: 'bytes=1000-' }))), 'InvalidRange')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', IfNoneMatch: `"${md5}"` }))), '304')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', IfMatch: '"0000"' }))), 'PreconditionFailed')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', IfModifiedSince: new Date(Date.now() + 3600_000) }))), '304')
  const overridden = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt', ResponseContentType: 'application/x-fox', ResponseContentDisposition: 'attachment' }))
  t.equal(overridden.ContentType, 'application/x-fox')
  t.equal(overridden.ContentDisposition, 'attachment')
  await overridden.Body?.transformToString()
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt' }))
  t.equal(head.ContentLength, body.length)
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'nope' }))), 'NoSuchKey')
  // A swift_* parameter would be taken for Swift's own (swift_bytes: the listed size).
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'swift-param', Body: body, ContentType: 'text/plain;swift_bytes=5' }))), 'InvalidArgument')
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'swift-param' }))), 'NotFound')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'classy', Body: body, StorageClass: 'PLATINUM' as never }))), 'InvalidStorageClass')
  await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'classy', Body: body, StorageClass: 'STANDARD_IA' }))
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'classy' }))).ContentLength, body.length, 'a class S3 defines is accepted')
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'nope' }))), 'NotFound')
  t.equal(await errorCode(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'nope' }))), 'NoSuchBucket')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'md5', Body: 'abc', ContentMD5: createHash('md5').update('abd').digest('base64') }))), 'BadDigest')
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'md5' }))), 'NotFound', 'a bad digest stores nothing')
  await s3.send(new DeleteObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt' }))
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt' }))), 'NotFound')
  t.equal(await errorCode(s3.send(new DeleteObjectCommand({ Bucket: 'alpha', Key: 'dir/fox.txt' }))), 'ok', 'deleting a missing key succeeds')
})

t.test('conditional writes: If-None-Match: * creates only, If-Match replaces only that ETag', async (t) => {
  const Bucket = 'alpha'
  const first = await s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'one', IfNoneMatch: '*' }))
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'two', IfNoneMatch: '*' }))), 'PreconditionFailed')
  const text = async (): Promise<string> => await (await s3.send(new GetObjectCommand({ Bucket, Key: 'lock' }))).Body?.transformToString() ?? ''
  t.equal(await text(), 'one', 'a refused write leaves the object')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'two', IfMatch: '"0123456789abcdef0123456789abcdef"' }))), 'PreconditionFailed')
  const second = await s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'two', IfMatch: first.ETag }))
  t.equal(await text(), 'two')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'three', IfMatch: first.ETag }))), 'PreconditionFailed', 'the ETag it replaced is gone')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'three', IfMatch: (second.ETag as string).replaceAll('"', '') }))), 'ok', 'an unquoted ETag matches too')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'x', IfNoneMatch: second.ETag }))), 'NotImplemented', 'If-None-Match takes only *')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'no-lock', Body: 'x', IfMatch: first.ETag }))), 'NoSuchKey')
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'lock' }))
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket, Key: 'lock', Body: 'again', IfNoneMatch: '*' }))), 'ok', 'a deleted key may be created again')
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'lock' }))
})

t.test('checksums: every algorithm verified, stored and returned; streamed bodies with trailers', async (t) => {
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: `sum-${alg}`, Body: `body for ${alg}`, ChecksumAlgorithm: alg }))
    const field = `Checksum${alg}` as const
    t.ok(put[field], `${alg} answered`)
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: `sum-${alg}`, ChecksumMode: 'ENABLED' }))
    t.equal(head[field], put[field], `${alg} stored`)
  }
  const stream = Readable.from([Buffer.alloc(300_000, 7), Buffer.alloc(100_000, 8)])
  const put = await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'streamed', Body: stream, ContentLength: 400_000, ChecksumAlgorithm: 'CRC32C' }))
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'streamed', ChecksumMode: 'ENABLED' }))
  t.equal(head.ContentLength, 400_000)
  t.equal(head.ChecksumCRC32C, put.ChecksumCRC32C)
  t.equal(head.ContentEncoding, undefined, 'aws-chunked framed the upload only')
  const gzip = Readable.from([Buffer.alloc(1000, 9)])
  await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'streamed-gzip', Body: gzip, ContentLength: 1000, ChecksumAlgorithm: 'CRC32', ContentEncoding: 'gzip' }))
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'streamed-gzip' }))).ContentEncoding, 'gzip')
  t.equal(await errorCode(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'liar', Body: 'abc', ChecksumSHA256: createHash('sha256').update('abd').digest('base64') }))), 'BadDigest')
})

t.test('raw UTF-8 in signed headers: accepted, stored and read back as sent, through S3 and Swift', async (t) => {
  const title = 'voilà café 日本'
  const disposition = 'attachment; filename="résumé.txt"'
  // What a Go or PHP SDK sends: the UTF-8 bytes themselves, signed as they are.
  const send = async (method: string, headers: Record<string, string>): Promise<Response> => {
    const signed = aws4.sign({ host: new URL(cluster.url).host, path: '/alpha/utf8-meta', method, service: 's3', region: 'us-east-1', headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
    const raw = Object.entries(signed.headers ?? {}).map(([k, v]): [string, string] => [k, Buffer.from(String(v)).toString('latin1')])
    return await fetch(`${cluster.url}/alpha/utf8-meta`, { method, headers: raw, ...(method === 'PUT' ? { body: 'x' } : {}) })
  }
  const utf8 = (res: Response, name: string): string => Buffer.from(res.headers.get(name) ?? '', 'latin1').toString()
  const put = await send('PUT', { 'x-amz-meta-title': title, 'content-disposition': disposition })
  t.equal(put.status, 200, await put.text())
  const head = await send('HEAD', {})
  t.same([utf8(head, 'x-amz-meta-title'), utf8(head, 'content-disposition')], [title, disposition])
  const { token, storageUrl } = await cluster.auth()
  const swift = await fetch(`${storageUrl}/alpha/utf8-meta`, { method: 'HEAD', headers: { 'x-auth-token': token } })
  t.same([utf8(swift, 'x-object-meta-title'), utf8(swift, 'content-disposition')], [title, disposition])
})

t.test('listings: v1, v2, prefixes, delimiters, pages, start-after, url encoding, versions', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket: 'listing' }))
  const keys = ['a/1', 'a/2', 'b/1', 'c', 'd e+f', 'é/x']
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }))
  const all = await s3.send(new ListObjectsV2Command({ Bucket: 'listing' }))
  t.same(all.Contents?.map((c) => c.Key), keys)
  t.equal(all.KeyCount, keys.length)
  const delimited = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }))
  t.same(delimited.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/', 'é/'])
  t.same(delimited.Contents?.map((c) => c.Key), ['c', 'd e+f'])
  const seen: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }))
    seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string), ...(page.Contents ?? []).map((c) => c.Key as string))
    token = page.NextContinuationToken
  } while (token !== undefined)
  t.same(seen.sort(), ['a/', 'b/', 'c', 'd e+f', 'é/'].sort(), 'paging over common prefixes repeats none')
  t.same((await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/' }))).Contents?.map((c) => c.Key), ['a/1', 'a/2'])
  t.same((await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'b/1' }))).Contents?.map((c) => c.Key), ['c', 'd e+f', 'é/x'])
  const owned = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', FetchOwner: true, MaxKeys: 1 }))
  t.equal(owned.Contents?.[0].Owner?.ID, 'AUTH_test')
  t.equal(owned.IsTruncated, true)
  const encoded = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', EncodingType: 'url', Prefix: 'd' }))
  t.same(encoded.Contents?.map((c) => c.Key), ['d%20e%2Bf'], 'the SDK leaves url-encoded keys as sent')
  const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'a/2', MaxKeys: 2 }))
  t.same(v1.Contents?.map((c) => c.Key), ['b/1', 'c'])
  t.equal(v1.IsTruncated, true)
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'listing', Prefix: 'a/' }))
  t.same(versions.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]), [['a/1', 'null', true], ['a/2', 'null', true]])
  t.equal(await errorCode(s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: -1 }))), 'InvalidArgument')
})

t.test('copies: COPY and REPLACE directives, conditions, onto itself', async (t) => {
  await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'src', Body: 'copy me', ContentType: 'text/x-src', Metadata: { k: 'v' } }))
  const copied = await s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst', CopySource: 'alpha/src' }))
  t.equal(copied.CopyObjectResult?.ETag, `"${createHash('md5').update('copy me').digest('hex')}"`)
  const dst = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'dst' }))
  t.same([dst.ContentType, dst.Metadata], ['text/x-src', { k: 'v' }])
  await s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst2', CopySource: 'alpha/src', MetadataDirective: 'REPLACE', ContentType: 'text/x-new', Metadata: { n: 'w' } }))
  const dst2 = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'dst2' }))
  t.same([dst2.ContentType, dst2.Metadata], ['text/x-new', { n: 'w' }])
  t.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst3', CopySource: 'alpha/src', CopySourceIfMatch: '"nope"' }))), 'PreconditionFailed')
  t.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst3', CopySource: 'alpha/src', CopySourceIfNoneMatch: copied.CopyObjectResult?.ETag }))),
    'PreconditionFailed', 'a failed if-none-match is no 304 for a copy')
  t.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'src', CopySource: 'alpha/src' }))), 'InvalidRequest')
  t.equal(await errorCode(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst4', CopySource: 'alpha/missing' }))), 'NoSuchKey')
  t.equal(await errorCode(other.send(new CopyObjectCommand({ Bucket: 'silver-bucket', Key: 'stolen', CopySource: 'alpha/src' }))), 'AccessDenied')
})

t.test('DeleteObjects: verbose and quiet', async (t) => {
  for (const Key of ['d1', 'd2', 'd3']) await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key, Body: Key }))
  const verbose = await s3.send(new DeleteObjectsCommand({ Bucket: 'alpha', Delete: { Objects: [{ Key: 'd1' }, { Key: 'd2' }] } }))
  t.same(verbose.Deleted?.map((d) => d.Key).sort(), ['d1', 'd2'])
  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'alpha', Delete: { Objects: [{ Key: 'd3' }, { Key: 'never-was' }], Quiet: true } }))
  t.equal(quiet.Deleted, undefined)
  t.equal(quiet.Errors, undefined)
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'd3' }))), 'NotFound')
})

t.test('denied: other accounts, non-admin users, wrong and unknown keys', async (t) => {
  await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'secret', Body: 'private' }))
  t.equal(await errorCode(other.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'secret' }))), 'AccessDenied')
  t.equal(await errorCode(other.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'intruder', Body: 'x' }))), 'AccessDenied')
  t.equal(await errorCode(other.send(new ListObjectsV2Command({ Bucket: 'alpha' }))), 'AccessDenied')
  t.equal(await errorCode(other.send(new DeleteBucketCommand({ Bucket: 'alpha' }))), 'AccessDenied')
  t.equal(await errorCode(nonAdmin.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'secret' }))), 'AccessDenied')
  t.equal(await errorCode(nonAdmin.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'x', Body: 'x' }))), 'AccessDenied')
  t.equal(await errorCode(nonAdmin.send(new DeleteObjectCommand({ Bucket: 'alpha', Key: 'secret' }))), 'AccessDenied')
  t.equal(await errorCode(client(cluster.url, 'test:tester', 'wrong').send(new ListBucketsCommand({}))), 'SignatureDoesNotMatch')
  t.equal(await errorCode(client(cluster.url, 'nobody:none', 'x').send(new ListBucketsCommand({}))), 'InvalidAccessKeyId')
  const anonymous = await fetch(`${cluster.url}/alpha/secret`)
  t.equal(anonymous.status, 403)
  t.ok(anonymous.headers.get('x-amz-request-id'))
  t.match(await anonymous.text(), /<Code>AccessDenied<\/Code>.*<RequestId>tx/)
})

/** A SigV4-signed request sent with its path exactly as written, and no header added (not even a Content-Type). */
async function signedExact (method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number, type?: string, text: string }> {
  const { hostname, port } = new URL(cluster.url)
  const signed = aws4.sign({
    host: `${hostname}:${port}`,
    method,
    path,
    service: 's3',
    region: 'us-east-1',
    doNotModifyHeaders: true,
    headers: {
      Host: `${hostname}:${port}`,
      'X-Amz-Date': new Date().toISOString().replace(/[:-]|\.\d{3}/g, ''),
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers
    }
  }, { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  return await new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: signed.headers as Record<string, string> }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => { text += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('keys with `.` and `..` segments are keys like any other: put, get, list, copy, delete', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket: 'dots' }))
  // What the SDK sends: it does not resolve dot segments either, so these requests test the server.
  const paths: string[] = []
  const watched = client(cluster.url)
  watched.middlewareStack.add((next) => async (args) => {
    paths.push((args.request as { path: string }).path)
    return await next(args)
  }, { step: 'finalizeRequest', name: 'recordPath' })
  const keys = ['..', '.', 'a/../b', './x', 'x/.', '../../etc/passwd', 'x/', 'a//b']
  for (const key of keys) {
    await watched.send(new PutObjectCommand({ Bucket: 'dots', Key: key, Body: key }))
    t.equal(paths.pop(), `/dots/${key}`, `the SDK sends ${key} as it is`)
    const got = await watched.send(new GetObjectCommand({ Bucket: 'dots', Key: key }))
    t.equal(await got.Body?.transformToString(), key, `${key} is itself`)
  }
  t.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: 'dots', Key: 'b' }))), 'NotFound', 'a/../b is not b')
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'dots' }))
  t.same(listed.Contents?.map((c) => c.Key), [...keys].sort())
  const dirs = await s3.send(new ListObjectsV2Command({ Bucket: 'dots', Delimiter: '/' }))
  t.same(dirs.CommonPrefixes?.map((p) => p.Prefix), ['../', './', 'a/', 'x/'])
  await s3.send(new CopyObjectCommand({ Bucket: 'dots', Key: '../copy', CopySource: `dots/${encodeURIComponent('a/../b')}` }))
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'dots', Key: '../copy' }))).Body?.transformToString(), 'a/../b')

  // The same without the SDK: a path-style key with an encoded dot-dot is the same key.
  t.equal((await signedExact('GET', '/dots/a/%2E%2E/b', {})).text, 'a/../b')
  t.equal((await signedExact('PUT', '/dots/raw/../key', {}, 'raw')).status, 200)
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'dots', Key: 'raw/../key' }))).Body?.transformToString(), 'raw')

  for (const key of [...keys, '../copy', 'raw/../key']) await s3.send(new DeleteObjectCommand({ Bucket: 'dots', Key: key }))
  t.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'dots' }))).KeyCount, 0)
})

t.test('any Content-Type is stored as given (as on AWS), an empty one as none', async (t) => {
  for (const type of ['foo', 'foo/bar; x', 'text/plain;;']) {
    await s3.send(new PutObjectCommand({ Bucket: 'dots', Key: 'typed.json', Body: 'x', ContentType: type }))
    t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'dots', Key: 'typed.json' }))).ContentType, type)
    t.equal((await signedExact('PUT', '/dots/raw.json', { 'Content-Type': type }, 'x')).status, 200, `a raw PUT with ${JSON.stringify(type)}`)
    t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'dots', Key: 'raw.json' }))).ContentType, type)
  }
  t.equal((await signedExact('PUT', '/dots/raw.json', { 'Content-Type': '' }, 'x')).status, 200)
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'dots', Key: 'raw.json' }))).ContentType, 'application/octet-stream')
  await s3.send(new CopyObjectCommand({ Bucket: 'dots', Key: 'copied', CopySource: 'dots/raw.json', MetadataDirective: 'REPLACE', ContentType: 'foo/bar; x' }))
  t.equal((await s3.send(new HeadObjectCommand({ Bucket: 'dots', Key: 'copied' }))).ContentType, 'foo/bar; x')
  for (const key of ['typed.json', 'raw.json', 'copied']) await s3.send(new DeleteObjectCommand({ Bucket: 'dots', Key: key }))
  await s3.send(new DeleteBucketCommand({ Bucket: 'dots' }))
})
