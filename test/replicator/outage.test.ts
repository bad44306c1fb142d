/**
 * Issue 7, test 1: a storage node is down while 2,000 objects are written and 200 older ones
 * deleted; once it is back and the updaters and replicators have run until quiet, every
 * primary holds the same objects at the same timestamps, tombstones where deleted, and every
 * container replica lists the same objects.
 */
import t from 'tap'
import type { RoleReport } from '../../src/replicator/report.js'
import { clusterRing, direct, directWriter, inParallel, replicateUntilQuiet, runCli, runPass, startStorageNodes } from './helpers.js'

const OBJECTS = 2000
const DELETED = 200

t.test('a node that missed writes and deletes catches up', async (t) => {
  const cluster = await startStorageNodes(t, 6)
  const { configs } = cluster
  const ring = await clusterRing(configs[0], 'object')
  const cring = await clusterRing(configs[0], 'container')
  const downPort = cluster.layout.nodes[3].port
  const writer = directWriter(ring, cring, (d) => d.port === downPort)
  await writer.createContainer('photos')

  await cluster.stopNode(3)
  const names = Array.from({ length: OBJECTS }, (_v, i) => `obj-${String(i).padStart(5, '0')}`)
  await inParallel(names, 32, async (name) => { await writer.write('photos', name, `body of ${name}`) })
  const deleted = new Set(names.slice(0, DELETED))
  await inParallel([...deleted], 32, async (name) => { await writer.write('photos', name, null) })
  await cluster.startNode(3)

  const started = Date.now()
  await Promise.all(configs.map(async (c) => await runPass('updater', c)))
  const rounds = await replicateUntilQuiet(configs)
  t.comment(`converged in ${rounds.length} rounds, ${((Date.now() - started) / 1000).toFixed(1)} s; pushed per round: ${rounds.map((r) => r.reduce((n, p) => n + (p.pushed ?? 0), 0)).join(', ')}`)

  const mismatches: string[] = []
  await inParallel(names, 16, async (name) => {
    const { part, nodes } = ring.getNodes('AUTH_test', 'photos', name)
    const answers = await Promise.all(nodes.map(async (d) => await direct(d, 'HEAD', `/${part}/AUTH_test/photos/${name}`)))
    const stamps = answers.map((a) => a.headers['x-backend-timestamp'])
    const want = deleted.has(name) ? 404 : 200
    if (answers.some((a) => a.status !== want) || new Set(stamps).size !== 1 || stamps[0] === undefined) {
      mismatches.push(`${name}: ${answers.map((a, i) => `${nodes[i].port}/${nodes[i].device} ${a.status} ${stamps[i]}`).join('; ')}`)
    }
  })
  t.same(mismatches.slice(0, 5), [], 'every primary holds the same version (tombstones where deleted)')

  const { part, nodes } = cring.getNodes('AUTH_test', 'photos')
  const listings = await Promise.all(nodes.map(async (d) => {
    const names: string[] = []
    for (let marker = ''; ;) {
      const res = await direct(d, 'GET', `/${part}/AUTH_test/photos?format=json&marker=${encodeURIComponent(marker)}`)
      const rows = JSON.parse(res.body.toString() || '[]') as Array<{ name: string }>
      if (rows.length === 0) return names
      names.push(...rows.map((r) => r.name))
      marker = rows[rows.length - 1].name
    }
  }))
  const expected = names.filter((n) => !deleted.has(n))
  listings.forEach((l, i) => { t.same(l, expected, `container replica ${i} lists the ${expected.length} live objects`) })

  const report = JSON.parse(await runCli(['replication-report', '--config', configs[0], '--json'])) as { roles: RoleReport[] }
  for (const r of report.roles) {
    t.equal(r.missing_replicas + r.misplaced, 0, `replication-report: ${r.role} has ${r.in_sync} of ${r.partitions} partitions in sync`)
  }
})
