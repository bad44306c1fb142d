/**
 * The layout of a local cluster, shared by `ringstore local` (npm start) and the functional
 * tests: 2 regions x 2 zones, four storage nodes with two devices each, 3 replicas, rings and
 * one config file per process, all under one data directory. Made once; later starts reuse it.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile, access } from 'node:fs/promises'
import { join } from 'node:path'
import { objectRingName, type PolicyConfig } from '../common/config.js'
import { RingBuilder } from '../ring/index.js'

export interface LocalNode {
  name: string
  region: number
  zone: number
  port: number
  devicesRoot: string
  devices: string[]
  config: string
}

export interface LocalLayout {
  dataDir: string
  etcDir: string
  proxyPort: number
  proxyConfig: string
  nodes: LocalNode[]
  policies: PolicyConfig[]
}

/** The development users of a Swift all-in-one (BRIEF), so Swift's and S3's tools run unchanged. */
export const DEV_USERS = [
  { user: 'test:tester', key: 'testing', groups: ['.admin'] },
  { user: 'test:tester2', key: 'testing2', groups: ['.admin'] },
  { user: 'test:tester3', key: 'testing3', groups: [] },
  { user: 'test2:tester2', key: 'testing2', groups: ['.admin'] },
  { user: 'test5:tester5', key: 'testing5', groups: ['service'] },
  { user: 'admin:admin', key: 'admin', groups: ['.admin', '.reseller_admin'] }
]

const POLICIES: PolicyConfig[] = [
  { index: 0, name: 'gold', default: true },
  { index: 1, name: 'silver' }
]

/** The node's background daemons read the node's config file; their sections start empty (defaults). */
const BACKGROUND_SECTIONS = { replicator: {}, updater: {}, auditor: {}, expirer: {} }

/**
 * Eight LevelDBs share one machine here (four nodes, two devices each): smaller caches than
 * LevelDB's 8 MiB + 4 MiB per device, the page cache holds the rest (docs/operations.md, "Memory").
 */
const LOCAL_LEVELDB = { leveldb_cache_size: 2 * 1024 * 1024, leveldb_write_buffer_size: 2 * 1024 * 1024 }

const SITES = [
  { region: 1, zone: 1 },
  { region: 1, zone: 2 },
  { region: 2, zone: 1 },
  { region: 2, zone: 2 }
]

export interface LayoutOptions {
  dataDir: string
  proxyPort: number
  /** One port per storage node; defaults to the four ports after the proxy's. */
  nodePorts?: number[]
  partPower?: number
  /** Extra settings merged into every process's sections (tests shorten intervals this way). */
  overrides?: Record<string, Record<string, unknown>>
}

async function exists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** Creates the layout on first use, or reads it back (ports come from the saved configs). */
export async function prepareLayout (opts: LayoutOptions): Promise<LocalLayout> {
  const etcDir = join(opts.dataDir, 'etc')
  const layoutFile = join(etcDir, 'layout.json')
  if (await exists(layoutFile)) return JSON.parse(await readFile(layoutFile, 'utf8')) as LocalLayout
  await mkdir(etcDir, { recursive: true })
  const ports = opts.nodePorts ?? SITES.map((_s, i) => opts.proxyPort + 1 + i)
  const nodes: LocalNode[] = SITES.map((site, i) => ({
    name: `node${i + 1}`,
    ...site,
    port: ports[i],
    devicesRoot: join(opts.dataDir, `node${i + 1}`),
    devices: ['d1', 'd2'],
    config: join(etcDir, `objectd-${i + 1}.json`)
  }))
  const layout: LocalLayout = {
    dataDir: opts.dataDir,
    etcDir,
    proxyPort: opts.proxyPort,
    proxyConfig: join(etcDir, 'proxy.json'),
    nodes,
    policies: POLICIES
  }
  await buildRings(layout, opts.partPower ?? 10)
  await writeConfigs(layout, opts.overrides ?? {})
  await writeFile(layoutFile, JSON.stringify(layout, null, 2))
  return layout
}

async function buildRings (layout: LocalLayout, partPower: number): Promise<void> {
  const rings: Array<{ name: string, replicas: number }> = [
    { name: 'account', replicas: 3 },
    { name: 'container', replicas: 3 },
    ...layout.policies.map((p) => ({ name: objectRingName(p.index), replicas: p.index === 0 ? 3 : 2 }))
  ]
  for (const { name, replicas } of rings) {
    const builder = RingBuilder.create(partPower, replicas, 1)
    for (const node of layout.nodes) {
      for (const device of node.devices) {
        builder.addDevice({
          region: node.region,
          zone: node.zone,
          ip: '127.0.0.1',
          port: node.port,
          replicationIp: '127.0.0.1',
          replicationPort: node.port,
          device,
          weight: 100,
          meta: ''
        })
      }
    }
    builder.rebalance({ seed: 1 })
    await builder.save(join(layout.etcDir, `${name}.builder`))
    await builder.writeRing(join(layout.etcDir, `${name}.ring.gz`))
  }
}

async function writeConfigs (layout: LocalLayout, overrides: Record<string, Record<string, unknown>>): Promise<void> {
  const cluster = {
    ring_dir: layout.etcDir,
    hash_path_prefix: randomBytes(8).toString('hex'),
    hash_path_suffix: randomBytes(8).toString('hex'),
    policies: layout.policies
  }
  const write = async (file: string, sections: Record<string, Record<string, unknown>>): Promise<void> => {
    for (const [name, extra] of Object.entries(overrides)) {
      if (name in sections || name === 'cluster') sections[name] = { ...sections[name], ...extra }
    }
    await writeFile(file, JSON.stringify(sections, null, 2))
  }
  for (const node of layout.nodes) {
    for (const device of node.devices) await mkdir(join(node.devicesRoot, device), { recursive: true })
    await write(node.config, {
      cluster: { ...cluster },
      objectd: { bind_ip: '127.0.0.1', bind_port: node.port, devices: node.devicesRoot, ...LOCAL_LEVELDB },
      ...BACKGROUND_SECTIONS
    })
  }
  await write(layout.proxyConfig, {
    cluster: { ...cluster },
    proxy: { bind_ip: '127.0.0.1', bind_port: layout.proxyPort, region: 1, zone: 1 },
    auth: { token_secret: randomBytes(24).toString('hex'), users: DEV_USERS }
  })
}
