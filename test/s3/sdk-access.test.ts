// Access through the S3 API beyond the owner's own requests: canned ACLs (bucket and object),
// anonymous and cross-user reads and writes, presigned URLs, browser POST uploads with a policy,
// bucket CORS and preflights, virtual-hosted style, and NotImplemented for what is not served.
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCorsCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetBucketAclCommand, GetBucketCorsCommand, GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand,
  GetObjectAclCommand, GetObjectCommand, GetObjectTaggingCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutBucketAclCommand,
  PutBucketCorsCommand, PutBucketVersioningCommand, PutObjectAclCommand, PutObjectCommand, UploadPartCommand
} from '@aws-sdk/client-s3'
import aws4 from 'aws4'
import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import t from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { client, errorCode } from './helpers.js'

const cluster = await startCluster(t, { overrides: { proxy: { s3_domain: 's3.test' } } })
const s3 = client(cluster.url)
const tester3 = client(cluster.url, 'test:tester3', 'testing3')
const other = client(cluster.url, 'test2:tester2', 'testing2')
const host = new URL(cluster.url).host

await s3.send(new CreateBucketCommand({ Bucket: 'shared' }))
await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'doc.txt', Body: 'shared text' }))

t.test('canned bucket ACLs open reads and writes, and read back as grants', async (t) => {
  t.equal((await fetch(`${cluster.url}/shared/doc.txt`)).status, 403, 'private by default')
  t.equal(await errorCode(tester3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }))), 'AccessDenied')
  await s3.send(new PutBucketAclCommand({ Bucket: 'shared', ACL: 'public-read' }))
  const anonymous = await fetch(`${cluster.url}/shared/doc.txt`)
  t.equal(anonymous.status, 200)
  t.equal(await anonymous.text(), 'shared text')
  t.equal((await fetch(`${cluster.url}/shared?list-type=2`)).status, 200, 'anonymous listing')
  const overridden = await fetch(`${cluster.url}/shared/doc.txt?response-content-type=text%2Fhtml`)
  t.equal(overridden.status, 400, 'no response-* overrides for anonymous callers')
  t.match(await overridden.text(), /<Code>InvalidRequest<\/Code>/)
  t.equal((await fetch(`${cluster.url}/shared/doc.txt?response-content-disposition=inline`, { method: 'HEAD' })).status, 400)
  t.equal((await fetch(`${cluster.url}/shared/doc.txt`, { method: 'PUT', body: 'x' })).status, 403, 'anonymous write refused')
  const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'shared' }))
  t.same(acl.Grants?.map((g) => [g.Grantee?.URI ?? g.Grantee?.ID, g.Permission]),
    [['AUTH_test', 'FULL_CONTROL'], ['http://acs.amazonaws.com/groups/global/AllUsers', 'READ']])
  t.equal(await errorCode(tester3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }))), 'ok')
  t.equal(await errorCode(tester3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'w', Body: 'w' }))), 'AccessDenied')
  t.equal(await errorCode(tester3.send(new GetBucketAclCommand({ Bucket: 'shared' }))), 'AccessDenied')

  await s3.send(new PutBucketAclCommand({ Bucket: 'shared', ACL: 'authenticated-read' }))
  t.equal((await fetch(`${cluster.url}/shared/doc.txt`)).status, 403)
  t.equal(await errorCode(other.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }))), 'ok', 'another account reads it')
  t.equal(await errorCode(other.send(new ListObjectsV2Command({ Bucket: 'shared' }))), 'ok')

  await s3.send(new PutBucketAclCommand({ Bucket: 'shared', ACL: 'public-read-write' }))
  t.equal(await errorCode(other.send(new PutObjectCommand({ Bucket: 'shared', Key: 'from-other', Body: 'hi' }))), 'ok')
  t.equal(await errorCode(tester3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'from-tester3', Body: 'hi' }))), 'ok')

  await s3.send(new PutBucketAclCommand({
    Bucket: 'shared',
    AccessControlPolicy: {
      Owner: { ID: 'AUTH_test' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'AUTH_test' }, Permission: 'FULL_CONTROL' }]
    }
  }))
  t.equal(await errorCode(other.send(new GetObjectCommand({ Bucket: 'shared', Key: 'doc.txt' }))), 'AccessDenied', 'a grants document back to private')
  t.equal(await errorCode(s3.send(new PutBucketAclCommand({ Bucket: 'shared', ACL: 'no-such-acl' as never }))), 'InvalidArgument')
})

t.test('object ACLs are kept and reported', async (t) => {
  await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'public.txt', Body: 'p', ACL: 'public-read' }))
  const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'shared', Key: 'public.txt' }))
  t.same(acl.Grants?.map((g) => g.Permission), ['FULL_CONTROL', 'READ'])
  await s3.send(new PutObjectAclCommand({ Bucket: 'shared', Key: 'public.txt', ACL: 'private' }))
  t.same((await s3.send(new GetObjectAclCommand({ Bucket: 'shared', Key: 'public.txt' }))).Grants?.map((g) => g.Permission), ['FULL_CONTROL'])
  t.equal(await errorCode(s3.send(new GetObjectAclCommand({ Bucket: 'shared', Key: 'missing' }))), 'NoSuchKey')
})

t.test('deleting a manifest through S3 deletes only its bucket\'s own parts', async (t) => {
  const { token, storageUrl } = await cluster.auth()
  const swift = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<number> =>
    (await fetch(`${storageUrl}${path}`, { method, headers: { 'x-auth-token': token, ...headers }, body })).status
  t.equal(await swift('PUT', '/segs-elsewhere'), 201)
  t.equal(await swift('PUT', '/segs-elsewhere/seg', {}, 'not yours to delete'), 201)
  t.equal(await swift('PUT', '/writable', { 'x-container-write': 'test:tester3' }), 201)
  t.equal(await swift('PUT', '/writable/manifest?multipart-manifest=put', {}, JSON.stringify([{ path: '/segs-elsewhere/seg' }])), 201)
  t.equal(await errorCode(tester3.send(new DeleteObjectCommand({ Bucket: 'writable', Key: 'manifest' }))), 'ok', 'a writer deletes the manifest')
  t.equal(await swift('HEAD', '/writable/manifest'), 404)
  t.equal(await swift('HEAD', '/segs-elsewhere/seg'), 200, 'and not the segment it cannot write')
})

t.test('large objects are read as the caller: a public bucket\'s own uploads yes, others\' segments no', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket: 'public-mpu', ACL: 'public-read' }))
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'public-mpu', Key: 'mpu' }))
  const part = await s3.send(new UploadPartCommand({ Bucket: 'public-mpu', Key: 'mpu', UploadId: created.UploadId, PartNumber: 1, Body: 'public parts' }))
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'public-mpu', Key: 'mpu', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))
  const anonymous = await fetch(`${cluster.url}/public-mpu/mpu`)
  t.same([anonymous.status, await anonymous.text()], [200, 'public parts'], 'a public bucket\'s multipart object reads anonymously')
  t.equal(await (await tester3.send(new GetObjectCommand({ Bucket: 'public-mpu', Key: 'mpu' }))).Body?.transformToString(), 'public parts')

  const { token, storageUrl } = await cluster.auth()
  const swift = async (method: string, path: string, body?: string): Promise<number> =>
    (await fetch(`${storageUrl}${path}`, { method, headers: { 'x-auth-token': token }, body })).status
  t.equal(await swift('PUT', '/private-segs'), 201)
  t.equal(await swift('PUT', '/private-segs/seg', 'private bytes'), 201)
  t.equal(await swift('PUT', '/public-mpu/leaky?multipart-manifest=put', JSON.stringify([{ path: '/private-segs/seg' }])), 201)
  t.not(await errorCode(tester3.send(new GetObjectCommand({ Bucket: 'public-mpu', Key: 'leaky' }))), 'ok', 'segments the reader may not read are not served')
  const leak = await fetch(`${cluster.url}/public-mpu/leaky`)
  t.equal(leak.status, 409)
  t.notMatch(await leak.text(), /private bytes/)
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'public-mpu', Key: 'leaky' }))).Body?.transformToString(), 'private bytes', 'the owner reads it')
})

t.test('presigned URLs (SigV4 query)', async (t) => {
  const presign = (path: string, method: string, expires: number, headers: Record<string, string> = {}): string => {
    const signed = aws4.sign({ host, path: `${path}?X-Amz-Expires=${expires}`, method, service: 's3', region: 'us-east-1', signQuery: true, headers },
      { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
    return `${cluster.url}${signed.path as string}`
  }
  const put = await fetch(presign('/shared/presigned.txt', 'PUT', 60), { method: 'PUT', body: 'via presigned PUT' })
  t.equal(put.status, 200)
  const get = await fetch(presign('/shared/presigned.txt', 'GET', 60))
  t.equal(await get.text(), 'via presigned PUT')
  const overridden = await fetch(presign('/shared/presigned.txt', 'GET', 60).replace('?', '?response-content-type=text%2Fx-mine&'))
  t.equal(overridden.status, 403, 'the overrides are signed')
  const signedOverride = aws4.sign({ host, path: '/shared/presigned.txt?response-content-type=text%2Fx-mine&X-Amz-Expires=60', service: 's3', region: 'us-east-1', signQuery: true },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const kept = await fetch(`${cluster.url}${signedOverride.path as string}`)
  t.equal(kept.headers.get('content-type'), 'text/x-mine', 'a presigned GET keeps its overrides')
  await kept.text()
  const tampered = presign('/shared/presigned.txt', 'GET', 60).replace('presigned.txt', 'doc.txt')
  t.equal((await fetch(tampered)).status, 403)
  const expiring = presign('/shared/doc.txt', 'GET', 1)
  await new Promise((resolve) => setTimeout(resolve, 2100))
  const res = await fetch(expiring)
  t.equal(res.status, 403)
  t.match(await res.text(), /Request has expired/)
})

t.test('browser POST upload with a signed policy', async (t) => {
  const date = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '')
  const credential = `test:tester/${date.slice(0, 8)}/us-east-1/s3/aws4_request`
  const policyOf = (conditions: unknown[]): string => Buffer.from(JSON.stringify({
    expiration: new Date(Date.now() + 600_000).toISOString(),
    conditions: [{ bucket: 'shared' }, ['starts-with', '$key', 'uploads/'], { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': credential }, { 'x-amz-date': date }, ['content-length-range', 1, 1000], ...conditions]
  })).toString('base64')
  const sign = (policy: string): string => {
    const hmac = (k: string | Buffer, d: string): Buffer => createHmac('sha256', k).update(d).digest()
    const key = hmac(hmac(hmac(hmac('AWS4testing', date.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request')
    return createHmac('sha256', key).update(policy).digest('hex')
  }
  const post = async (key: string, extra: Record<string, string>, conditions: unknown[], body = 'posted body'): Promise<Response> => {
    const policy = policyOf(conditions)
    const form = new FormData()
    const fields: Record<string, string> = { key, 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date, policy, 'x-amz-signature': sign(policy), ...extra }
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    form.append('file', new Blob([body]), 'local name.txt')
    return await fetch(`${cluster.url}/shared`, { method: 'POST', body: form, redirect: 'manual' })
  }
  t.equal((await post('uploads/${filename}', {}, [])).status, 204)
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'uploads/local name.txt' }))).Body?.transformToString(), 'posted body')
  const created = await post('uploads/two', { success_action_status: '201' }, [{ success_action_status: '201' }])
  t.equal(created.status, 201)
  t.match(await created.text(), /<Key>uploads\/two<\/Key>/)
  const redirected = await post('uploads/three', { success_action_redirect: 'http://example.com/done' }, [{ success_action_redirect: 'http://example.com/done' }])
  t.equal(redirected.status, 303)
  t.match(redirected.headers.get('location') ?? '', /^http:\/\/example\.com\/done\?bucket=shared&key=uploads%2Fthree&etag=/)
  const tagging = '<Tagging><TagSet><Tag><Key>from</Key><Value>form</Value></Tag></TagSet></Tagging>'
  t.equal((await post('uploads/tagged', { tagging }, [{ tagging }])).status, 204)
  t.same((await s3.send(new GetObjectTaggingCommand({ Bucket: 'shared', Key: 'uploads/tagged' }))).TagSet, [{ Key: 'from', Value: 'form' }], 'the form\'s tagging field')
  const reserved = '<Tagging><TagSet><Tag><Key>aws:x</Key><Value>v</Value></Tag></TagSet></Tagging>'
  const refused = await post('uploads/reserved', { tagging: reserved }, [{ tagging: reserved }])
  t.equal(refused.status, 400)
  t.match(await refused.text(), /<Code>InvalidTag<\/Code>/)
  t.equal((await post('elsewhere/x', {}, [])).status, 403, 'key outside the policy')
  t.equal((await post('uploads/extra', { 'x-amz-meta-unlisted': 'v' }, [])).status, 403, 'field the policy does not cover')
  t.equal((await post('uploads/big', {}, [], 'x'.repeat(2000))).status, 400, 'over content-length-range')
  const form = new FormData()
  form.append('key', 'uploads/forged')
  form.append('policy', policyOf([]))
  form.append('x-amz-algorithm', 'AWS4-HMAC-SHA256')
  form.append('x-amz-credential', credential)
  form.append('x-amz-date', date)
  form.append('x-amz-signature', '0'.repeat(64))
  form.append('file', new Blob(['x']))
  t.equal((await fetch(`${cluster.url}/shared`, { method: 'POST', body: form })).status, 403, 'bad signature')

  await s3.send(new PutBucketVersioningCommand({ Bucket: 'shared', VersioningConfiguration: { Status: 'Enabled' } }))
  const again = await post('uploads/two', { success_action_status: '201' }, [{ success_action_status: '201' }], 'second body')
  t.equal(again.status, 201)
  t.match(again.headers.get('x-amz-version-id'), /^\d{10}\.\d{5}$/, 'a versioned bucket answers the version id')
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'shared', Prefix: 'uploads/two' }))
  t.same(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[again.headers.get('x-amz-version-id'), true], ['null', false]],
    'the upload keeps what it replaced')
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'uploads/two', VersionId: 'null' }))).Body?.transformToString(), 'posted body')
})

t.test('bucket CORS: rules, preflights, actual requests', async (t) => {
  t.equal(await errorCode(s3.send(new GetBucketCorsCommand({ Bucket: 'shared' }))), 'NoSuchCORSConfiguration')
  await s3.send(new PutBucketCorsCommand({
    Bucket: 'shared',
    CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://*.example.org'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['x-amz-*', 'content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }] }
  }))
  const rules = await s3.send(new GetBucketCorsCommand({ Bucket: 'shared' }))
  t.same(rules.CORSRules?.[0].AllowedMethods, ['GET', 'PUT'])
  const preflight = await fetch(`${cluster.url}/shared/doc.txt`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.org', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-amz-date' }
  })
  t.equal(preflight.status, 200)
  t.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.org')
  t.equal(preflight.headers.get('access-control-max-age'), '600')
  const refused = await fetch(`${cluster.url}/shared/doc.txt`, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' } })
  t.equal(refused.status, 403)
  const deleteNotAllowed = await fetch(`${cluster.url}/shared/doc.txt`, { method: 'OPTIONS', headers: { origin: 'https://app.example.org', 'access-control-request-method': 'DELETE' } })
  t.equal(deleteNotAllowed.status, 403)
  await s3.send(new PutBucketAclCommand({ Bucket: 'shared', ACL: 'public-read' }))
  const actual = await fetch(`${cluster.url}/shared/doc.txt`, { headers: { origin: 'https://app.example.org' } })
  t.equal(actual.headers.get('access-control-allow-origin'), 'https://app.example.org')
  t.equal(actual.headers.get('access-control-expose-headers'), 'ETag')
  await s3.send(new DeleteBucketCorsCommand({ Bucket: 'shared' }))
  t.equal(await errorCode(s3.send(new GetBucketCorsCommand({ Bucket: 'shared' }))), 'NoSuchCORSConfiguration')
  t.equal(await errorCode(tester3.send(new PutBucketCorsCommand({ Bucket: 'shared', CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] } }))), 'AccessDenied')
})

t.test('virtual-hosted style for the configured domain', async (t) => {
  const signed = aws4.sign({ host: `shared.s3.test:${new URL(cluster.url).port}`, path: '/doc.txt', service: 's3', region: 'us-east-1', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const body = await new Promise<{ status: number, text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(cluster.url).port, path: '/doc.txt', headers: signed.headers as Record<string, string> }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => { text += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
    })
    req.on('error', reject)
    req.end()
  })
  t.same(body, { status: 200, text: 'shared text' })
})

t.test('NotImplemented and malformed requests answer S3 errors', async (t) => {
  t.equal(await errorCode(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'shared' }))), 'NotImplemented')
  const signed = aws4.sign({ host, path: '/shared?cors', method: 'PUT', service: 's3', region: 'us-east-1', body: '<CORSConfiguration><CORSRule>' },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const res = await fetch(`${cluster.url}/shared?cors`, { method: 'PUT', headers: signed.headers as Record<string, string>, body: '<CORSConfiguration><CORSRule>' })
  t.equal(res.status, 400)
  t.match(await res.text(), /<Code>MalformedXML<\/Code>/)
  const skewed = aws4.sign({ host, path: '/', service: 's3', region: 'us-east-1', headers: { 'X-Amz-Date': new Date(Date.now() - 20 * 60_000).toISOString().replace(/[:-]|\.\d{3}/g, ''), 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const late = await fetch(`${cluster.url}/`, { headers: skewed.headers as Record<string, string> })
  t.equal(late.status, 403)
  t.match(await late.text(), /<Code>RequestTimeTooSkewed<\/Code>/)
  t.equal((await fetch(`${cluster.url}/Bad%20Bucket!/x`)).status, 400)
})

t.test('writers who are not the owner add delete markers but delete no versions, and read no settings', async (t) => {
  await s3.send(new CreateBucketCommand({ Bucket: 'team' }))
  const { token, storageUrl } = await cluster.auth()
  const acl = await fetch(`${storageUrl}/team`, { method: 'POST', headers: { 'x-auth-token': token, 'x-container-read': 'test:tester3', 'x-container-write': 'test:tester3' } })
  t.equal(acl.status, 204)
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'team', VersioningConfiguration: { Status: 'Enabled' } }))
  const v1 = (await s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'k', Body: 'one' }))).VersionId
  await s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'k', Body: 'two' }))
  t.equal(await errorCode(tester3.send(new DeleteObjectCommand({ Bucket: 'team', Key: 'k', VersionId: v1 }))), 'AccessDenied')
  const batch = await tester3.send(new DeleteObjectsCommand({ Bucket: 'team', Delete: { Objects: [{ Key: 'k', VersionId: v1 }] } }))
  t.same(batch.Errors?.map((e) => [e.Key, e.Code]), [['k', 'AccessDenied']])
  t.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'k', VersionId: v1 }))).Body?.transformToString(), 'one', 'the version is still there')
  t.equal(await errorCode(tester3.send(new DeleteObjectCommand({ Bucket: 'team', Key: 'k' }))), 'ok', 'a delete marker is a write')
  t.equal(await errorCode(tester3.send(new GetBucketVersioningCommand({ Bucket: 'team' }))), 'AccessDenied')
  t.equal(await errorCode(tester3.send(new GetObjectAclCommand({ Bucket: 'team', Key: 'k', VersionId: v1 }))), 'AccessDenied')
  t.equal(await errorCode(s3.send(new DeleteObjectCommand({ Bucket: 'team', Key: 'k', VersionId: v1 }))), 'ok', 'the owner deletes versions')
})

t.test('account ACLs reach the account\'s S3 buckets too', async (t) => {
  await other.send(new CreateBucketCommand({ Bucket: 'acct-acl' }))
  await other.send(new PutObjectCommand({ Bucket: 'acct-acl', Key: 'k', Body: 'theirs' }))
  t.equal(await errorCode(tester3.send(new GetObjectCommand({ Bucket: 'acct-acl', Key: 'k' }))), 'AccessDenied')
  const { token, storageUrl } = await cluster.auth('test2:tester2', 'testing2')
  const setAcl = async (value: string): Promise<number> =>
    (await fetch(storageUrl, { method: 'POST', headers: { 'x-auth-token': token, 'x-account-access-control': value } })).status
  t.equal(await setAcl('{"read-only":["test:tester3"]}'), 204)
  t.equal(await (await tester3.send(new GetObjectCommand({ Bucket: 'acct-acl', Key: 'k' }))).Body?.transformToString(), 'theirs', 'read-only reads')
  t.equal(await errorCode(tester3.send(new PutObjectCommand({ Bucket: 'acct-acl', Key: 'w', Body: 'w' }))), 'AccessDenied', 'and does not write')
  t.equal(await setAcl('{"read-write":["test:tester3"]}'), 204)
  t.equal(await errorCode(tester3.send(new PutObjectCommand({ Bucket: 'acct-acl', Key: 'w', Body: 'w' }))), 'ok', 'read-write writes')
  t.equal(await errorCode(tester3.send(new GetBucketAclCommand({ Bucket: 'acct-acl' }))), 'AccessDenied', 'but is no owner')
  t.equal(await setAcl(''), 204)
  t.equal(await errorCode(tester3.send(new GetObjectCommand({ Bucket: 'acct-acl', Key: 'k' }))), 'AccessDenied')
})
