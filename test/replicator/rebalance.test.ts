/**
 * Issue 7, test 2: a device is removed from the object ring and the ring rebalanced (with the
 * RingBuilder, ring file rewritten in place); the replicators move its partitions to their new
 * homes, the removed device ends up empty, and no object is lost.
 */
import { join } from 'node:path'
import t from 'tap'
import { RingBuilder } from '../../src/ring/index.js'
import { clusterRing, direct, directWriter, inParallel, replicateUntilQuiet, startStorageNodes } from './helpers.js'

t.test('partitions of a removed device move to their new homes', async (t) => {
  const cluster = await startStorageNodes(t, 6)
  const { configs, layout } = cluster
  const ring = await clusterRing(configs[0], 'object')
  const writer = directWriter(ring, await clusterRing(configs[0], 'container'), () => false)
  await writer.createContainer('c')
  const names = Array.from({ length: 500 }, (_v, i) => `o${i}`)
  const stamps = new Map<string, string>()
  await inParallel(names, 32, async (name) => { stamps.set(name, await writer.write('c', name, `data ${name}`)) })

  const removed = ring.devices.find((d) => d.port === layout.nodes[0].port && d.device === 'd1')
  if (removed === undefined) throw new Error('node1/d1 is not in the ring')
  const heldBefore = JSON.parse((await direct(removed, 'GET', '?partitions&role=object')).body.toString()) as number[]
  t.ok(heldBefore.length > 0, `node1/d1 holds ${heldBefore.length} partitions before`)

  const builderFile = join(layout.etcDir, 'object.builder')
  const builder = await RingBuilder.load(builderFile)
  builder.removeDevice(removed.id)
  const result = builder.rebalance({ seed: 2 })
  t.comment(`rebalance moved ${result.moved} partition-replicas`)
  await builder.save(builderFile)
  await builder.writeRing(join(layout.etcDir, 'object.ring.gz'))

  const rounds = await replicateUntilQuiet(configs)
  t.comment(`quiet after ${rounds.length} rounds; handoffs removed: ${rounds.flat().reduce((n, p) => n + (p.handoffs_removed ?? 0), 0)}`)

  const heldAfter = JSON.parse((await direct(removed, 'GET', '?partitions&role=object')).body.toString()) as number[]
  t.same(heldAfter, [], 'the removed device holds nothing any more')
  const newRing = await clusterRing(configs[0], 'object')
  const lost: string[] = []
  await inParallel(names, 16, async (name) => {
    const { part, nodes } = newRing.getNodes('AUTH_test', 'c', name)
    for (const d of nodes) {
      const res = await direct(d, 'GET', `/${part}/AUTH_test/c/${name}`)
      if (res.status !== 200 || res.body.toString() !== `data ${name}` || res.headers['x-timestamp'] !== stamps.get(name)) lost.push(`${name} on ${d.port}/${d.device}: ${res.status}`)
    }
  })
  t.same(lost.slice(0, 5), [], 'every object is on every one of its new primaries')
})
