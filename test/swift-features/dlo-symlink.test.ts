// Dynamic Large Objects and symlinks against a real cluster (one cluster for both). DLO:
// concatenation of the listed segments, Swift's ETag, ranges across segments, conditionals,
// segments added later, ?multipart-manifest=get, a bad manifest header, copies (of the content,
// or with ?multipart-manifest=get of the manifest; 413 past the size limit). Symlinks: reading
// through a link, ?symlink=get, chains, loops, dangling links, the target's ACL, copies (of the
// target, or with ?symlink=get of the link).
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { swiftClient } from './client.js'

const swift = await swiftClient(t)
const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex')
const parts = [randomBytes(70_000), randomBytes(70_000), randomBytes(1000)]

t.test('DLO: reads the segments under the prefix', async (t) => {
  t.equal((await swift.call('PUT', '/dsegs')).status, 201)
  t.equal((await swift.call('PUT', '/dlo')).status, 201)
  for (const [i, p] of parts.slice(0, 2).entries()) t.equal((await swift.call('PUT', `/dsegs/movie/${String(i).padStart(4, '0')}`, { body: p })).status, 201)
  t.equal((await swift.call('PUT', '/dsegs/other', { body: 'not a segment' })).status, 201)
  t.equal((await swift.call('PUT', '/dlo/movie', { body: '', headers: { 'x-object-manifest': 'dsegs/movie/', 'content-type': 'video/mp4' } })).status, 201)
  const two = Buffer.concat(parts.slice(0, 2))
  const get = await swift.call('GET', '/dlo/movie')
  t.equal(get.status, 200)
  t.ok(get.bytes.equals(two), 'the two segments in order')
  t.equal(get.headers.get('etag'), `"${md5(parts.slice(0, 2).map((p) => md5(p)).join(''))}"`)
  t.equal(get.headers.get('x-object-manifest'), 'dsegs/movie/')
  t.equal(get.headers.get('content-type'), 'video/mp4')
  const range = await swift.call('GET', '/dlo/movie', { headers: { range: 'bytes=69990-70009' } })
  t.equal(range.status, 206)
  t.ok(range.bytes.equals(two.subarray(69990, 70010)), 'a range across the boundary')
  t.equal((await swift.call('GET', '/dlo/movie', { headers: { 'if-none-match': get.headers.get('etag') ?? '' } })).status, 304)
  t.equal((await swift.call('PUT', '/dsegs/movie/0002', { body: parts[2] })).status, 201)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const grown = await swift.call('HEAD', '/dlo/movie')
  t.equal(grown.headers.get('content-length'), String(141_000), 'a segment added later is part of it')
  const raw = await swift.call('GET', '/dlo/movie?multipart-manifest=get')
  t.equal(raw.bytes.length, 0, 'the manifest itself')
  t.equal((await swift.call('PUT', '/dlo/bad', { body: '', headers: { 'x-object-manifest': 'no-slash' } })).status, 400)
})

t.test('DLO: a copy holds the content, or with ?multipart-manifest=get is the manifest', async (t) => {
  const all = Buffer.concat(parts)
  const copy = await swift.call('COPY', '/dlo/movie', { headers: { destination: 'dlo/by-copy' } })
  t.same([copy.status, copy.headers.get('etag')], [201, md5(all)])
  t.equal((await swift.call('PUT', '/dlo/by-put', { headers: { 'x-copy-from': 'dlo/movie', 'content-length': '0' } })).status, 201)
  for (const name of ['by-copy', 'by-put']) {
    const get = await swift.call('GET', `/dlo/${name}`)
    t.same([get.headers.get('x-object-manifest'), get.headers.get('etag'), get.headers.get('content-type')], [null, md5(all), 'video/mp4'], `${name}: a plain object`)
    t.ok(get.bytes.equals(all))
  }
  t.equal((await swift.call('COPY', '/dlo/movie?multipart-manifest=get', { headers: { destination: 'dlo/manifest-copy' } })).status, 201)
  t.equal((await swift.call('PUT', '/dlo/manifest-put?multipart-manifest=get', { headers: { 'x-copy-from': 'dlo/movie', 'content-length': '0' } })).status, 201)
  for (const name of ['manifest-copy', 'manifest-put']) {
    const get = await swift.call('GET', `/dlo/${name}`)
    t.equal(get.headers.get('x-object-manifest'), 'dsegs/movie/', `${name}: a manifest of the same prefix`)
    t.ok(get.bytes.equals(all))
  }
})

t.test('DLO: a copy larger than the size limit is a 413', async (t) => {
  // Nested SLOs reach past 5 GiB from one 1 KiB segment: each level lists the one below ten times, the last six.
  t.equal((await swift.call('PUT', '/huge')).status, 201)
  t.equal((await swift.call('PUT', '/huge/seg', { body: randomBytes(1024) })).status, 201)
  let below = '/huge/seg'
  for (const [level, count] of [10, 10, 10, 10, 10, 10, 6].entries()) {
    const body = JSON.stringify(Array.from({ length: count }, () => ({ path: below })))
    t.equal((await swift.call('PUT', `/huge/level${level}?multipart-manifest=put`, { body })).status, 201)
    below = `/huge/level${level}`
  }
  t.equal((await swift.call('PUT', '/huge/dlo', { body: '', headers: { 'x-object-manifest': 'huge/level6' } })).status, 201)
  t.equal((await swift.call('HEAD', '/huge/dlo')).headers.get('content-length'), String(6 * 1024 * 10 ** 6))
  t.equal((await swift.call('COPY', '/huge/dlo', { headers: { destination: 'huge/copy' } })).status, 413)
  t.equal((await swift.call('PUT', '/huge/copy', { headers: { 'x-copy-from': 'huge/dlo', 'content-length': '0' } })).status, 413)
  t.equal((await swift.call('COPY', '/huge/dlo?multipart-manifest=get', { headers: { destination: 'huge/copy' } })).status, 201, 'the manifest is small')
})

t.test('DLO: a static large object among the segments is read through its own segments', async (t) => {
  t.equal((await swift.call('PUT', '/dsegs/sloparts/a', { body: parts[0] })).status, 201)
  t.equal((await swift.call('PUT', '/dsegs/sloparts/b', { body: parts[1] })).status, 201)
  t.equal((await swift.call('PUT', '/dsegs/mixed/0000', { body: parts[2] })).status, 201)
  const slo = JSON.stringify([{ path: '/dsegs/sloparts/a' }, { path: '/dsegs/sloparts/b' }])
  t.equal((await swift.call('PUT', '/dsegs/mixed/0001?multipart-manifest=put', { body: slo })).status, 201)
  t.equal((await swift.call('PUT', '/dlo/mixed', { body: '', headers: { 'x-object-manifest': 'dsegs/mixed/' } })).status, 201)
  const get = await swift.call('GET', '/dlo/mixed')
  t.equal(get.status, 200)
  t.ok(get.bytes.equals(Buffer.concat(parts.slice(2).concat(parts.slice(0, 2)))), 'the plain segment, then the large object\'s bytes')
  const sloEtag = md5(parts.slice(0, 2).map((p) => md5(p)).join(''))
  t.equal(get.headers.get('etag'), `"${md5(md5(parts[2]) + sloEtag)}"`, 'the large object counts with its SLO ETag')
})

t.test('symlinks', async (t) => {
  t.equal((await swift.call('PUT', '/links')).status, 201)
  t.equal((await swift.call('PUT', '/links/target.txt', { body: 'the target', headers: { 'content-type': 'text/plain' } })).status, 201)
  t.equal((await swift.call('PUT', '/links/link', { body: '', headers: { 'x-symlink-target': 'links/target.txt' } })).status, 201)
  const get = await swift.call('GET', '/links/link')
  t.equal(get.status, 200)
  t.equal(get.text, 'the target')
  t.match(get.headers.get('content-location'), /\/v1\/AUTH_test\/links\/target.txt$/)
  const self = await swift.call('GET', '/links/link?symlink=get')
  t.equal(self.text, '')
  t.equal(self.headers.get('x-symlink-target'), 'links/target.txt')
  t.equal((await swift.call('PUT', '/links/link2', { body: '', headers: { 'x-symlink-target': 'links/link' } })).status, 201)
  t.equal((await swift.call('GET', '/links/link2')).text, 'the target', 'a chain of two')
  t.equal((await swift.call('PUT', '/links/loop-a', { body: '', headers: { 'x-symlink-target': 'links/loop-b' } })).status, 201)
  t.equal((await swift.call('PUT', '/links/loop-b', { body: '', headers: { 'x-symlink-target': 'links/loop-a' } })).status, 201)
  t.equal((await swift.call('GET', '/links/loop-a')).status, 409, 'a loop')
  t.equal((await swift.call('PUT', '/links/dangling', { body: '', headers: { 'x-symlink-target': 'links/nothing' } })).status, 201)
  t.equal((await swift.call('GET', '/links/dangling')).status, 404)
  t.equal((await swift.call('PUT', '/links/bad', { body: '', headers: { 'x-symlink-target': 'nocontainer' } })).status, 412)
  t.equal((await swift.call('PUT', '/links/body', { body: 'x', headers: { 'x-symlink-target': 'links/target.txt' } })).status, 400)

  t.equal((await swift.call('PUT', '/private')).status, 201)
  t.equal((await swift.call('PUT', '/private/secret', { body: 'secret' })).status, 201)
  t.equal((await swift.call('PUT', '/public', { headers: { 'x-container-read': '.r:*' } })).status, 201)
  t.equal((await swift.call('PUT', '/public/leak', { body: '', headers: { 'x-symlink-target': 'private/secret' } })).status, 201)
  t.equal((await swift.call('GET', '/public/leak', { token: false })).status, 404, 'the target\'s ACL applies')

  const other = await swift.cluster.auth('test2:tester2', 'testing2')
  const inOther = async (method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<number> =>
    (await fetch(`${other.storageUrl}${path}`, { method, body: method === 'PUT' ? body : undefined, headers: { 'x-auth-token': other.token, ...headers } })).status
  t.equal(await inOther('PUT', '/shared', '', { 'x-container-read': 'test:tester' }), 201)
  t.equal(await inOther('PUT', '/shared/o', 'in AUTH_test2'), 201)
  t.equal((await swift.call('PUT', '/shared')).status, 201)
  t.equal((await swift.call('PUT', '/shared/o', { body: 'in AUTH_test' })).status, 201)
  t.equal((await swift.call('PUT', '/links/cross', { body: '', headers: { 'x-symlink-target': 'shared/o', 'x-symlink-target-account': 'AUTH_test2' } })).status, 201)
  const cross = await swift.call('GET', '/links/cross')
  t.same([cross.status, cross.text], [200, 'in AUTH_test2'], 'a link to another account reads that account\'s object')
  t.match(cross.headers.get('content-location'), /\/v1\/AUTH_test2\/shared\/o$/)
  t.equal((await swift.call('GET', '/links/cross?symlink=get')).headers.get('x-symlink-target-account'), 'AUTH_test2')
})

t.test('symlinks: a copy holds the target, or with ?symlink=get is the link', async (t) => {
  t.equal((await swift.call('PUT', '/links/meta-link', { body: '', headers: { 'x-symlink-target': 'links/target.txt', 'x-object-meta-link': '1' } })).status, 201)
  t.equal((await swift.call('COPY', '/links/meta-link', { headers: { destination: 'links/by-copy' } })).status, 201)
  t.equal((await swift.call('PUT', '/links/by-put', { headers: { 'x-copy-from': 'links/meta-link', 'content-length': '0' } })).status, 201)
  for (const name of ['by-copy', 'by-put']) {
    const self = await swift.call('GET', `/links/${name}?symlink=get`)
    t.same([self.text, self.headers.get('x-symlink-target'), self.headers.get('content-type'), self.headers.get('x-object-meta-link')],
      ['the target', null, 'text/plain', null], `${name}: the target's content and metadata`)
  }
  t.equal((await swift.call('COPY', '/links/meta-link?symlink=get', { headers: { destination: 'links/link-copy' } })).status, 201)
  t.equal((await swift.call('PUT', '/links/link-put?symlink=get', { headers: { 'x-copy-from': 'links/meta-link', 'content-length': '0' } })).status, 201)
  for (const name of ['link-copy', 'link-put']) {
    const self = await swift.call('GET', `/links/${name}?symlink=get`)
    t.same([self.text, self.headers.get('x-symlink-target'), self.headers.get('x-object-meta-link')], ['', 'links/target.txt', '1'], `${name}: a link`)
    t.equal((await swift.call('GET', `/links/${name}`)).text, 'the target')
  }
})
