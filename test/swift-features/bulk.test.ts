// Bulk operations against a real cluster: ?bulk-delete in Swift's report formats (plain, JSON,
// XML), its limit, and ?extract-archive of tar, tar.gz and tar.bz2 archives, at container and
// account level.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { tempDir } from '../helpers/process.js'
import { swiftClient } from './client.js'

const run = promisify(execFile)
const swift = await swiftClient(t, { proxy: { bulk_max_deletes_per_request: 50 } })
const dir = await tempDir(t)

t.test('bulk delete: objects then their container, not-found counted, errors listed', async (t) => {
  await swift.call('PUT', '/bd')
  await swift.call('PUT', '/bd2')
  for (const name of ['a', 'b c', 'd/e']) t.equal((await swift.call('PUT', `/bd/${encodeURIComponent(name)}`, { body: name })).status, 201)
  t.equal((await swift.call('PUT', '/bd2/keep', { body: 'k' })).status, 201)
  const body = ['/bd/a', '/bd/b%20c', '/bd/d/e', '/bd/missing', '/bd', '/bd2'].join('\n')
  const res = await swift.call('POST', '?bulk-delete', { body, headers: { 'content-type': 'text/plain', accept: 'application/json' } })
  t.equal(res.status, 200)
  const report = JSON.parse(res.text) as Record<string, unknown>
  t.equal(report['Number Deleted'], 4)
  t.equal(report['Number Not Found'], 1)
  t.equal(report['Response Status'], '400 Bad Request')
  t.same(report.Errors, [['/bd2', '409 Conflict']])
  t.equal((await swift.call('HEAD', '/bd')).status, 404)

  const plain = await swift.call('DELETE', '?bulk-delete', { body: '/bd2/keep\n/bd2\n', headers: { 'content-type': 'text/plain' } })
  t.equal(plain.text, 'Number Deleted: 2\nNumber Not Found: 0\nResponse Body: \nResponse Status: 200 OK\nErrors:\n')
  const xml = await swift.call('POST', '?bulk-delete', { body: '/bd2', headers: { accept: 'application/xml' } })
  t.match(xml.text, /<delete>\n<number_deleted>0<\/number_deleted>\n<number_not_found>1<\/number_not_found>/)
})

t.test('bulk delete: over the limit is a 413; others\' objects are refused item by item', async (t) => {
  const many = Array.from({ length: 51 }, (_, i) => `/c/o${i}`).join('\n')
  t.equal((await swift.call('POST', '?bulk-delete', { body: many })).status, 413)
  const other = await swift.cluster.auth('test:tester3', 'testing3')
  t.equal((await swift.call('PUT', '/private')).status, 201)
  t.equal((await swift.call('PUT', '/private/o', { body: 'x' })).status, 201)
  const res = await fetch(`${swift.storageUrl}?bulk-delete`, { method: 'POST', headers: { 'x-auth-token': other.token, accept: 'application/json' }, body: '/private/o' })
  const report = await res.json() as Record<string, unknown>
  t.same(report.Errors, [['/private/o', '403 Forbidden']])
  t.equal((await swift.call('HEAD', '/private/o')).status, 200)
})

async function makeArchive (kind: 'tar' | 'tar.gz' | 'tar.bz2'): Promise<Buffer> {
  const src = join(dir, `src-${kind}`)
  await mkdir(join(src, 'photos', 'sub'), { recursive: true })
  await mkdir(join(src, 'docs'), { recursive: true })
  await writeFile(join(src, 'photos', 'one.jpg'), 'jpeg bytes')
  await writeFile(join(src, 'photos', 'sub', 'two.txt'), 'two')
  await writeFile(join(src, 'docs', 'readme.md'), `# ${kind}`)
  const out = join(dir, `archive.${kind}`)
  const flag = kind === 'tar' ? '-cf' : kind === 'tar.gz' ? '-czf' : '-cjf'
  await run('tar', [flag, out, '-C', src, 'photos', 'docs'])
  return await readFile(out)
}

t.test('extract-archive into a container, each compression', async (t) => {
  t.equal((await swift.call('PUT', '/ex')).status, 201)
  for (const kind of ['tar', 'tar.gz', 'tar.bz2'] as const) {
    const res = await swift.call('PUT', `/ex/${kind}?extract-archive=${kind}`, { body: await makeArchive(kind), headers: { accept: 'application/json' } })
    t.equal(res.status, 200, kind)
    const report = JSON.parse(res.text) as Record<string, unknown>
    t.equal(report['Number Files Created'], 3, kind)
    t.equal(report['Response Status'], '201 Created')
    t.equal((await swift.call('GET', `/ex/${kind}/docs/readme.md`)).text, `# ${kind}`)
    t.equal((await swift.call('HEAD', `/ex/${kind}/photos/one.jpg`)).headers.get('content-type'), 'image/jpeg')
  }
})

t.test('extract-archive at account level creates containers; bad archives are reported', async (t) => {
  const res = await swift.call('PUT', '?extract-archive=tar.gz', { body: await makeArchive('tar.gz') })
  t.match(res.text, /Number Files Created: 3\n/)
  t.match(res.text, /Response Status: 201 Created\n/)
  t.equal((await swift.call('GET', '/photos/sub/two.txt')).text, 'two')
  t.equal((await swift.call('GET', '/docs/readme.md')).text, '# tar.gz')
  const bad = await swift.call('PUT', '/ex?extract-archive=tar.gz', { body: 'not gzip at all', headers: { accept: 'application/json' } })
  const report = JSON.parse(bad.text) as Record<string, unknown>
  t.equal(report['Response Status'], '400 Bad Request')
  t.match(report['Response Body'], /^Invalid Tar File/)
  const unknown = await swift.call('PUT', '/ex?extract-archive=zip', { body: 'x', headers: { accept: 'application/json' } })
  t.match(JSON.parse(unknown.text)['Response Body'], /Unsupported archive format/)
})
