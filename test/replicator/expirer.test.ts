/**
 * The expirer: an object whose X-Delete-At has passed is deleted on every replica (tombstones at
 * the same timestamp, so the replicas agree) and its listing rows go away.
 */
import t from 'tap'
import { request } from 'undici'
import { clusterRing, direct, replicateUntilQuiet, runPass, startStorageNodes } from './helpers.js'

t.test('expired objects are deleted with their listing rows', async (t) => {
  const cluster = await startStorageNodes(t, 6)
  const ring = await clusterRing(cluster.configs[0], 'object')
  const cring = await clusterRing(cluster.configs[0], 'container')
  const c = cring.getNodes('AUTH_test', 'logs')
  const ts = (Date.now() / 1000).toFixed(5)
  for (const d of c.nodes) await (await request(`http://${d.ip}:${d.port}/${d.device}/${c.part}/AUTH_test/logs`, { method: 'PUT', headers: { 'x-timestamp': ts } })).body.dump()
  // At least 3 s ahead: every PUT lands before it even on a loaded machine.
  const deleteAt = String(Math.floor(Date.now() / 1000) + 4)
  for (const name of ['short', 'long']) {
    const { part, nodes } = ring.getNodes('AUTH_test', 'logs', name)
    // One timestamp for the replicas of an object, as the proxy gives them.
    const stamp = (Date.now() / 1000).toFixed(5)
    await Promise.all(nodes.map(async (d, i) => {
      const res = await request(`http://${d.ip}:${d.port}/${d.device}/${part}/AUTH_test/logs/${name}`, {
        method: 'PUT',
        body: name,
        headers: {
          'x-timestamp': stamp,
          'x-delete-at': name === 'short' ? deleteAt : String(Number(deleteAt) + 3600),
          'x-container-host': `${c.nodes[i].ip}:${c.nodes[i].port}`,
          'x-container-device': c.nodes[i].device,
          'x-container-partition': String(c.part)
        }
      })
      await res.body.dump()
    }))
  }
  await new Promise((resolve) => setTimeout(resolve, Number(deleteAt) * 1000 + 100 - Date.now()))
  const passes = await Promise.all(cluster.configs.map(async (config) => await runPass('expirer', config)))
  t.equal(passes.reduce((n, p) => n + (p.expired ?? 0), 0), 3, 'each of the three replicas of the expired object was deleted')
  await replicateUntilQuiet(cluster.configs)

  const { part, nodes } = ring.getNodes('AUTH_test', 'logs', 'short')
  const stamps = await Promise.all(nodes.map(async (d) => await direct(d, 'HEAD', `/${part}/AUTH_test/logs/short`)))
  t.ok(stamps.every((s) => s.status === 404), 'gone everywhere')
  t.equal(new Set(stamps.map((s) => s.headers['x-backend-timestamp'])).size, 1, 'one tombstone timestamp on every replica')
  for (const d of c.nodes) {
    const listing = JSON.parse((await direct(d, 'GET', `/${c.part}/AUTH_test/logs?format=json`)).body.toString() || '[]') as Array<{ name: string }>
    t.same(listing.map((r) => r.name), ['long'], `container replica ${d.port}/${d.device} lists only the live object`)
  }
})
