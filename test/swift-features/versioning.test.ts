// Versioned writes against a real cluster: X-Versions-Location (stack: DELETE restores),
// X-History-Location (history: DELETE archives and marks), large objects archived as manifests,
// every kind of write archiving (COPY, X-Copy-From, SLO manifest PUT, multipart-manifest=delete,
// bulk delete), and the refusals (both modes at once, an archive the caller may not write).
import t from 'tap'
import { swiftClient } from './client.js'

const swift = await swiftClient(t)
const names = async (container: string): Promise<string[]> =>
  (await swift.call('GET', `/${container}`)).text.split('\n').filter((n) => n !== '')

t.test('stack mode: PUT archives, DELETE restores', async (t) => {
  t.equal((await swift.call('PUT', '/archive')).status, 201)
  t.equal((await swift.call('PUT', '/docs', { headers: { 'x-versions-location': 'archive' } })).status, 201)
  for (const v of ['v1', 'v2', 'v3']) t.equal((await swift.call('PUT', '/docs/report', { body: v })).status, 201)
  t.equal((await swift.call('GET', '/docs/report')).text, 'v3')
  const archived = await names('archive')
  t.equal(archived.length, 2)
  t.ok(archived.every((n) => n.startsWith('006report/')), 'Swift\'s naming')
  t.equal((await swift.call('DELETE', '/docs/report')).status, 204)
  t.equal((await swift.call('GET', '/docs/report')).text, 'v2', 'the previous version is back')
  t.equal((await swift.call('DELETE', '/docs/report')).status, 204)
  t.equal((await swift.call('GET', '/docs/report')).text, 'v1')
  t.same(await names('archive'), [])
  t.equal((await swift.call('DELETE', '/docs/report')).status, 204)
  t.equal((await swift.call('GET', '/docs/report')).status, 404, 'gone when no version is left')
})

t.test('history mode: DELETE archives and leaves a marker', async (t) => {
  t.equal((await swift.call('PUT', '/history')).status, 201)
  t.equal((await swift.call('PUT', '/logs', { headers: { 'x-history-location': 'history' } })).status, 201)
  t.equal((await swift.call('PUT', '/logs/day', { body: 'first' })).status, 201)
  t.equal((await swift.call('PUT', '/logs/day', { body: 'second' })).status, 201)
  t.equal((await swift.call('DELETE', '/logs/day')).status, 204)
  t.equal((await swift.call('GET', '/logs/day')).status, 404)
  const listing = JSON.parse((await swift.call('GET', '/history?format=json')).text) as Array<{ name: string, content_type: string }>
  t.equal(listing.length, 3, 'two versions and a delete marker')
  t.equal(listing[2].content_type, 'application/x-deleted;swift_versions_deleted=1')
  const first = await swift.call('GET', `/history/${encodeURIComponent(listing[0].name)}`)
  t.equal(first.text, 'first')
})

t.test('an archived version keeps its X-Delete-At, as Swift\'s', async (t) => {
  t.equal((await swift.call('PUT', '/expiring-archive')).status, 201)
  t.equal((await swift.call('PUT', '/expiring', { headers: { 'x-versions-location': 'expiring-archive' } })).status, 201)
  const deleteAt = String(Math.floor(Date.now() / 1000) + 86400)
  t.equal((await swift.call('PUT', '/expiring/o', { body: 'v1', headers: { 'x-delete-at': deleteAt } })).status, 201)
  t.equal((await swift.call('PUT', '/expiring/o', { body: 'v2' })).status, 201)
  const [version] = await names('expiring-archive')
  t.equal((await swift.call('HEAD', `/expiring-archive/${encodeURIComponent(version)}`)).headers.get('x-delete-at'), deleteAt)
})

t.test('large objects are archived as manifests', async (t) => {
  t.equal((await swift.call('PUT', '/vsegs')).status, 201)
  t.equal((await swift.call('PUT', '/vsegs/a', { body: 'aaaa' })).status, 201)
  t.equal((await swift.call('PUT', '/vsegs/b', { body: 'bbbb' })).status, 201)
  t.equal((await swift.call('PUT', '/docs/large?multipart-manifest=put', { body: JSON.stringify([{ path: '/vsegs/a' }, { path: '/vsegs/b' }]) })).status, 201)
  t.equal((await swift.call('PUT', '/docs/large', { body: 'small now' })).status, 201)
  const [version] = await names('archive')
  const archived = await swift.call('GET', `/archive/${encodeURIComponent(version)}?multipart-manifest=get`)
  t.equal(archived.headers.get('x-static-large-object'), 'True', 'the archive holds a manifest')
  t.equal((await swift.call('GET', `/archive/${encodeURIComponent(version)}`)).text, 'aaaabbbb')
  t.equal((await swift.call('DELETE', '/docs/large')).status, 204)
  t.equal((await swift.call('GET', '/docs/large')).text, 'aaaabbbb', 'restored as a large object')
})

t.test('refusals', async (t) => {
  const both = await swift.call('PUT', '/both', { headers: { 'x-versions-location': 'a', 'x-history-location': 'b' } })
  t.equal(both.status, 400)
  t.equal((await swift.call('PUT', '/shared', { headers: { 'x-versions-location': 'archive', 'x-container-write': 'test:tester3' } })).status, 201)
  const other = await swift.cluster.auth('test:tester3', 'testing3')
  t.equal((await swift.call('PUT', '/shared/o', { token: other.token, body: 'x' })).status, 403, 'the archive is not theirs to write')
  t.equal((await swift.call('PUT', '/orphan', { headers: { 'x-versions-location': 'nowhere' } })).status, 201)
  t.equal((await swift.call('PUT', '/orphan/o', { body: 'x' })).status, 412, 'the archive must exist')
})

t.test('copies, SLO manifests, manifest deletes and bulk deletes archive too', async (t) => {
  t.equal((await swift.call('PUT', '/hist2')).status, 201)
  t.equal((await swift.call('PUT', '/kept', { headers: { 'x-history-location': 'hist2' } })).status, 201)
  const versions = async (): Promise<Array<{ name: string, content_type: string }>> =>
    JSON.parse((await swift.call('GET', '/hist2?format=json')).text)
  t.equal((await swift.call('PUT', '/kept/c', { body: 'one' })).status, 201)
  t.equal((await swift.call('PUT', '/kept/src', { body: 'two' })).status, 201)
  t.equal((await swift.call('COPY', '/kept/src', { headers: { destination: 'kept/c' } })).status, 201)
  t.same((await versions()).map((v) => v.name.slice(0, 5)), ['001c/'], 'COPY archived the destination\'s version')
  t.equal((await swift.call('PUT', '/kept/c', { headers: { 'x-copy-from': 'vsegs/a' }, body: '' })).status, 201)
  t.equal((await versions()).length, 2, 'X-Copy-From archived too')
  t.equal((await swift.call('GET', `/hist2/${encodeURIComponent((await versions())[1].name)}`)).text, 'two')

  const manifest = JSON.stringify([{ path: '/vsegs/a' }, { path: '/vsegs/b' }])
  t.equal((await swift.call('PUT', '/kept/c?multipart-manifest=put', { body: manifest })).status, 201)
  t.equal((await versions()).length, 3, 'an SLO manifest PUT archived the previous version')
  t.equal((await swift.call('PUT', '/kept/c?multipart-manifest=put', { body: '[{"path": "/vsegs/missing"}]' })).status, 400)
  t.equal((await versions()).length, 3, 'a refused manifest archives nothing')
  t.equal((await swift.call('GET', '/kept/c')).text, 'aaaabbbb')

  t.equal((await swift.call('PUT', '/segs2')).status, 201)
  t.equal((await swift.call('PUT', '/segs2/1', { body: 'xx' })).status, 201)
  t.equal((await swift.call('PUT', '/kept/big?multipart-manifest=put', { body: JSON.stringify([{ path: '/segs2/1' }]) })).status, 201)
  t.equal((await swift.call('DELETE', '/kept/big?multipart-manifest=delete')).status, 200)
  t.equal((await swift.call('GET', '/kept/big')).status, 404)
  const big = (await versions()).filter((v) => v.name.startsWith('003big/'))
  t.equal(big.length, 2, 'the manifest was archived')
  t.equal(big[1].content_type, 'application/x-deleted;swift_versions_deleted=1', 'and a delete marker left')
  t.equal((await swift.call('GET', '/segs2/1')).status, 404, 'the segments went, as multipart-manifest=delete asks')

  const bulk = await swift.call('POST', '?bulk-delete', { body: '/kept/src\n', headers: { 'content-type': 'text/plain', accept: 'application/json' } })
  t.equal(JSON.parse(bulk.text)['Number Deleted'], 1)
  const src = (await versions()).filter((v) => v.name.startsWith('003src/'))
  t.equal(src.length, 2, 'a bulk delete archives and leaves a marker')
  t.equal((await swift.call('GET', `/hist2/${encodeURIComponent(src[0].name)}`)).text, 'two')
})

t.test('stack mode undoes a history-mode delete marker', async (t) => {
  t.equal((await swift.call('PUT', '/undo-archive')).status, 201)
  t.equal((await swift.call('PUT', '/undo', { headers: { 'x-history-location': 'undo-archive' } })).status, 201)
  t.equal((await swift.call('PUT', '/undo/o', { body: 'v1' })).status, 201)
  t.equal((await swift.call('DELETE', '/undo/o')).status, 204)
  t.equal((await swift.call('POST', '/undo', { headers: { 'x-versions-location': 'undo-archive', 'x-history-location': '' } })).status, 204)
  t.equal((await swift.call('DELETE', '/undo/o')).status, 204)
  t.equal((await swift.call('GET', '/undo/o')).text, 'v1', 'the version before the marker is back')
  t.same(await names('undo-archive'), [], 'marker and version left the archive')
})
