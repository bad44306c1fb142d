/**
 * Issue 7, test 3: one replica's bytes are corrupted on disk. The auditor quarantines it (file
 * moved aside, row removed), so that replica answers 404 rather than the corrupt bytes; the
 * replicator then restores a good copy from a peer.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import type { AuditEntry } from '../../src/objectd/quarantine.js'
import { clusterRing, direct, directWriter, replicateUntilQuiet, runPass, startStorageNodes } from './helpers.js'

t.test('a corrupt replica is quarantined and restored', async (t) => {
  const cluster = await startStorageNodes(t, 6, { objectd: { inline_max_bytes: 1024 } })
  const { configs, layout } = cluster
  const ring = await clusterRing(configs[0], 'object')
  const writer = directWriter(ring, await clusterRing(configs[0], 'container'), () => false)
  await writer.createContainer('c')
  const body = Buffer.alloc(64 * 1024, 'ringstore ')
  const etag = createHash('md5').update(body).digest('hex')
  for (let i = 0; i < 10; i++) await writer.write('c', `big${i}`, body)

  const { part, nodes } = ring.getNodes('AUTH_test', 'c', 'big3')
  const victim = nodes[0]
  const node = layout.nodes.findIndex((n) => n.port === victim.port)
  const hashes = JSON.parse((await direct(victim, 'GET', `/${part}?hashes&role=object`)).body.toString()) as Record<string, string>
  const entries: AuditEntry[] = []
  for (const suffix of Object.keys(hashes)) {
    entries.push(...JSON.parse((await direct(victim, 'GET', `/${part}?audit&suffix=${suffix}`)).body.toString()) as AuditEntry[])
  }
  const entry = entries.find((e) => e.name === 'AUTH_test/c/big3')
  if (entry?.file === undefined) throw new Error('big3 has no data file on its first primary')
  const file = join(layout.nodes[node].devicesRoot, victim.device, entry.file)
  const bytes = await readFile(file)
  bytes[1000] ^= 0xff
  await writeFile(file, bytes)

  const audit = await runPass('auditor', configs[node])
  t.equal(audit.quarantined, 1, 'the auditor quarantined exactly the corrupt object')
  const quarantined = await readdir(join(layout.nodes[node].devicesRoot, victim.device, 'quarantined', 'objects'))
  t.equal(quarantined.length, 1, 'the corrupt file was moved aside')
  t.equal((await direct(victim, 'GET', `/${part}/AUTH_test/c/big3`)).status, 404, 'the corrupt replica no longer serves it')
  for (const d of nodes.slice(1)) {
    const res = await direct(d, 'GET', `/${part}/AUTH_test/c/big3`)
    t.equal(createHash('md5').update(res.body).digest('hex'), etag, `the other replica ${d.port}/${d.device} serves good bytes`)
  }

  await replicateUntilQuiet(configs)
  const restored = await direct(victim, 'GET', `/${part}/AUTH_test/c/big3`)
  t.equal(restored.status, 200, 'restored by the replicator')
  t.equal(createHash('md5').update(restored.body).digest('hex'), etag, 'with good bytes')
  t.equal((await runPass('auditor', configs[node])).quarantined, 0, 'and the next audit finds nothing wrong')
})
