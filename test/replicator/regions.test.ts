/**
 * Issue 7, test 4: three regions as network namespaces with a 40 ms, 100 mbit WAN between them,
 * two storage nodes per region, six replicas (two per region). Objects are written with write
 * affinity in region 1 (its two primaries only); the replicators run until quiet. Measured: the
 * time until every region holds every object, and the bytes that crossed between regions per
 * object, for the gateway design and for the naive every-primary-to-every-primary mode.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { RingBuilder, type Device } from '../../src/ring/index.js'
import { cliPath, tempDir, waitForHealthy, type Teardown } from '../helpers/process.js'
import { clusterRing, direct, directWriter, inParallel, replicateUntilQuiet } from './helpers.js'
import { createWan, type Wan } from './netns.js'

const OBJECTS = 100
const SIZE = 32 * 1024
const NODES_PER_REGION = 2

interface Node { ns: string, ip: string, port: number, config: string, naiveConfig: string, region: number }

async function buildCluster (t: Teardown, wan: Wan): Promise<Node[]> {
  const dir = await tempDir(t, 'ringstore-wan-')
  const ringDir = join(dir, 'etc')
  await mkdir(ringDir, { recursive: true })
  const nodes: Node[] = []
  wan.namespaces.forEach((ns, r) => {
    for (let n = 0; n < NODES_PER_REGION; n++) {
      const config = join(ringDir, `node-r${r + 1}-${n + 1}.json`)
      nodes.push({ ns, ip: wan.addresses[r], port: 6200 + n, config, naiveConfig: config.replace('.json', '-naive.json'), region: r + 1 })
    }
  })
  for (const [name, replicas] of [['object', 6], ['container', 3], ['account', 3]] as const) {
    const builder = RingBuilder.create(6, replicas, 0)
    nodes.forEach((n, i) => builder.addDevice({ region: n.region, zone: (i % NODES_PER_REGION) + 1, ip: n.ip, port: n.port, replicationIp: n.ip, replicationPort: n.port, device: 'd1', weight: 100 }))
    builder.rebalance({ seed: 1 })
    await builder.writeRing(join(ringDir, `${name}.ring.gz`))
  }
  const cluster = { ring_dir: ringDir, hash_path_suffix: randomBytes(8).toString('hex'), policies: [{ index: 0, name: 'gold', default: true }] }
  for (const [i, n] of nodes.entries()) {
    const devices = join(dir, `node${i}`)
    await mkdir(join(devices, 'd1'), { recursive: true })
    const sections = { cluster, objectd: { bind_ip: n.ip, bind_port: n.port, devices, log_level: 'warn' }, replicator: { naive: false } }
    await writeFile(n.config, JSON.stringify(sections))
    await writeFile(n.naiveConfig, JSON.stringify({ ...sections, replicator: { naive: true } }))
    const child = spawn('ip', ['netns', 'exec', n.ns, process.execPath, cliPath, 'objectd', '--config', n.config], { stdio: 'ignore' })
    t.teardown(() => { child.kill('SIGKILL') })
    await waitForHealthy(`http://${n.ip}:${n.port}/healthcheck`, undefined, 60_000)
  }
  return nodes
}

interface Measure { seconds: number, bytesPerObject: number, rounds: number }

async function writeAndReplicate (wan: Wan, nodes: Node[], container: string, naive: boolean): Promise<Measure> {
  const configs = nodes.map((n) => (naive ? n.naiveConfig : n.config))
  const ring = await clusterRing(nodes[0].config, 'object')
  // Write affinity in region 1: the object goes to region 1's primaries only.
  const writer = directWriter(ring, await clusterRing(nodes[0].config, 'container'), () => false,
    (_part, primaries) => primaries.filter((d) => d.region === 1))
  await writer.createContainer(container)
  const body = randomBytes(SIZE)
  await inParallel(Array.from({ length: OBJECTS }, (_v, i) => `o${i}`), 8, async (name) => { await writer.write(container, name, body) })
  const before = wan.regionBytes()
  const started = Date.now()
  const rounds = await replicateUntilQuiet(configs, 10, nodes.map((n) => n.ns))
  const seconds = (Date.now() - started) / 1000
  const after = wan.regionBytes()
  // Every packet between two regions goes through exactly two region links.
  const crossed = after.reduce((sum, b, i) => sum + b - before[i], 0) / 2
  return { seconds, bytesPerObject: crossed / OBJECTS, rounds: rounds.length }
}

async function everyRegionHasEverything (nodes: Node[], container: string): Promise<string[]> {
  const ring = await clusterRing(nodes[0].config, 'object')
  const missing: string[] = []
  await inParallel(Array.from({ length: OBJECTS }, (_v, i) => `o${i}`), 8, async (name) => {
    const { part, nodes: primaries } = ring.getNodes('AUTH_test', container, name)
    for (const d of primaries as Device[]) {
      const res = await direct(d, 'HEAD', `/${part}/AUTH_test/${container}/${name}`)
      if (res.status !== 200) missing.push(`${name} on r${d.region} ${d.ip}:${d.port}`)
    }
  })
  return missing
}

t.test('write affinity in region 1, replication to two remote regions over a slow WAN', async (t) => {
  const wan = await createWan(t, 3, { delayMs: 40, rate: '100mbit' })
  t.comment(`WAN: 40 ms one way between regions, 100 mbit per region link, delayed by ${wan.emulator === 'netem' ? 'netem' : 'the TUN emulator (no sch_netem in this kernel)'}`)
  const nodes = await buildCluster(t, wan)

  const gateway = await writeAndReplicate(wan, nodes, 'gateway', false)
  t.same(await everyRegionHasEverything(nodes, 'gateway'), [], 'gateway mode: every region holds every object')
  const naive = await writeAndReplicate(wan, nodes, 'naive', true)
  t.same(await everyRegionHasEverything(nodes, 'naive'), [], 'naive mode: every region holds every object')

  const fmt = (m: Measure): string => `${m.seconds.toFixed(1)} s in ${m.rounds} rounds, ${(m.bytesPerObject / 1024).toFixed(1)} KiB across regions per ${SIZE / 1024} KiB object`
  t.comment(`gateway: ${fmt(gateway)}`)
  t.comment(`naive:   ${fmt(naive)}`)
  // Two remote regions: the payload must cross at least twice, and gateways send it about twice.
  t.ok(gateway.bytesPerObject >= 2 * SIZE, 'each object reached both remote regions')
  t.ok(gateway.bytesPerObject < 3 * SIZE, 'gateway mode sends each object over the WAN about once per remote region')
  t.ok(naive.bytesPerObject > gateway.bytesPerObject, 'the naive mode sends more across regions')
})
