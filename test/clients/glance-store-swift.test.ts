// glance_store's swift driver (Debian's python3-glance-store, run by Debian's python3) adding,
// reading and deleting a 200 MB image in chunks, as Glance does; the image is a DLO whose
// chunks go with it. A missing glance_store is a failure, not a skip.
import t from 'tap'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCluster } from '../helpers/cluster.js'
import { repoRoot } from '../helpers/process.js'

const run = promisify(execFile)
const cluster = await startCluster(t)
const { token, storageUrl } = await cluster.auth()
const script = join(repoRoot, 'test', 'clients', 'glance-store-swift.py')
const SIZE = 200 * 1024 * 1024

async function glance (...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('/usr/bin/python3', [script, `${cluster.url}/auth/v1.0`, ...args], { maxBuffer: 1024 * 1024 })
  return JSON.parse(stdout) as Record<string, unknown>
}

async function swift (method: string, path: string): Promise<Response> {
  return await fetch(`${storageUrl}${path}`, { method, headers: { 'x-auth-token': token } })
}

t.test('add, read and delete a 200 MB image', async (t) => {
  const added = await glance('add', String(SIZE), 'image-1')
  t.equal(added.size, SIZE)
  t.equal(added.checksum, added.md5, 'the checksum Glance records is the bytes\' MD5')
  const head = await swift('HEAD', '/glance/image-1')
  t.equal(head.headers.get('content-length'), String(SIZE))
  t.equal(head.headers.get('x-object-manifest'), 'glance/image-1-', 'stored in chunks behind a DLO manifest')
  const chunks = (await (await swift('GET', '/glance?prefix=image-1-')).text()).trim().split('\n')
  t.ok(chunks.length >= 4, `${chunks.length} chunks`)

  const read = await glance('get', String(added.location))
  t.equal(read.read, SIZE)
  t.equal(read.md5, added.md5, 'read back byte for byte')

  t.same(await glance('delete', String(added.location)), { deleted: true })
  t.equal((await swift('HEAD', '/glance/image-1')).status, 404)
  t.equal((await (await swift('GET', '/glance')).text()).trim(), '', 'the chunks are gone too')
})
