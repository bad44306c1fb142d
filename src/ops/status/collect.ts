/**
 * Gathers what `ringstore status` judges: for each storage node, /healthcheck and /recon (devices,
 * async pendings, ring versions, the last pass of each background daemon), the replication lag
 * per region from the replicator's /metrics (found through its recon report), and the proxy's
 * /healthcheck. Nodes are asked in parallel; a node that does not answer is a reading too.
 */
import { RingVersions } from '../../objectd/ring-versions.js'
import type { OpsTarget, StorageNode } from '../cluster.js'
import { fetchJson, fetchText } from '../http.js'

export interface DeviceReading {
  name: string
  size?: number
  used?: number
  error?: string
}

export interface DaemonPass {
  daemon: string
  /** Unix seconds, when the daemon reported it. */
  finished?: number
  metricsUrl?: string
}

export interface NodeReading extends StorageNode {
  up: boolean
  /** Why the node is down, or why its recon could not be read. */
  error?: string
  devices: DeviceReading[]
  asyncPending?: number
  rings: Record<string, string>
  daemons: DaemonPass[]
  /** Region → seconds, from this node's replicator; absent when it does not export the metric. */
  replicationLag?: Record<string, number>
}

export interface ClusterReading {
  /** Seconds since the epoch when the readings were taken. */
  time: number
  proxy: { url: string, up: boolean, error?: string }
  /** The versions of the rings in the operator's ring_dir, what every node should run. */
  expectedRings: Record<string, string>
  nodes: NodeReading[]
}

interface ReconView {
  devices?: Record<string, { size: number, used: number } | { error: string }>
  async_pending?: number
  rings?: Record<string, string>
  daemons?: Record<string, { finished?: number, metrics_url?: string }>
}

/** The metric the replicator exports (src/replicator/common/metrics.ts). */
const LAG_SAMPLE = /^ringstore_replication_lag_seconds\{[^}]*region="([^"]+)"[^}]*\}\s+(\S+)/

export function parseReplicationLag (metricsText: string): Record<string, number> | undefined {
  const lag: Record<string, number> = {}
  let found = false
  for (const line of metricsText.split('\n')) {
    const m = LAG_SAMPLE.exec(line)
    if (m === null) continue
    lag[m[1]] = Number(m[2])
    found = true
  }
  return found ? lag : undefined
}

async function readNode (node: StorageNode, timeoutMs: number): Promise<NodeReading> {
  const base = `http://${node.address}`
  const empty = { ...node, devices: [], rings: {}, daemons: [] }
  const health = await fetchText(`${base}/healthcheck`, { timeoutMs })
  if (!health.ok) return { ...empty, up: false, error: health.error }
  if (health.status !== 200) return { ...empty, up: false, error: `${base}/healthcheck: status ${health.status}` }
  const recon = await fetchJson<ReconView>(`${base}/recon`, timeoutMs)
  if (!recon.ok) return { ...empty, up: true, error: recon.error }
  const view = recon.value
  const devices = Object.entries(view.devices ?? {}).map(([name, d]) => ({ name, ...d }))
  const daemons = Object.entries(view.daemons ?? {}).map(([daemon, p]) => ({ daemon, finished: p.finished, metricsUrl: p.metrics_url }))
  const replicator = daemons.find((d) => d.daemon === 'replicator')?.metricsUrl
  let replicationLag: Record<string, number> | undefined
  if (replicator !== undefined && replicator !== '') {
    const metrics = await fetchText(replicator, { timeoutMs })
    if (metrics.ok && metrics.status === 200) replicationLag = parseReplicationLag(metrics.text)
  }
  return { ...node, up: true, devices, asyncPending: view.async_pending, rings: view.rings ?? {}, daemons, replicationLag }
}

export async function collect (target: OpsTarget): Promise<ClusterReading> {
  const timeoutMs = target.ops.timeout * 1000
  const [proxy, nodes, expectedRings] = await Promise.all([
    fetchText(`${target.ops.proxy_url}/healthcheck`, { timeoutMs }),
    Promise.all(target.nodes.map(async (n) => await readNode(n, timeoutMs))),
    new RingVersions(target.cluster).read()
  ])
  return {
    time: Date.now() / 1000,
    proxy: {
      url: target.ops.proxy_url,
      up: proxy.ok && proxy.status === 200,
      ...(proxy.ok ? (proxy.status === 200 ? {} : { error: `status ${proxy.status}` }) : { error: proxy.error })
    },
    expectedRings,
    nodes
  }
}
