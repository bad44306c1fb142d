/**
 * Finds the cluster an operator's tool looks at, from either
 * - `--config FILE`: a config file with the `cluster` section (ring_dir, secrets, policies) and an
 *   `ops` section (see ops-config.ts); the storage nodes are `ops.nodes`, or else every node that
 *   a ring names; or
 * - `--data DIR`: the local cluster made by `npm start` (DIR/etc/layout.json), whose proxy and
 *   development users are known.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError, objectRingName, readClusterSection, readConfigFile, type ClusterConfig } from '../common/config.js'
import { DEV_USERS, type LocalLayout } from '../local/layout.js'
import { loadRingFile, type Ring } from '../ring/index.js'
import { readOpsSection, type OpsConfig } from './ops-config.js'

export interface StorageNode {
  /** `ip:port`, how the rings and the reports name a node. */
  address: string
  /** The region and zone of the node's devices, when a ring says. */
  region?: number
  zone?: number
}

export interface OpsTarget {
  cluster: ClusterConfig
  ops: OpsConfig
  nodes: StorageNode[]
}

export interface TargetArgs {
  config?: string
  data?: string
}

/** The options every tool takes to find the cluster, for node:util parseArgs. */
export const targetOptions = {
  config: { type: 'string', short: 'c' },
  data: { type: 'string', short: 'd' }
} as const

export async function findTarget (args: TargetArgs): Promise<OpsTarget> {
  if (args.config !== undefined) return await fromConfig(args.config)
  if (args.data !== undefined) return await fromLocalData(args.data)
  throw new ConfigError('say which cluster: --config FILE (a cluster config with an ops section) or --data DIR (a local cluster)')
}

async function fromConfig (file: string): Promise<OpsTarget> {
  const raw = await readConfigFile(file)
  const cluster = readClusterSection(raw.cluster)
  const ops = readOpsSection(raw.ops)
  const fromRings = await nodesOfRings(cluster)
  const nodes = ops.nodes.length === 0
    ? fromRings
    : ops.nodes.map((address) => fromRings.find((n) => n.address === address) ?? { address })
  return { cluster, ops, nodes }
}

async function fromLocalData (dir: string): Promise<OpsTarget> {
  const file = join(dir, 'etc', 'layout.json')
  let layout: LocalLayout
  try {
    layout = JSON.parse(await readFile(file, 'utf8')) as LocalLayout
  } catch (err) {
    throw new ConfigError(`no local cluster in ${dir}: cannot read ${file}: ${(err as Error).message}`)
  }
  const cluster = readClusterSection((await readConfigFile(layout.proxyConfig)).cluster)
  // The local cluster's own development user; a production cluster names a dedicated account in ops.auth_user.
  const tester = DEV_USERS.find((u) => u.user === 'test:tester') ?? DEV_USERS[0]
  const ops = readOpsSection({ proxy_url: `http://127.0.0.1:${layout.proxyPort}`, auth_user: tester.user, auth_key: tester.key })
  const nodes = layout.nodes.map((n) => ({ address: `127.0.0.1:${n.port}`, region: n.region, zone: n.zone }))
  return { cluster, ops, nodes }
}

/** Every ring of the cluster, by file name: account, container, object, object-1, ... */
export async function loadRings (cluster: ClusterConfig): Promise<Map<string, Ring>> {
  const secrets = { prefix: cluster.hash_path_prefix, suffix: cluster.hash_path_suffix }
  const names = ['account', 'container', ...cluster.policies.map((p) => objectRingName(p.index))]
  const rings = new Map<string, Ring>()
  for (const name of names) rings.set(name, await loadRingFile(join(cluster.ring_dir, `${name}.ring.gz`), secrets))
  return rings
}

async function nodesOfRings (cluster: ClusterConfig): Promise<StorageNode[]> {
  const nodes = new Map<string, StorageNode>()
  for (const ring of (await loadRings(cluster)).values()) {
    for (const d of ring.devices) {
      const address = `${d.ip}:${d.port}`
      if (!nodes.has(address)) nodes.set(address, { address, region: d.region, zone: d.zone })
    }
  }
  return [...nodes.values()].sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }))
}
