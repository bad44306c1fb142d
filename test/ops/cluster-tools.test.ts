/**
 * `ringstore dispersion` and `ringstore status` against a real four-node cluster: a replica
 * removed on a storage node is counted as missing, and a stopped node shows as down with a
 * non-zero (CRITICAL) exit code. On the way, the metrics the dashboard relies on.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { nowTimestamp } from '../../src/common/timestamp.js'
import { defaultPolicy, objectRingName } from '../../src/common/config.js'
import { findTarget, loadRings } from '../../src/ops/cluster.js'
import { probes } from '../../src/ops/dispersion/probes.js'
import { startCluster } from '../helpers/cluster.js'
import { cliPath } from '../helpers/process.js'

const cluster = await startCluster(t, { partPower: 6 })
const data = cluster.layout.dataDir

async function ringstore (...args: string[]): Promise<{ code: number, json: Record<string, unknown> }> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath, ...args, '--data', data, '--json'], (err, stdout) => {
      try {
        resolve({ code: err === null ? 0 : Number((err as { code?: number }).code), json: JSON.parse(stdout) as Record<string, unknown> })
      } catch (parseErr) {
        reject(new Error(`ringstore ${args.join(' ')}: ${(parseErr as Error).message}\n${stdout}`))
      }
    })
  })
}

interface RingReport { ring: string, probes: number, regions: Record<string, { expected: number, found: number, missing: number }> }

t.test('dispersion: probes are placed once, then a removed replica is counted', async (t) => {
  const first = await ringstore('dispersion')
  t.equal(first.code, 0, JSON.stringify(first.json))
  t.equal(first.json.populated, true)
  const rings = first.json.rings as RingReport[]
  t.equal(rings.length, 2, 'object and container rings')
  for (const r of rings) {
    t.ok(r.probes >= 1)
    t.same(Object.keys(r.regions).sort(), ['1', '2'], `${r.ring}: copies in both regions`)
  }

  // Delete one copy of one probe object straight on a primary (a tombstone, as a lost disk would leave nothing).
  const target = await findTarget({ data })
  const policy = defaultPolicy(target.cluster.policies)
  const ring = (await loadRings(target.cluster)).get(objectRingName(policy.index))
  if (ring === undefined) throw new Error('no object ring')
  const probe = probes(ring, 'object', 'AUTH_test', 1)[0]
  const victim = ring.getPartNodes(probe.part)[0]
  const res = await fetch(`http://${victim.ip}:${victim.port}/${victim.device}/${probe.part}/AUTH_test/${probe.container}/${probe.object ?? ''}`, {
    method: 'DELETE',
    headers: { 'x-timestamp': nowTimestamp(), 'x-backend-storage-policy-index': String(policy.index) }
  })
  t.equal(res.status, 204, 'the copy was there and is gone')

  const second = await ringstore('dispersion')
  t.equal(second.code, 1, 'WARNING: a copy is missing')
  t.equal(second.json.populated, false, 'the probes are not placed again')
  const objects = (second.json.rings as RingReport[])[0]
  const region = objects.regions[String(victim.region)]
  t.equal(region.missing, 1, `the missing copy is counted in region ${victim.region}`)
  t.equal(region.found, region.expected - 1)
})

t.test('metrics: ring versions, bytes per API, disk usage per device', async (t) => {
  const proxy = await (await fetch(`${cluster.url}/metrics`)).text()
  t.match(proxy, /ringstore_ring_version_info\{ring="object",version="[^"]+"\} 1/)
  const bytesIn = /ringstore_proxy_bytes_in_total\{api="swift"\} (\d+)/.exec(proxy)
  t.ok(Number(bytesIn?.[1]) > 0, 'the probes\' bodies are counted')
  t.match(proxy, /ringstore_proxy_bytes_out_total\{api="swift"\}/)
  const node = await (await fetch(`http://127.0.0.1:${cluster.layout.nodes[0].port}/metrics`)).text()
  t.match(node, /objectd_device_bytes\{device="d1",kind="size"\} \d+/)
  t.match(node, /ringstore_ring_version_info\{ring="container",version="[^"]+"\} 1/)
})

t.test('status: all up is OK; a stopped node is down and CRITICAL', async (t) => {
  const ok = await ringstore('status')
  t.equal(ok.code, 0, JSON.stringify(ok.json.problems))
  const nodes = ok.json.nodes as Array<{ address: string, up: boolean, devices: unknown[], rings: Record<string, string> }>
  t.equal(nodes.length, 4)
  for (const n of nodes) {
    t.ok(n.up)
    t.equal(n.devices.length, 2, `${n.address}: both devices reported`)
    t.same(n.rings, ok.json.expectedRings, `${n.address} runs the rings of ring_dir`)
  }
  t.same(ok.json.replicationLag, { 1: 'unknown', 2: 'unknown' }, 'no replicator running: lag unknown')

  await cluster.stopNode(1)
  t.teardown(async () => { if (cluster.nodes[1] === undefined) await cluster.startNode(1) })
  const down = await ringstore('status')
  t.equal(down.code, 2, 'CRITICAL')
  t.equal(down.json.status, 'CRITICAL')
  const stopped = `127.0.0.1:${cluster.layout.nodes[1].port}`
  t.equal((down.json.nodes as Array<{ address: string, up: boolean }>).find((n) => n.address === stopped)?.up, false)
  t.match(JSON.stringify(down.json.problems), new RegExp(`node ${stopped} is down`))
})

t.test('status without a cluster to look at is UNKNOWN (3)', async (t) => {
  const res = await new Promise<number>((resolve) => {
    execFile(process.execPath, [cliPath, 'status', '--data', '/nonexistent'], (err) => { resolve(err === null ? 0 : Number((err as { code?: number }).code)) })
  })
  t.equal(res, 3)
})
