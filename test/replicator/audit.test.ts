/**
 * Issue 7, test 3: one replica's bytes are corrupted on disk.
 * - The auditor quarantines it (file moved aside, row removed), so that replica answers 404
 *   rather than the corrupt bytes; the replicator then restores a good copy from a peer.
 * - Before any auditor pass, GETs through a real proxy never return the corrupt bytes: a small
 *   object comes whole from another replica, a large one whole or with its connection cut. The
 *   storage node that read bad bytes from a data file cuts its answer one byte short and
 *   quarantines its copy itself; an inline object (a LevelDB row) is checked by the proxy.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { Level } from 'level'
import type { LocalLayout } from '../../src/local/layout.js'
import { decodeRecord, encodeRecord } from '../../src/objectd/object-record.js'
import type { AuditEntry } from '../../src/objectd/quarantine.js'
import type { NodeHealth } from '../../src/proxy/backend/health.js'
import { orderForRead } from '../../src/proxy/backend/nodes.js'
import type { Device } from '../../src/ring/index.js'
import { startCluster } from '../helpers/cluster.js'
import { clusterRing, direct, directWriter, replicateUntilQuiet, runPass, startStorageNodes } from './helpers.js'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')

/**
 * Flips one byte of `name`'s data file on device `d` (the row may lag the proxy's quorum answer
 * by a moment); answers the file's path.
 */
async function corruptReplica (layout: LocalLayout, d: Device, part: number, name: string, offset: number): Promise<string> {
  const node = layout.nodes.find((n) => n.port === d.port)
  if (node === undefined) throw new Error(`no node on port ${d.port}`)
  for (let tries = 0; tries < 50; tries++) {
    const hashes = JSON.parse((await direct(d, 'GET', `/${part}?hashes&role=object`)).body.toString()) as Record<string, string>
    const entries: AuditEntry[] = []
    for (const suffix of Object.keys(hashes)) {
      entries.push(...JSON.parse((await direct(d, 'GET', `/${part}?audit&suffix=${suffix}`)).body.toString()) as AuditEntry[])
    }
    const entry = entries.find((e) => e.name === name)
    if (entry?.file !== undefined) {
      const file = join(node.devicesRoot, d.device, entry.file)
      const bytes = await readFile(file)
      bytes[offset] ^= 0xff
      await writeFile(file, bytes)
      return file
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${name} has no data file on ${d.port}/${d.device}`)
}

async function quarantinedFiles (layout: LocalLayout, d: Device): Promise<string[]> {
  const node = layout.nodes.find((n) => n.port === d.port)
  return await readdir(join(node?.devicesRoot ?? '', d.device, 'quarantined', 'objects')).catch(() => [])
}

t.test('a corrupt replica is quarantined and restored', async (t) => {
  const cluster = await startStorageNodes(t, 6, { objectd: { inline_max_bytes: 1024 } })
  const { configs, layout } = cluster
  const ring = await clusterRing(configs[0], 'object')
  const writer = directWriter(ring, await clusterRing(configs[0], 'container'), () => false)
  await writer.createContainer('c')
  const body = Buffer.alloc(64 * 1024, 'ringstore ')
  const etag = md5(body)
  for (let i = 0; i < 10; i++) await writer.write('c', `big${i}`, body)

  const { part, nodes } = ring.getNodes('AUTH_test', 'c', 'big3')
  const victim = nodes[0]
  const node = layout.nodes.findIndex((n) => n.port === victim.port)
  await corruptReplica(layout, victim, part, 'AUTH_test/c/big3', 1000)

  const audit = await runPass('auditor', configs[node])
  t.equal(audit.quarantined, 1, 'the auditor quarantined exactly the corrupt object')
  t.equal((await quarantinedFiles(layout, victim)).length, 1, 'the corrupt file was moved aside')
  t.equal((await direct(victim, 'GET', `/${part}/AUTH_test/c/big3`)).status, 404, 'the corrupt replica no longer serves it')
  for (const d of nodes.slice(1)) {
    const res = await direct(d, 'GET', `/${part}/AUTH_test/c/big3`)
    t.equal(md5(res.body), etag, `the other replica ${d.port}/${d.device} serves good bytes`)
  }

  await replicateUntilQuiet(configs)
  const restored = await direct(victim, 'GET', `/${part}/AUTH_test/c/big3`)
  t.equal(restored.status, 200, 'restored by the replicator')
  t.equal(md5(restored.body), etag, 'with good bytes')
  t.equal((await runPass('auditor', configs[node])).quarantined, 0, 'and the next audit finds nothing wrong')
})

t.test('before any auditor pass, a GET never serves a corrupt replica', async (t) => {
  // A small inline limit, so the small object is a data file too (inline ones are LevelDB rows).
  const cluster = await startCluster(t, { overrides: { objectd: { inline_max_bytes: 1024 } } })
  const { layout } = cluster
  const { token, storageUrl } = await cluster.auth()
  const ring = await clusterRing(layout.nodes[0].config, 'object')
  const call = async (method: 'GET' | 'PUT', path: string, opts: { body?: Buffer, headers?: Record<string, string> } = {}) =>
    await request(`${storageUrl}${path}`, { method, body: opts.body, headers: { 'x-auth-token': token, ...opts.headers } })
  t.equal((await call('PUT', '/c')).statusCode, 201)
  const objects = {
    small: randomBytes(8 * 1024),
    large: randomBytes(1024 * 1024),
    ranged: randomBytes(256 * 1024),
    cut: randomBytes(300 * 1024),
    inline: randomBytes(512)
  }
  for (const [name, body] of Object.entries(objects)) {
    const res = await call('PUT', `/c/${name}`, { body })
    await res.body.dump()
    t.equal(res.statusCode, 201, `${name} written`)
  }
  // The replica the proxy (region 1, zone 1, affinity) reads first is the one to corrupt.
  const healthy = { isLimited: () => false } as unknown as NodeHealth
  const firstRead = (name: string): { part: number, victim: Device, others: Device[] } => {
    const { part, nodes } = ring.getNodes('AUTH_test', 'c', name)
    const [victim, ...others] = orderForRead(nodes, { region: 1, zone: 1, sorting: 'affinity' }, healthy)
    return { part, victim, others }
  }
  const metric = async (d: Device): Promise<number> => {
    const text = await (await request(`http://${d.ip}:${d.port}/metrics`)).body.text()
    return Number(/^objectd_get_quarantines_total (\S+)$/m.exec(text)?.[1] ?? 'NaN')
  }
  const waitQuarantined = async (d: Device, part: number, name: string): Promise<number> => {
    let status = 0
    for (let tries = 0; tries < 50 && status !== 404; tries++) {
      status = (await direct(d, 'GET', `/${part}/AUTH_test/c/${name}`)).status
      if (status !== 404) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return status
  }
  /** 20 GETs, 10 at once then 10 in turn: each a complete body or a cut connection. */
  const getMany = async (name: string): Promise<Array<Buffer | Error>> => {
    const one = async (): Promise<Buffer | Error> => {
      try {
        const res = await call('GET', `/c/${name}`)
        const body = Buffer.from(await res.body.arrayBuffer())
        return res.statusCode === 200 ? body : new Error(`status ${res.statusCode}`)
      } catch (err) {
        return err as Error
      }
    }
    const out = await Promise.all(Array.from({ length: 10 }, one))
    for (let i = 0; i < 10; i++) out.push(await one())
    return out
  }

  t.test('a small object: every GET answers the right bytes', async (t) => {
    const { part, victim, others } = firstRead('small')
    await corruptReplica(layout, victim, part, 'AUTH_test/c/small', 100)
    const results = await getMany('small')
    t.same(results.map((r) => r instanceof Error ? r.message : md5(r)), results.map(() => md5(objects.small)),
      'every GET is a 200 with the original bytes')
    t.equal(await waitQuarantined(victim, part, 'small'), 404, 'the replica that read corrupt bytes quarantined its copy')
    t.equal(await metric(victim), 1, 'and counted it')
    t.equal((await quarantinedFiles(layout, victim)).length, 1, 'its data file was moved aside')
    for (const d of others) t.equal(md5((await direct(d, 'GET', `/${part}/AUTH_test/c/small`)).body), md5(objects.small), `${d.port}/${d.device} is untouched`)

    await replicateUntilQuiet(layout.nodes.map((n) => n.config))
    const restored = await direct(victim, 'GET', `/${part}/AUTH_test/c/small`)
    t.equal(restored.status, 200, 'the replicator restored it')
    t.equal(md5(restored.body), md5(objects.small), 'with good bytes')
  })

  t.test('a 1 MiB object: right bytes or a cut connection, never a complete wrong body', async (t) => {
    const { part, victim } = firstRead('large')
    const before = await metric(victim)
    await corruptReplica(layout, victim, part, 'AUTH_test/c/large', 600_000)
    const results = await getMany('large')
    const wrong = results.filter((r) => !(r instanceof Error) && !r.equals(objects.large))
    const cut = results.filter((r) => r instanceof Error)
    t.equal(wrong.length, 0, 'no GET completed with wrong bytes')
    t.ok(cut.length >= 1, `the corrupt replica was read and its body cut (${cut.length} of 20 cut)`)
    t.notOk(results[results.length - 1] instanceof Error, 'the last GET, after the quarantine, is whole')
    t.equal(await waitQuarantined(victim, part, 'large'), 404, 'the replica that read corrupt bytes quarantined its copy')
    t.equal(await metric(victim), before + 1, 'and counted it')
  })

  t.test('a storage node cuts a corrupt data file one byte short, the proxy\'s sign not to resume it', async (t) => {
    const { part, victim } = firstRead('cut')
    await corruptReplica(layout, victim, part, 'AUTH_test/c/cut', 200_000)
    const res = await request(`http://${victim.ip}:${victim.port}/${victim.device}/${part}/AUTH_test/c/cut`)
    t.equal(res.headers['x-backend-checked-body'], 'md5', 'the node announces that it checks the body')
    let received = 0
    const outcome = await (async () => {
      for await (const chunk of res.body) received += (chunk as Buffer).length
    })().then(() => 'complete', (err: Error) => err.message)
    t.not(outcome, 'complete', `the body broke (${outcome})`)
    t.equal(received, objects.cut.length - 1, 'exactly one byte short')
    t.equal(await waitQuarantined(victim, part, 'cut'), 404, 'and the node quarantined its copy')
  })

  t.test('an inline object (a LevelDB row) is checked by the proxy: every GET answers the right bytes', async (t) => {
    const { part, victim } = firstRead('inline')
    const index = layout.nodes.findIndex((n) => n.port === victim.port)
    await cluster.stopNode(index)
    const db = new Level<string, Buffer>(join(layout.nodes[index].devicesRoot, victim.device, 'db'), { keyEncoding: 'utf8', valueEncoding: 'buffer' })
    let corrupted = 0
    for await (const [key, value] of db.iterator({ gte: 'o0/', lt: 'o0/\xff' })) {
      const { meta, inline } = decodeRecord(value)
      if (!inline.equals(objects.inline)) continue
      const bad = Buffer.from(inline)
      bad[100] ^= 0xff
      await db.put(key, encodeRecord(meta, bad))
      corrupted++
    }
    await db.close()
    await cluster.startNode(index)
    t.equal(corrupted, 1, 'the first replica read holds the object in its row, now with one byte flipped')
    t.equal(md5((await direct(victim, 'GET', `/${part}/AUTH_test/c/inline`)).body) === md5(objects.inline), false, 'and serves the flipped byte')
    const results = await getMany('inline')
    t.same(results.map((r) => r instanceof Error ? r.message : md5(r)), results.map(() => md5(objects.inline)),
      'every GET through the proxy is a 200 with the original bytes')
  })

  t.test('ranged and conditional GETs still work', async (t) => {
    const body = objects.ranged
    const ranges: Array<[string, number, number]> = [['bytes=0-99', 0, 99], ['bytes=1000-', 1000, body.length - 1], ['bytes=-10', body.length - 10, body.length - 1], ['bytes=0-', 0, body.length - 1]]
    for (const [range, first, last] of ranges) {
      const res = await call('GET', '/c/ranged', { headers: { range } })
      const got = Buffer.from(await res.body.arrayBuffer())
      t.equal(res.statusCode, 206, range)
      t.ok(got.equals(body.subarray(first, last + 1)), `${range}: the right bytes`)
    }
    const multi = await call('GET', '/c/ranged', { headers: { range: 'bytes=0-9,100-109' } })
    const text = Buffer.from(await multi.body.arrayBuffer()).toString('latin1')
    t.equal(multi.statusCode, 206)
    t.ok(text.includes(body.subarray(100, 110).toString('latin1')), 'multiple ranges: multipart/byteranges with the bytes')
    const whole = await call('GET', '/c/ranged')
    t.equal(md5(Buffer.from(await whole.body.arrayBuffer())), md5(body), 'the whole object')
    const unchanged = await call('GET', '/c/ranged', { headers: { 'if-none-match': `"${md5(body)}"` } })
    await unchanged.body.dump()
    t.equal(unchanged.statusCode, 304, 'If-None-Match')
  })
})

t.test('the auditor checks at most files_per_second objects per second on a node', async (t) => {
  // Small objects are read through objectd, a request each: a pass over many of them is held to
  // the node's rate (one second's worth passes at once), not only to bytes_per_second.
  const cluster = await startStorageNodes(t, 6, { auditor: { files_per_second: 4 } })
  const ring = await clusterRing(cluster.configs[0], 'object')
  const writer = directWriter(ring, await clusterRing(cluster.configs[0], 'container'), () => false)
  await writer.createContainer('small')
  for (let i = 0; i < 24; i++) await writer.write('small', `o${i}`, Buffer.from(`object ${i}`))
  const pass = await runPass('auditor', cluster.configs[0])
  const objects = pass.objects as number
  // Node 1's share is random (each run picks its own hash path secret): at least 8 is near certain.
  t.ok(objects >= 8, `node 1 holds ${objects} of the 72 replicas`)
  t.ok((pass.seconds as number) >= (objects - 4) / 4 - 0.1, `${objects} objects took ${pass.seconds as number} s at 4 per second`)
})
