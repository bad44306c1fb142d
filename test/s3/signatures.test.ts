// SigV4 and SigV2 verification against independent signers: aws4 (header and presigned) and
// AWS's documented streaming example; clock skew, expiry, region strictness, wrong secrets.
import aws4 from 'aws4'
import { createHmac } from 'node:crypto'
import t from 'tap'
import type { Identity } from '../../src/auth/index.js'
import { authenticate, type AuthInput } from '../../src/proxy/s3/authenticate.js'
import type { S3Options } from '../../src/proxy/s3/context.js'
import { S3Error } from '../../src/proxy/s3/errors.js'
import { v2StringToSign } from '../../src/proxy/s3/sigv2.js'

const identity: Identity = { user: 'test:tester', account: 'AUTH_test', groups: ['test:tester', 'test', '.admin'], owner: true, resellerAdmin: false, via: 'tempauth' }
const secretFor = async (key: string): Promise<{ secret: string, identity: Identity } | undefined> =>
  key === 'test:tester' ? { secret: 'testing', identity } : undefined
const opts: S3Options = { region: 'us-east-1', strictRegion: false, domain: '' }

/** What the router hands to authenticate, from a signed aws4 request. */
function inputOf (signed: { method?: string, path?: string, headers?: Record<string, unknown> }): AuthInput {
  const url = signed.path ?? '/'
  const q = url.indexOf('?')
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(signed.headers ?? {})) headers[k.toLowerCase()] = String(v)
  return {
    method: signed.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers
  }
}

async function code (p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return err instanceof S3Error ? err.code : `unexpected ${(err as Error).message}`
  }
}

t.test('SigV4 header: aws4-signed requests verify, with awkward keys and queries', async (t) => {
  for (const path of ['/bucket/plain.txt', '/bucket/with%20space/%C3%A9t%C3%A9%2Bplus', '/bucket?list-type=2&prefix=a%2Fb&max-keys=3', '/']) {
    const signed = aws4.sign({ host: 'localhost:8080', path, method: 'GET', service: 's3', region: 'eu-west-3', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
      { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
    const auth = await authenticate(inputOf(signed), secretFor, opts)
    t.equal(auth.identity?.account, 'AUTH_test', path)
    t.equal(auth.payload.kind, 'unsigned')
  }
})

/** A header value as Node's HTTP parser hands it over: its UTF-8 bytes, one latin1 character each. */
const asReceived = (value: string): string => Buffer.from(value).toString('latin1')

t.test('SigV4 and SigV2: raw UTF-8 header values verify over the bytes sent', async (t) => {
  // 'à' ends in the byte 0xA0, which a Unicode-aware trim would take for a space.
  const meta = { 'x-amz-meta-title': 'voilà café 日本', 'content-disposition': 'attachment; filename="résumé.txt"' }
  const signed = aws4.sign({ host: 'h', path: '/b/k', method: 'PUT', service: 's3', region: 'us-east-1', headers: { ...meta, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const input = inputOf(signed)
  for (const name of Object.keys(meta)) input.headers[name] = asReceived(input.headers[name] as string)
  t.equal(await code(authenticate(input, secretFor, opts)), 'ok', 'SigV4')
  input.headers['x-amz-meta-title'] = asReceived('voila café 日本')
  t.equal(await code(authenticate(input, secretFor, opts)), 'SignatureDoesNotMatch', 'a changed byte')

  const date = new Date().toUTCString()
  const toSign = `PUT\n\n\n${date}\nx-amz-meta-title:${meta['x-amz-meta-title']}\n/b/k?response-content-disposition=résumé`
  const sig = createHmac('sha1', 'testing').update(toSign).digest('base64')
  const rawQuery = 'response-content-disposition=r%C3%A9sum%C3%A9'
  const v2: AuthInput = {
    method: 'PUT', rawPath: '/b/k', rawQuery, query: new URLSearchParams(rawQuery),
    headers: { date, 'x-amz-meta-title': asReceived(meta['x-amz-meta-title']), authorization: `AWS test:tester:${sig}` }
  }
  t.equal(await code(authenticate(v2, secretFor, opts)), 'ok', 'SigV2, with a non-ASCII sub-resource value too')
})

t.test('SigV4 header: wrong secret, unknown key, tampered path, skew, strict region', async (t) => {
  const sign = (secret: string, key = 'test:tester', date?: Date): ReturnType<typeof aws4.sign> =>
    aws4.sign({ host: 'h', path: '/b/k', service: 's3', region: 'us-east-1', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', ...(date !== undefined ? { 'X-Amz-Date': date.toISOString().replace(/[:-]|\.\d{3}/g, '') } : {}) } },
      { accessKeyId: key, secretAccessKey: secret })
  t.equal(await code(authenticate(inputOf(sign('wrong')), secretFor, opts)), 'SignatureDoesNotMatch')
  t.equal(await code(authenticate(inputOf(sign('testing', 'nobody:x')), secretFor, opts)), 'InvalidAccessKeyId')
  const tampered = inputOf(sign('testing'))
  tampered.rawPath = '/b/other'
  t.equal(await code(authenticate(tampered, secretFor, opts)), 'SignatureDoesNotMatch')
  t.equal(await code(authenticate(inputOf(sign('testing', 'test:tester', new Date(Date.now() - 16 * 60 * 1000))), secretFor, opts)), 'RequestTimeTooSkewed')
  t.equal(await code(authenticate(inputOf(sign('testing', 'test:tester', new Date(Date.now() - 14 * 60 * 1000))), secretFor, opts)), 'ok')
  const elsewhere = aws4.sign({ host: 'h', path: '/b/k', service: 's3', region: 'ap-south-1', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  t.equal(await code(authenticate(inputOf(elsewhere), secretFor, opts)), 'ok', 'any region by default')
  t.equal(await code(authenticate(inputOf(elsewhere), secretFor, { ...opts, strictRegion: true })), 'AuthorizationHeaderMalformed')
})

t.test('SigV4 header: the signed payload hash decides the payload mode', async (t) => {
  const body = 'hello'
  const signed = aws4.sign({ host: 'h', path: '/b/k', method: 'PUT', service: 's3', region: 'us-east-1', body }, { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  const auth = await authenticate(inputOf(signed), secretFor, opts)
  t.same(auth.payload, { kind: 'signed', sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' })
  t.equal(await code(authenticate({ ...inputOf(signed), headers: { ...inputOf(signed).headers, 'x-amz-content-sha256': 'garbage' } }, secretFor, opts)), 'SignatureDoesNotMatch')
})

t.test('SigV4 presigned URLs: valid, expired, tampered', async (t) => {
  const signed = aws4.sign({ host: 'h', path: '/b/some%20key?response-content-type=text%2Fplain&X-Amz-Expires=60', service: 's3', region: 'us-east-1', signQuery: true },
    { accessKeyId: 'test:tester', secretAccessKey: 'testing' })
  t.equal((await authenticate(inputOf(signed), secretFor, opts)).identity?.user, 'test:tester')
  t.equal(await code(authenticate(inputOf(signed), secretFor, opts, Date.now() + 61_000)), 'AccessDenied', 'expired')
  const tampered = inputOf(signed)
  tampered.rawQuery = tampered.rawQuery.replace('text%2Fplain', 'text%2Fhtml')
  tampered.query = new URLSearchParams(tampered.rawQuery)
  t.equal(await code(authenticate(tampered, secretFor, opts)), 'SignatureDoesNotMatch')
})

t.test('SigV4 streaming: AWS\'s documented example request verifies, seeding the chunk chain', async (t) => {
  // The example of "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks".
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
  const lookup = async (key: string): Promise<{ secret: string, identity: Identity } | undefined> => key === 'AKIAIOSFODNN7EXAMPLE' ? { secret, identity } : undefined
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824'
  }
  const input: AuthInput = { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', query: new URLSearchParams(), headers }
  const auth = await authenticate(input, lookup, opts, Date.UTC(2013, 4, 24))
  t.equal(auth.payload.kind, 'streaming')
  t.equal(auth.payload.kind === 'streaming' ? auth.payload.signing?.seed : '', '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9')
})

t.test('SigV2: header (as s3cmd signs it) and query', async (t) => {
  const date = new Date().toUTCString()
  const headers: Record<string, string> = { date, 'content-type': 'text/plain', 'x-amz-meta-a': 'b', host: 'h' }
  const toSign = `PUT\n\ntext/plain\n${date}\nx-amz-meta-a:b\n/bucket/key?acl`
  t.equal(v2StringToSign({ method: 'PUT', resourcePath: '/bucket/key', rawQuery: 'acl&foo=bar', headers, dateLine: date }), toSign)
  const sig = createHmac('sha1', 'testing').update(toSign).digest('base64')
  const input: AuthInput = { method: 'PUT', rawPath: '/bucket/key', rawQuery: 'acl&foo=bar', query: new URLSearchParams('acl&foo=bar'), headers: { ...headers, authorization: `AWS test:tester:${sig}` } }
  t.equal((await authenticate(input, secretFor, opts)).identity?.user, 'test:tester')
  t.equal(await code(authenticate({ ...input, headers: { ...input.headers, authorization: `AWS test:tester:${sig.slice(1)}x` } }, secretFor, opts)), 'SignatureDoesNotMatch')
  const badValue = { ...input, rawQuery: 'versionId=%E9', query: new URLSearchParams('versionId=%E9') }
  t.equal(await code(authenticate(badValue, secretFor, opts)), 'InvalidArgument', 'a sub-resource value that is not UTF-8 is refused, not a 500')

  const expires = Math.floor(Date.now() / 1000) + 60
  const qsig = createHmac('sha1', 'testing').update(`GET\n\n\n${expires}\n/bucket/key`).digest('base64')
  const rawQuery = `AWSAccessKeyId=test%3Atester&Expires=${expires}&Signature=${encodeURIComponent(qsig)}`
  const q: AuthInput = { method: 'GET', rawPath: '/bucket/key', rawQuery, query: new URLSearchParams(rawQuery), headers: { host: 'h' } }
  t.equal((await authenticate(q, secretFor, opts)).identity?.user, 'test:tester')
  t.equal(await code(authenticate(q, secretFor, opts, (expires + 1) * 1000)), 'AccessDenied')
})

t.test('no credentials: anonymous', async (t) => {
  const auth = await authenticate({ method: 'GET', rawPath: '/b/k', rawQuery: '', query: new URLSearchParams(), headers: {} }, secretFor, opts)
  t.equal(auth.identity, undefined)
})
