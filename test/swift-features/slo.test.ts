// Static Large Objects against a real cluster: manifest upload and validation (missing
// segments, ETag and size mismatches, too-small segments, bad JSON, bad segment ranges), whole
// and ranged reads across segment boundaries, conditionals, Swift's ETag (computed here from the
// segments' MD5s, with ranges and nested manifests as Swift's documentation gives it),
// ?multipart-manifest=get, copies of the manifest or of the content, segment ranges, manifests
// of manifests and their depth limit, DELETE ?multipart-manifest=delete of nested manifests,
// quotas counting segments and manifests, and the manifest's container row as Swift's (its own
// size and MD5, the object's size and ETag beside).
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
  const multi = await swift.call('GET', '/big/obj', { headers: { range: `bytes=0-1,${2 * SEG - 1}-${2 * SEG}` } })
  t.equal(multi.status, 206, 'several ranges of a large object (this once ended the proxy)')
  const boundary = /^multipart\/byteranges;boundary=(\w+)$/.exec(multi.headers.get('content-type') ?? '')?.[1] ?? ''
  const part = (first: number, last: number): string =>
    `--${boundary}\r\nContent-Type: video/mp4\r\nContent-Range: bytes ${first}-${last}/${whole.length}\r\n\r\n${whole.subarray(first, last + 1).toString('latin1')}\r\n`
  t.equal(multi.bytes.toString('latin1'), `${part(0, 1)}${part(2 * SEG - 1, 2 * SEG)}--${boundary}--`)
  t.equal(Number(multi.headers.get('content-length')), multi.bytes.length)
  const suffix = await swift.call('GET', '/big/obj', { headers: { range: 'bytes=-100' } })
  t.ok(suffix.bytes.equals(whole.subarray(whole.length - 100)))
  t.equal((await swift.call('GET', '/big/obj', { headers: { range: `bytes=${whole.length}-` } })).status, 416)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-none-match': `"${sloEtag}"` } })).status, 304)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-match': '"0000"' } })).status, 412)
  t.equal((await swift.call('GET', '/big/obj', { headers: { 'if-match': `"${sloEtag}"` } })).status, 200)
})

t.test('the container row: the manifest\'s own size and MD5, the whole object\'s size and ETag beside', async (t) => {
  const manifest = await swift.call('HEAD', '/big/obj?multipart-manifest=get')
  const manifestEtag = (await swift.call('HEAD', '/big/obj')).headers.get('x-manifest-etag') ?? ''
  t.equal(manifestEtag, manifest.headers.get('etag'), 'the MD5 of the stored manifest')
  const listing = JSON.parse((await swift.call('GET', '/big?format=json')).text) as Array<Record<string, unknown>>
  t.same(listing, [{
    name: 'obj', hash: manifestEtag, bytes: whole.length, content_type: 'video/mp4', last_modified: listing[0].last_modified, slo_etag: `"${sloEtag}"`
  }], 'swift_bytes is the listed size, not part of the type')
  const xml = (await swift.call('GET', '/big?format=xml')).text
  t.match(xml, `<object><name>obj</name><hash>${manifestEtag}</hash><bytes>${whole.length}</bytes><content_type>video/mp4</content_type><last_modified>`)
  t.notMatch(xml, 'slo_etag', 'XML shows the five fields only')
  const stats = await swift.call('HEAD', '/big')
  t.equal(stats.headers.get('x-container-bytes-used'), manifest.headers.get('content-length'), 'the segments are counted in their own container')
})

t.test('?multipart-manifest=get', async (t) => {
  const stored = await swift.call('GET', '/big/obj?multipart-manifest=get')
  t.equal(stored.headers.get('x-static-large-object'), 'True')
  const list = JSON.parse(stored.text) as Array<{ name: string, hash: string, bytes: number }>
  t.same(list.map((s) => [s.name, s.hash, s.bytes]), segments.map((s, i) => [`/segs/part${i}`, md5(s), s.length]))
  const raw = JSON.parse((await swift.call('GET', '/big/obj?multipart-manifest=get&format=raw')).text) as unknown
  t.same(raw, JSON.parse(manifestBody), 'format=raw is the upload form')
})

t.test('copies: ?multipart-manifest=get copies the manifest, a plain copy the content', async (t) => {
  const copy = await swift.call('COPY', '/big/obj?multipart-manifest=get', { headers: { destination: 'big/manifest-copy', 'x-object-meta-extra': '1' } })
  t.equal(copy.status, 201)
  t.equal(copy.headers.get('etag'), `"${sloEtag}"`)
  const put = await swift.call('PUT', '/big/manifest-put?multipart-manifest=get', { headers: { 'x-copy-from': 'big/obj', 'content-length': '0' } })
  t.equal(put.status, 201)
  t.equal(put.headers.get('etag'), `"${sloEtag}"`)
  const stored = (await swift.call('GET', '/big/obj?multipart-manifest=get')).text
  for (const name of ['manifest-copy', 'manifest-put']) {
    const head = await swift.call('HEAD', `/big/${name}`)
    t.same([head.headers.get('x-static-large-object'), head.headers.get('etag'), head.headers.get('content-length'), head.headers.get('content-type'), head.headers.get('x-object-meta-kind')],
      ['True', `"${sloEtag}"`, String(whole.length), 'video/mp4', 'movie'], `${name}: a manifest with the source's metadata`)
    t.equal((await swift.call('GET', `/big/${name}?multipart-manifest=get`)).text, stored, `${name}: over the same segments`)
    t.equal(md5((await swift.call('GET', `/big/${name}`)).bytes), md5(whole))
  }
  t.equal((await swift.call('HEAD', '/big/manifest-copy')).headers.get('x-object-meta-extra'), '1')
  t.equal((await swift.call('COPY', '/big/obj', { headers: { destination: 'big/content-copy' } })).status, 201)
  const plain = await swift.call('GET', '/big/content-copy')
  t.same([plain.headers.get('x-static-large-object'), plain.headers.get('etag'), plain.headers.get('content-type')], [null, md5(whole), 'video/mp4'], 'a plain object')
  t.ok(plain.bytes.equals(whole))
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
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: '{}' })).status, 400)
  // Swift 2.30 takes a manifest of no segments: an empty object.
  t.equal((await swift.call('PUT', '/big/empty?multipart-manifest=put', { body: '[]' })).status, 201)
  const empty = await swift.call('GET', '/big/empty')
  t.equal(empty.status, 200)
  t.equal(empty.text, '')
  t.equal(empty.headers.get('etag'), `"${md5('')}"`)
  t.equal(empty.headers.get('x-static-large-object'), 'True')
  t.equal((await swift.call('DELETE', '/big/empty')).status, 204)
  t.equal((await swift.call('PUT', '/big/bad?multipart-manifest=put', { body: '[{"path": "nocontainer"}]' })).status, 400)
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

t.test('segment ranges', async (t) => {
  const [p0, p1, p2] = segments
  const manifest = [
    { path: '/segs/part0', etag: md5(p0), size_bytes: SEG, range: '10-19999' },
    { path: '/segs/part1', range: '-30000' },
    { path: '/segs/part2', range: '0-24999' },
    { path: '/segs/part2', range: '25000-' },
    { path: '/segs/part0', range: '0-99999999' }
  ]
  const expected = Buffer.concat([p0.subarray(10, 20000), p1.subarray(SEG - 30000), p2.subarray(0, 25000), p2.subarray(25000), p0])
  const etag = md5(`${md5(p0)}:10-19999;${md5(p1)}:70000-99999;${md5(p2)}:0-24999;${md5(p2)}:25000-49999;${md5(p0)}`)
  const wrong = await swift.call('PUT', '/big/ranged?multipart-manifest=put', { body: JSON.stringify(manifest), headers: { etag: md5('other') } })
  t.equal(wrong.status, 422, 'an Etag header that is not the manifest\'s')
  t.equal((await swift.call('HEAD', '/big/ranged')).status, 404, 'nothing stored')
  const put = await swift.call('PUT', '/big/ranged?multipart-manifest=put', { body: JSON.stringify(manifest), headers: { etag } })
  t.equal(put.status, 201)
  t.equal(put.headers.get('etag'), `"${etag}"`)
  const get = await swift.call('GET', '/big/ranged')
  t.equal(get.status, 200)
  t.equal(get.headers.get('etag'), `"${etag}"`)
  t.equal(get.headers.get('content-length'), String(expected.length))
  t.equal(get.headers.get('x-static-large-object'), 'True')
  t.ok(get.bytes.equals(expected), 'only the ranged bytes, in order')
  const head = await swift.call('HEAD', '/big/ranged')
  t.equal(head.headers.get('etag'), `"${etag}"`)
  t.equal(head.headers.get('content-length'), String(expected.length))
  for (const [first, last] of [[19980, 20009], [49980, 50009], [74980, 75009], [0, expected.length - 1]]) {
    const part = await swift.call('GET', '/big/ranged', { headers: { range: `bytes=${first}-${last}` } })
    t.equal(part.status, 206)
    t.equal(part.headers.get('content-range'), `bytes ${first}-${last}/${expected.length}`)
    t.ok(part.bytes.equals(expected.subarray(first, last + 1)), `bytes ${first}-${last} across ranged segments`)
  }
  t.ok((await swift.call('GET', '/big/ranged', { headers: { range: 'bytes=-100' } })).bytes.equals(expected.subarray(expected.length - 100)))
  t.equal((await swift.call('GET', '/big/ranged', { headers: { 'if-none-match': `"${etag}"` } })).status, 304)
  const listing = JSON.parse((await swift.call('GET', '/big?format=json&prefix=ranged')).text) as Array<{ bytes: number }>
  t.equal(listing[0].bytes, expected.length, 'the listing counts the ranged bytes')
  const stored = JSON.parse((await swift.call('GET', '/big/ranged?multipart-manifest=get')).text) as Array<Record<string, unknown>>
  t.same(stored.map((s) => [s.name, s.bytes, s.range]), [
    ['/segs/part0', SEG, '10-19999'], ['/segs/part1', SEG, '70000-99999'], ['/segs/part2', SEG / 2, '0-24999'],
    ['/segs/part2', SEG / 2, '25000-49999'], ['/segs/part0', SEG, undefined]
  ], 'ranges as Swift stores them: first-last, none for the whole segment')
  const raw = (await swift.call('GET', '/big/ranged?multipart-manifest=get&format=raw')).text
  t.same(JSON.parse(raw)[1], { path: '/segs/part1', etag: md5(p1), size_bytes: SEG, range: '70000-99999' })
  const again = await swift.call('PUT', '/big/ranged-again?multipart-manifest=put', { body: raw })
  t.equal(again.headers.get('etag'), `"${etag}"`, 'format=raw PUT back gives the same object')
})

t.test('bad segment ranges', async (t) => {
  const put = async (entries: unknown[]): Promise<{ status: number, text: string }> => {
    const { status, text } = await swift.call('PUT', '/big/badrange?multipart-manifest=put', { body: JSON.stringify(entries) })
    return { status, text }
  }
  t.same(await put([{ path: '/segs/part0', range: 'abc' }]), { status: 400, text: 'Index 0: invalid range\n' })
  t.same(await put([{ path: '/segs/part0', range: '5-2' }, { path: '/segs/part1', range: 5 }]), { status: 400, text: 'Index 0: invalid range\nIndex 1: invalid range\n' })
  t.same(await put([{ path: '/segs/part0', range: '1-2,3-4' }]), { status: 400, text: 'Index 0: multiple ranges (only one allowed)\n' })
  t.same(await put([{ path: '/segs/part0', range: 'bytes=1-2' }]), { status: 400, text: 'Index 0: invalid range\n' })
  t.same(await put([{ path: '/segs/part0', size_bytes: 100, range: '200-300' }]), { status: 400, text: 'Index 0: unsatisfiable range\n' }, 'judged against size_bytes before any segment is read')
  t.same(await put([{ path: '/segs/part0', range: `${SEG}-` }, { path: '/segs/part1', range: '-0' }, { path: '/segs/part2', range: '1-1', etag: 'x' }]), {
    status: 400,
    text: 'Errors:\n/segs/part0, Unsatisfiable Range\n/segs/part1, Unsatisfiable Range\n/segs/part2, Etag Mismatch\n'
  })
  const small = await put([{ path: '/segs/part0', range: '0-9' }, { path: '/segs/part1' }])
  t.same(small, { status: 400, text: 'Errors:\n/segs/part0, Too small; each segment must be at least 1000 bytes.\n' }, 'a range smaller than the minimum')
  t.equal((await swift.call('HEAD', '/big/badrange')).status, 404, 'nothing stored')
})

t.test('manifests of manifests', async (t) => {
  const nested = JSON.stringify([{ path: '/big/obj', etag: sloEtag, size_bytes: whole.length }, { path: '/segs/part0', etag: null, size_bytes: null }])
  const etag = md5(sloEtag + md5(segments[0]))
  const put = await swift.call('PUT', '/big/nested?multipart-manifest=put', { body: nested })
  t.equal(put.status, 201)
  t.equal(put.headers.get('etag'), `"${etag}"`, 'the sub-manifest counts with its SLO ETag')
  const get = await swift.call('GET', '/big/nested')
  const expected = Buffer.concat([whole, segments[0]])
  t.equal(get.headers.get('etag'), `"${etag}"`)
  t.equal(get.headers.get('content-length'), String(expected.length))
  t.equal(get.headers.get('x-static-large-object'), 'True')
  t.equal(md5(get.bytes), md5(expected))
  const across = await swift.call('GET', '/big/nested', { headers: { range: `bytes=${whole.length - 10}-${whole.length + 9}` } })
  t.ok(across.bytes.equals(expected.subarray(whole.length - 10, whole.length + 10)), 'a range across the sub-manifest\'s end')
  const stored = JSON.parse((await swift.call('GET', '/big/nested?multipart-manifest=get')).text) as Array<Record<string, unknown>>
  t.same(stored[0], { name: '/big/obj', hash: sloEtag, bytes: whole.length, sub_slo: true }, 'kept as one segment')
  const wrongEtag = await swift.call('PUT', '/big/nested-bad?multipart-manifest=put', {
    body: JSON.stringify([{ path: '/big/obj', etag: md5((await swift.call('GET', '/big/obj?multipart-manifest=get')).bytes) }])
  })
  t.equal(wrongEtag.text, 'Errors:\n/big/obj, Etag Mismatch\n', 'not the manifest file\'s MD5')

  const ranged = JSON.stringify([{ path: '/segs/part1', range: '0-999' }, { path: '/big/obj', range: `${SEG - 500}-${2 * SEG + 499}` }, { path: '/big/ranged' }])
  const rangedEtagOfSub = (await swift.call('HEAD', '/big/ranged')).headers.get('etag')?.replaceAll('"', '') ?? ''
  const rangedEtag = md5(`${md5(segments[1])}:0-999;${sloEtag}:${SEG - 500}-${2 * SEG + 499};${rangedEtagOfSub}`)
  const put2 = await swift.call('PUT', '/big/nested-ranged?multipart-manifest=put', { body: ranged })
  t.equal(put2.headers.get('etag'), `"${rangedEtag}"`, 'a range of a sub-manifest, and a sub-manifest with ranges')
  const sub = (await swift.call('GET', '/big/ranged')).bytes
  const expected2 = Buffer.concat([segments[1].subarray(0, 1000), whole.subarray(SEG - 500, 2 * SEG + 500), sub])
  const get2 = await swift.call('GET', '/big/nested-ranged')
  t.equal(get2.headers.get('content-length'), String(expected2.length))
  t.ok(get2.bytes.equals(expected2))
  const part2 = await swift.call('GET', '/big/nested-ranged', { headers: { range: 'bytes=990-1009' } })
  t.ok(part2.bytes.equals(expected2.subarray(990, 1010)))
})

t.test('at most 10 manifests deep', async (t) => {
  t.equal((await swift.call('PUT', '/deep')).status, 201)
  let prev = '/segs/part2'
  for (let i = 1; i <= 11; i++) {
    t.equal((await swift.call('PUT', `/deep/m${i}?multipart-manifest=put`, { body: JSON.stringify([{ path: prev }]) })).status, 201, 'any depth may be written')
    prev = `/deep/m${i}`
  }
  const ten = await swift.call('GET', '/deep/m10')
  t.equal(ten.status, 200)
  t.ok(ten.bytes.equals(segments[2]), 'ten manifests deep are read')
  t.equal((await swift.call('GET', '/deep/m11')).status, 409, 'eleven are a conflict')
  t.equal((await swift.call('GET', '/deep/m11', { headers: { range: 'bytes=0-9' } })).status, 409)
  const head = await swift.call('HEAD', '/deep/m11')
  t.equal(head.status, 200, 'HEAD answers from the manifest')
  t.equal(head.headers.get('content-length'), String(SEG / 2))
})

t.test('a missing or changed first segment is a 409', async (t) => {
  const first = randomBytes(2000)
  t.equal((await swift.call('PUT', '/segs/first', { body: first })).status, 201)
  t.equal((await swift.call('PUT', '/segs/second', { body: first })).status, 201)
  t.equal((await swift.call('PUT', '/big/fragile?multipart-manifest=put', { body: JSON.stringify([{ path: '/segs/first' }, { path: '/segs/second' }]) })).status, 201)
  t.equal((await swift.call('DELETE', '/segs/first')).status, 204)
  t.equal((await swift.call('GET', '/big/fragile')).status, 409, 'missing')
  t.equal((await swift.call('PUT', '/segs/first', { body: randomBytes(2000) })).status, 201)
  t.equal((await swift.call('GET', '/big/fragile')).status, 409, 'changed')
  t.equal((await swift.call('PUT', '/segs/first', { body: first })).status, 201)
  const back = await swift.call('GET', '/big/fragile')
  t.equal(back.status, 200, 'the same bytes again')
  t.ok(back.bytes.equals(Buffer.concat([first, first])))
})

t.test('quotas count segments and manifests', async (t) => {
  t.equal((await swift.call('PUT', '/quota', { headers: { 'x-container-meta-quota-bytes': String(2 * SEG) } })).status, 201)
  t.equal((await swift.call('PUT', '/quota/s0', { body: segments[0] })).status, 201)
  t.equal((await swift.call('PUT', '/quota/s1', { body: segments[1] })).status, 201)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal((await swift.call('PUT', '/quota/s2', { body: segments[2] })).status, 413, 'a segment past the quota')
  t.equal((await swift.call('PUT', '/small', { headers: { 'x-container-meta-quota-bytes': '1000' } })).status, 201)
  t.equal((await swift.call('PUT', '/small/m?multipart-manifest=put', { body: manifestBody })).status, 201, 'a manifest is charged its own size')
  t.equal((await swift.call('HEAD', '/small')).headers.get('x-container-bytes-used'),
    (await swift.call('HEAD', '/small/m?multipart-manifest=get')).headers.get('content-length'), 'and counts its own size')
})

t.test('DELETE ?multipart-manifest=delete removes the segments, nested ones too', async (t) => {
  const res = await swift.call('DELETE', '/big/nested?multipart-manifest=delete', { headers: { accept: 'application/json' } })
  t.equal(res.status, 200)
  const report = JSON.parse(res.text) as Record<string, unknown>
  t.equal(report['Number Deleted'], 5, 'three segments, the sub-manifest and the manifest, each once')
  t.equal(report['Number Not Found'], 0)
  t.equal(report['Response Status'], '200 OK')
  for (let i = 0; i < 3; i++) t.equal((await swift.call('HEAD', `/segs/part${i}`)).status, 404)
  t.equal((await swift.call('HEAD', '/big/obj')).status, 404)
  t.equal((await swift.call('HEAD', '/big/nested')).status, 404)
})

t.test('DELETE ?multipart-manifest=delete of a plain object keeps it and says why, as Swift does', async (t) => {
  t.equal((await swift.call('PUT', '/big/plain', { body: 'hello' })).status, 201)
  const res = await swift.call('DELETE', '/big/plain?multipart-manifest=delete', { headers: { accept: 'application/json' } })
  t.equal(res.status, 200)
  const report = JSON.parse(res.text) as Record<string, unknown>
  t.same(report.Errors, [['/big/plain', 'Not an SLO manifest']])
  t.equal(report['Response Status'], '400 Bad Request')
  t.equal(report['Number Deleted'], 0)
  t.equal((await swift.call('HEAD', '/big/plain')).status, 200, 'the object is still there')
  const missing = JSON.parse((await swift.call('DELETE', '/big/no-such?multipart-manifest=delete', { headers: { accept: 'application/json' } })).text) as Record<string, unknown>
  t.equal(missing['Number Not Found'], 1)
  t.equal(missing['Response Status'], '200 OK')
})
