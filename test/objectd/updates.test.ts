import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { freePort } from '../helpers/process.js'
import { call, startObjectd, ts } from './helpers.js'

t.test('listing updates from object writes', async (t) => {
  const od = await startObjectd(t, { devices: ['sda', 'sdb'], objectd: { async_retry_interval: 1, node_timeout: 1 } })
  const { base } = od
  const target = (host: string): Record<string, string> => ({ 'x-container-host': host, 'x-container-device': 'sdb', 'x-container-partition': '4' })
  const self = `127.0.0.1:${od.port}`
  const recon = async (): Promise<{ async_pending: number }> => JSON.parse((await call(base, 'GET', '/recon')).text) as { async_pending: number }

  t.equal((await call(base, 'PUT', '/sdb/4/a/c', { 'x-timestamp': ts() })).status, 201)
  const put = await call(base, 'PUT', '/sda/1/a/c/obj', { 'x-timestamp': ts(), 'content-type': 'image/png', ...target(self) }, 'pixels')
  t.equal(put.status, 201)
  const rows = JSON.parse((await call(base, 'GET', '/sdb/4/a/c?format=json')).text) as Array<{ name: string, bytes: number, hash: string, content_type: string }>
  t.same(rows.map((r) => [r.name, r.bytes, r.hash, r.content_type]), [['obj', 6, put.headers.etag, 'image/png']], 'the row is there when the PUT answers')

  // Concurrent writes to one container are batched, and all land.
  const many = await Promise.all(Array.from({ length: 40 }, async (_, i) =>
    (await call(base, 'PUT', `/sda/1/a/c/many-${String(i).padStart(2, '0')}`, { 'x-timestamp': ts(), ...target(self) }, `body ${i}`)).status))
  t.ok(many.every((s) => s === 201))
  t.equal((await call(base, 'HEAD', '/sdb/4/a/c')).headers['x-container-object-count'], '41')
  const metrics = (await call(base, 'GET', '/metrics')).text
  const batches = Number(/objectd_listing_update_batches_total\{result="delivered"\} (\d+)/.exec(metrics)?.[1])
  t.ok(batches < 41, `41 updates in ${batches} PATCHes`)

  t.equal((await call(base, 'DELETE', '/sda/1/a/c/obj', { 'x-timestamp': ts(), ...target(self) })).status, 204)
  t.equal((await call(base, 'HEAD', '/sdb/4/a/c')).headers['x-container-object-count'], '40', 'delete reaches the listing')

  t.equal((await call(base, 'PUT', '/sda/1/a/c/repl', { 'x-timestamp': ts(), 'x-backend-replication': 'true', ...target(self) }, 'r')).status, 201)
  t.equal((await call(base, 'HEAD', '/sdb/4/a/c')).headers['x-container-object-count'], '40', 'replication writes send no update')

  t.test('a container node that is down: async pending, kept on disk', async (t) => {
    const down = `127.0.0.1:${await freePort()}`
    const started = Date.now()
    t.equal((await call(base, 'PUT', '/sda/1/a/c/lost', { 'x-timestamp': ts(), ...target(down) }, 'x')).status, 201)
    t.ok(Date.now() - started < 3000, 'the PUT is not held for long')
    t.equal((await recon()).async_pending, 1)
    const metrics = (await call(base, 'GET', '/metrics')).text
    t.match(metrics, /objectd_async_pending 1/)
    // It survives a restart.
    await od.daemon.kill('SIGTERM')
    await od.restart()
    t.ok((await recon()).async_pending >= 1, 'still pending after restart')
  })

  t.test('a container node that takes the connection and never answers: pending after node_timeout', async (t) => {
    const held: Socket[] = []
    const silent = createServer((socket) => { held.push(socket) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    t.teardown(async () => {
      for (const s of held) s.destroy()
      await new Promise((resolve) => silent.close(resolve))
    })
    const address = silent.address() as { port: number }
    const before = (await recon()).async_pending
    const started = Date.now()
    t.equal((await call(base, 'PUT', '/sda/1/a/c/unanswered', { 'x-timestamp': ts(), ...target(`127.0.0.1:${address.port}`) }, 'x')).status, 201)
    const waited = Date.now() - started
    t.ok(held.length > 0, 'the PATCH reached the silent node')
    t.ok(waited >= 900 && waited < 3000, `the PUT waited node_timeout (1 s) for the answer, not more: ${waited} ms`)
    t.equal((await recon()).async_pending, before + 1, 'and the row is kept')
  })

  t.test('a pending update is retried until the container takes it', async (t) => {
    t.equal((await call(base, 'PUT', '/sda/1/a/later/o', { 'x-timestamp': ts(), 'x-container-host': self, 'x-container-device': 'sdb', 'x-container-partition': '4' }, 'x')).status, 201)
    const before = (await recon()).async_pending
    t.ok(before >= 1, 'kept: the container does not exist yet')
    t.equal((await call(base, 'PUT', '/sdb/4/a/later', { 'x-timestamp': ts() })).status, 201)
    let count = '0'
    for (let i = 0; i < 60 && count !== '1'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      count = (await call(base, 'HEAD', '/sdb/4/a/later')).headers['x-container-object-count']
    }
    t.equal(count, '1', 'delivered by the retry loop')
    // The pending entry is removed just after the container took it.
    let pending = before
    for (let i = 0; i < 50 && pending !== before - 1; i++) {
      pending = (await recon()).async_pending
      if (pending !== before - 1) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    t.equal(pending, before - 1, 'and no longer pending')
  })
})
