/**
 * Write affinity through the real proxy (`write_affinity: r1`): a PUT lands on region 1 only
 * (its primaries there plus region-1 handoffs in place of the remote primaries); the
 * replicators then carry each object to its region-2 primaries and remove the handoff copies.
 */
import t from 'tap'
import { request } from 'undici'
import type { RoleReport } from '../../src/replicator/report.js'
import { startCluster } from '../helpers/cluster.js'
import { clusterRing, direct, inParallel, replicateUntilQuiet, runCli } from './helpers.js'

t.test('write affinity writes locally; the replicator carries the copies', async (t) => {
  const cluster = await startCluster(t, { partPower: 6, overrides: { proxy: { write_affinity: 'r1' } } })
  const configs = cluster.layout.nodes.map((n) => n.config)
  const { token, storageUrl } = await cluster.auth()
  const auth = { 'x-auth-token': token }
  const created = await request(`${storageUrl}/local`, { method: 'PUT', headers: auth })
  await created.body.dump()
  t.equal(created.statusCode, 201)
  const names = Array.from({ length: 50 }, (_v, i) => `w${i}`)
  await inParallel(names, 8, async (name) => {
    const res = await request(`${storageUrl}/local/${name}`, { method: 'PUT', headers: auth, body: `data ${name}` })
    await res.body.dump()
    if (res.statusCode !== 201) throw new Error(`PUT ${name}: ${res.statusCode}`)
  })

  const ring = await clusterRing(configs[0], 'object')
  const holders = async (name: string): Promise<{ r1: number, r2: number }> => {
    const { part, nodes } = ring.getNodes('AUTH_test', 'local', name)
    const answers = await Promise.all(nodes.map(async (d) => (await direct(d, 'HEAD', `/${part}/AUTH_test/local/${name}`)).status))
    return { r1: answers.filter((s, i) => s === 200 && nodes[i].region === 1).length, r2: answers.filter((s, i) => s === 200 && nodes[i].region === 2).length }
  }
  const before = await Promise.all(names.map(holders))
  t.equal(before.reduce((n, h) => n + h.r2, 0), 0, 'no region-2 primary was written')

  await replicateUntilQuiet(configs)
  const after = await Promise.all(names.map(async (name) => {
    const { nodes } = ring.getNodes('AUTH_test', 'local', name)
    const h = await holders(name)
    return h.r1 + h.r2 === nodes.length
  }))
  t.ok(after.every(Boolean), 'every primary in both regions holds every object')
  const report = JSON.parse(await runCli(['replication-report', '--config', configs[0], '--json'])) as { roles: RoleReport[] }
  const objects = report.roles.find((r) => r.role === 'object-0')
  t.equal(objects?.misplaced, 0, 'the handoff copies in region 1 were removed')
  t.equal(objects?.missing_replicas, 0, 'no replica is missing')
  const res = await request(`${storageUrl}/local/w7`, { headers: auth })
  t.equal(await res.body.text(), 'data w7', 'reads through the proxy')
})
