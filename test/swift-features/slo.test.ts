// Static Large Objects against a real cluster: manifest upload and validation (missing
// segments, ETag and size mismatches, too-small segments, bad JSON), whole and ranged reads
// across segment boundaries, conditionals, Swift's ETag, ?multipart-manifest=get, manifests of
// manifests, DELETE ?multipart-manifest=delete, and quotas counting segments and manifests.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { swiftClient } from './client.js'

const swift = await swiftClient(t, { proxy: { slo_min_segment_size: 1000 } })
const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex')
const SEG = 100_000
const segments = [randomBytes(SEG), randomBytes(SEG), randomBytes(SEG / 2)]
const whole = Buffer.concat(segments)
const manifestBody = JSON.stringify(segments.map((s, i) => ({ path: `/segs/part${i}`, etag: md5(s), size_bytes: s.length })))
const sloEtag = md5(segments.map((s) => md5(s)).join(''))

t.before(async () => {
  t.equal((await swift.call('PUT', '/segs')).status, 201)
  t.equal((await swift.call('PUT', '/big')).status, 201)
  for (const [i, s] of segments.entries()) t.equal((await swift.call('PUT', `/segs/part${i}`, { body: s })).status, 201)
})

t.test('upload, read whole and in ranges, conditionals', async (t) => {
  const put = await swift.call('PUT', '/big/obj?multipart-manifest=put', { body: manifestBody, headers: { 'content-type': 'video/mp4', 'x-object-meta-kind': 'movie' } })
  t.equal(put.status, 201)
  t.equal(put.headers.get('etag'), `"${sloEtag}"`)
  const get = await swift.call('GET', '/big/obj')
  t.equal(get.status, 200)
  t.equal(md5(get.bytes), md5(whole), 'whole object byte for byte')
  t.equal(get.headers.get('etag')?.replaceAll('"', ''), sloEtag)
  t.equal(get.headers.get('content-type'), 'video/mp4')
  t.equal(get.headers.get('x-object-meta-kind'), 'movie')
  t.equal(get.headers.get('x-static-large-object'), 'True')
  const head = await swift.call('HEAD', '/big/obj')
  t.equal(head.headers.get('content-length'), String(whole.length))
  const range = await swift.call('GET', '/big/obj', { headers: { range: `bytes=${SEG - 10}-${2 * SEG + 9}` } })
  t.equal(range.status, 206)
  t.equal(range.headers.get('content-range'), `bytes ${SEG - 10}-${2 * SEG + 9}/${whole.length}`)
  t.ok(range.bytes.equals(whole.subarray(SEG - 10, 2 * SEG + 10)), 'range across two boundaries')
  const suffix = await swift.call('GET', '/big/obj', { headers: { range: 'bytes=-100' } })
  t.ok(suffix.bytes.equals(whole.subarray(whole.length - 100)))
  t.equal((await swift.call('GET', '/big/obj', { headers: { range: `bytes=${whole.length}-` } })).status, 416)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-none-match': `"${sloEtag}"` } })).status, 304)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-match': '"0000"' } })).status, 412)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-match': `"${sloEtag}"` } })).status, 200)
  const listing = JSON.parse((await swift.call('GET', '/big?format=json')).text) as Array<{ name: string, bytes: number, hash: string }>
  t.same(listing.map((e) => [e.name, e.bytes, e.hash]), [['obj', whole.length, sloEtag]], 'the listing shows the whole object')
})

t.test('?multipart-manifest=get', async (t) => {
  const stored = await swift.call('GET', '/big/obj?multipart-manifest=get')
  t.equal(stored.headers.get('x-static-large-object'), 'True')
  const list = JSON.parse(stored.text) as Array<{ name: string, hash: string, bytes: number }>
  t.same(list.map((s) => [s.name, s.hash, s.bytes]), segments.map((s, i) => [`/segs/part${i}`, md5(s), s.length]))
  const raw = JSON.parse((await swift.call('GET', '/big/obj?multipart-manifest=get&format=raw')).text) as unknown
  t.same(raw, JSON.parse(manifestBody), 'format=raw is the upload form')
})

t.test('bad manifests are refused with each problem', async (t) => {
  const bad = JSON.stringify([
    { path: '/segs/part0', etag: md5('other'), size_bytes: SEG },
    { path: '/segs/part1', etag: null, size_bytes: 5 },
    { path: '/segs/nope', etag: null, size_bytes: null },
    { path: '/segs/part2', etag: null, size_bytes: null }
  ])
  const res = await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: bad })
  t.equal(res.status, 400)
  t.equal(res.text, 'Errors:\n/segs/part0, Etag Mismatch\n/segs/part1, Size Mismatch\n/segs/nope, 404 Not Found\n')
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: 'not json' })).status, 400)
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: '[]' })).status, 400)
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: '[{"path": "nocontainer"}]' })).status, 400)
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: '[{"path": "/segs/part0", "range": "0-9"}]' })).status, 400)
  t.equal((await swift.call('PUT', '/segs/tiny', { body: 'tiny' })).status, 201)
  const small = await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: JSON.stringify([{ path: '/segs/tiny' }, { path: '/segs/part0' }]) })
  t.equal(small.status, 400)
  t.match(small.text, /\/segs\/tiny, Too small; each segment must be at least 1000 bytes/)
  t.equal((await swift.call('PUT', '/big/ok?multipart-manifest=put', { body: JSON.stringify([{ path: '/segs/part0' }, { path: '/segs/tiny' }]) })).status, 201, 'the last may be small')
  t.equal((await swift.call('HEAD', '/big/bad')).status, 404, 'nothing stored')
  const other = await swift.cluster.auth('test:tester3', 'testing3')
  t.equal((await swift.call('POST', '/big', { headers: { 'x-container-write': 'test:tester3' } })).status, 204)
  const forbidden = await swift.call('PUT', '/big/theirs?multipart-manifest=put', { token: other.token, body: manifestBody })
  t.equal(forbidden.status, 400, 'segments the caller may not read')
  t.match(forbidden.text, /\/segs\/part0, 403 Forbidden/)
})

t.test('manifests of manifests', async (t) => {
  const nested = JSON.stringify([{ path: '/big/obj', etag: sloEtag, size_bytes: whole.length }, { path: '/segs/part0', etag: null, size_bytes: null }])
  t.equal((await swift.call('PUT', '/big/nested?multipart-manifest=put', { body: nested })).status, 201)
  const get = await swift.call('GET', '/big/nested')
  t.equal(md5(get.bytes), md5(Buffer.concat([whole, segments[0]])))
})

t.test('quotas count segments and manifests', async (t) => {
  t.equal((await swift.call('PUT', '/quota', { headers: { 'x-container-meta-quota-bytes': String(2 * SEG) } })).status, 201)
  t.equal((await swift.call('PUT', '/quota/s0', { body: segments[0] })).status, 201)
  t.equal((await swift.call('PUT', '/quota/s1', { body: segments[1] })).status, 201)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal((await swift.call('PUT', '/quota/s2', { body: segments[2] })).status, 413, 'a segment past the quota')
  t.equal((await swift.call('PUT', '/small', { headers: { 'x-container-meta-quota-bytes': String(SEG) } })).status, 201)
  t.equal((await swift.call('PUT', '/small/m?multipart-manifest=put', { body: manifestBody })).status, 413, 'a manifest is charged its whole size')
})

t.test('DELETE ?multipart-manifest=delete removes the segments', async (t) => {
  const res = await swift.call('DELETE', '/big/obj?multipart-manifest=delete', { headers: { accept: 'application/json' } })
  t.equal(res.status, 200)
  const report = JSON.parse(res.text) as Record<string, unknown>
  t.equal(report['Number Deleted'], 4)
  t.equal(report['Response Status'], '200 OK')
  for (let i = 0; i < 3; i++) t.equal((await swift.call('HEAD', `/segs/part${i}`)).status, 404)
  t.equal((await swift.call('HEAD', '/big/obj')).status, 404)
})
