// TempURL against a real cluster: account and container keys, the second keys, the three
// digests, ISO 8601 expiry, prefixes, filename/inline, and the refusals (expired, forged,
// other method, other object, headers reaching other objects).
import t from 'tap'
import { createHmac } from 'node:crypto'
import { swiftClient } from './client.js'

const swift = await swiftClient(t)
const account = new URL(swift.storageUrl).pathname.split('/')[2]

function sign (key: string, method: string, expires: number, path: string, digest = 'sha1', form: 'hex' | 'b64' = 'hex'): string {
  const mac = createHmac(digest, key).update(`${method}\n${expires}\n${path}`).digest()
  return form === 'hex' ? mac.toString('hex') : `${digest}:${mac.toString('base64url')}`
}

const soon = (): number => Math.floor(Date.now() / 1000) + 300
const q = (params: Record<string, string>): string => `?${new URLSearchParams(params).toString()}`

t.before(async () => {
  t.equal((await swift.call('POST', '', { headers: { 'x-account-meta-temp-url-key': 'acctkey', 'x-account-meta-temp-url-key-2': 'acctkey2' } })).status, 204)
  t.equal((await swift.call('PUT', '/tu')).status, 201)
  t.equal((await swift.call('PUT', '/tu/dir/file.txt', { body: 'hello temp' })).status, 201)
})

t.test('GET and HEAD with account keys, each digest', async (t) => {
  const path = `/v1/${account}/tu/dir/file.txt`
  for (const [digest, form] of [['sha1', 'hex'], ['sha256', 'hex'], ['sha512', 'hex'], ['sha256', 'b64'], ['sha512', 'b64']] as const) {
    const exp = soon()
    const res = await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sign('acctkey', 'GET', exp, path, digest, form), temp_url_expires: String(exp) })}`, { token: false })
    t.equal(res.status, 200, `${digest} ${form}`)
    t.equal(res.text, 'hello temp')
    t.match(res.headers.get('content-disposition'), /^attachment; filename="file.txt"/)
  }
  const exp = soon()
  const head = await swift.call('HEAD', `/tu/dir/file.txt${q({ temp_url_sig: sign('acctkey2', 'GET', exp, path), temp_url_expires: String(exp) })}`, { token: false })
  t.equal(head.status, 200, 'HEAD allowed by a GET link made with Key-2')
})

t.test("a link shows the object's public metadata only", async (t) => {
  t.equal((await swift.call('PUT', '/tu/meta.txt', { body: 'm', headers: { 'x-object-meta-secret': 's', 'x-object-meta-public-note': 'n' } })).status, 201)
  const exp = soon()
  const res = await swift.call('GET', `/tu/meta.txt${q({ temp_url_sig: sign('acctkey', 'GET', exp, `/v1/${account}/tu/meta.txt`), temp_url_expires: String(exp) })}`, { token: false })
  t.equal(res.status, 200)
  t.same([res.headers.get('x-object-meta-secret'), res.headers.get('x-object-meta-public-note')], [null, 'n'])
  t.equal((await swift.call('HEAD', '/tu/meta.txt')).headers.get('x-object-meta-secret'), 's', 'the owner still sees it')
})

t.test('ISO 8601 expiry, filename and inline', async (t) => {
  const path = `/v1/${account}/tu/dir/file.txt`
  const exp = soon()
  const iso = new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const sig = sign('acctkey', 'GET', exp, path)
  const named = await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sig, temp_url_expires: iso, filename: 'report.txt' })}`, { token: false })
  t.equal(named.status, 200)
  t.match(named.headers.get('content-disposition'), /^attachment; filename="report.txt"/)
  const inline = await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sig, temp_url_expires: String(exp), inline: '' })}`, { token: false })
  t.equal(inline.headers.get('content-disposition'), 'inline')
})

t.test('container keys and prefixes', async (t) => {
  t.equal((await swift.call('POST', '/tu', { headers: { 'x-container-meta-temp-url-key': 'ckey' } })).status, 204)
  const exp = soon()
  const sig = sign('ckey', 'GET', exp, `/v1/${account}/tu/dir/file.txt`)
  t.equal((await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sig, temp_url_expires: String(exp) })}`, { token: false })).status, 200)
  const psig = sign('acctkey', 'GET', exp, `prefix:/v1/${account}/tu/dir/`)
  const viaPrefix = await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: psig, temp_url_expires: String(exp), temp_url_prefix: 'dir/' })}`, { token: false })
  t.equal(viaPrefix.status, 200, 'any object under the prefix')
  const outside = await swift.call('PUT', '/tu/other.txt', { body: 'x' })
  t.equal(outside.status, 201)
  t.equal((await swift.call('GET', `/tu/other.txt${q({ temp_url_sig: psig, temp_url_expires: String(exp), temp_url_prefix: 'dir/' })}`, { token: false })).status, 401, 'not outside it')
})

t.test('PUT through a link, and what a link may not do', async (t) => {
  const path = `/v1/${account}/tu/upload.bin`
  const exp = soon()
  const put = q({ temp_url_sig: sign('acctkey', 'PUT', exp, path, 'sha256'), temp_url_expires: String(exp) })
  t.equal((await swift.call('PUT', `/tu/upload.bin${put}`, { token: false, body: 'uploaded' })).status, 201)
  t.equal((await swift.call('GET', '/tu/upload.bin')).text, 'uploaded')
  const manifest = await swift.call('PUT', `/tu/upload.bin${put}`, { token: false, body: '', headers: { 'x-object-manifest': 'tu/dir' } })
  t.equal(manifest.status, 400, 'X-Object-Manifest refused')
  const copy = await swift.call('PUT', `/tu/upload.bin${put}`, { token: false, body: '', headers: { 'x-copy-from': 'tu/dir/file.txt' } })
  t.equal(copy.status, 400, 'X-Copy-From refused')
  t.equal((await swift.call('GET', `/tu/upload.bin${put}`, { token: false })).status, 401, 'a PUT link does not GET')
  t.equal((await swift.call('DELETE', `/tu/upload.bin${put}`, { token: false })).status, 401, 'nor DELETE')
})

t.test('expired, forged, other object, malformed', async (t) => {
  const path = `/v1/${account}/tu/dir/file.txt`
  const past = Math.floor(Date.now() / 1000) - 10
  const expired = await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sign('acctkey', 'GET', past, path), temp_url_expires: String(past) })}`, { token: false })
  t.equal(expired.status, 401)
  t.equal(expired.text, '401 Unauthorized: Temp URL invalid\n')
  const exp = soon()
  t.equal((await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sign('wrongkey', 'GET', exp, path), temp_url_expires: String(exp) })}`, { token: false })).status, 401, 'forged')
  const other = sign('acctkey', 'GET', exp, `/v1/${account}/tu/other.txt`)
  t.equal((await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: other, temp_url_expires: String(exp) })}`, { token: false })).status, 401, 'signed for another object')
  t.equal((await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: 'abc', temp_url_expires: String(exp) })}`, { token: false })).status, 401, 'not a signature')
  t.equal((await swift.call('GET', `/tu/dir/file.txt${q({ temp_url_sig: sign('acctkey', 'GET', exp, path), temp_url_expires: 'tomorrow' })}`, { token: false })).status, 401, 'bad expiry')
  t.equal((await swift.call('GET', `/tu${q({ temp_url_sig: sign('acctkey', 'GET', exp, `/v1/${account}/tu`), temp_url_expires: String(exp) })}`, { token: false })).status, 401, 'containers are not linkable')
})

t.test('/info lists every feature', async (t) => {
  const info = await (await fetch(`${swift.cluster.url}/info`)).json() as Record<string, unknown>
  for (const name of ['tempurl', 'formpost', 'bulk_delete', 'bulk_upload', 'staticweb', 'slo', 'dlo', 'versioned_writes', 'symlink']) t.ok(name in info, name)
  t.same((info.tempurl as { allowed_digests: string[] }).allowed_digests, ['sha1', 'sha256', 'sha512'])
})
