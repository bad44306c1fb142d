/**
 * Configuration of the node's background daemons. They run beside objectd on the same node
 * and read the node's config file: `cluster`, `objectd` (where objectd listens, its devices and
 * reclaim_age) and their own section (`replicator`, `updater`, `auditor`, `expirer`), each
 * described here with its defaults in one place.
 */
import { readClusterSection, readConfigFile, readSection, type ClusterConfig, type SectionSchema } from '../../common/config.js'
import { readObjectdSection, type ObjectdConfig } from '../../objectd/config.js'

/** Keys every background daemon has. */
export interface DaemonConfig {
  /** Seconds between the start of one pass and the start of the next. */
  interval: number
  /** /metrics and /healthcheck; port 0 picks a free port (reported in /recon). */
  bind_ip: string
  bind_port: number
  /** Seconds to connect to a storage node, and to wait for its answer. */
  conn_timeout: number
  node_timeout: number
  log_level: string
}

const daemonSchema: SectionSchema = {
  interval: { type: 'number', default: 30, min: 0.1 },
  bind_ip: { type: 'string', default: '127.0.0.1' },
  bind_port: { type: 'number', default: 0, min: 0, max: 65535 },
  conn_timeout: { type: 'number', default: 0.5, min: 0.01 },
  node_timeout: { type: 'number', default: 10, min: 0.01 },
  log_level: { type: 'string', default: 'info', oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }
}

export interface ReplicatorConfig extends DaemonConfig {
  /** Peer syncs in flight with nodes of this node's region, and with nodes of other regions. */
  concurrency_local: number
  concurrency_remote: number
  /** Bytes per second of object bodies pushed to each remote region; 0: no cap. */
  remote_bandwidth: number
  /** Every primary syncs with every other primary, as Swift does (for comparison only). */
  naive: boolean
}

export interface UpdaterConfig extends DaemonConfig {
  concurrency: number
}

export interface AuditorConfig extends DaemonConfig {
  /** Bytes per second read per device. */
  bytes_per_second: number
  /**
   * Objects per second checked on the whole node (Swift's default too): small objects cost a
   * request each, so bytes alone would let a pass take the CPU that clients need.
   */
  files_per_second: number
  /** A data file no row names is moved aside once older than this (seconds): its row may be in flight. */
  orphan_age: number
}

export interface ExpirerConfig extends DaemonConfig {
  /** Expired objects handled per device per pass. */
  batch: number
}

const schemas = {
  replicator: {
    ...daemonSchema,
    concurrency_local: { type: 'number', default: 8, min: 1 },
    concurrency_remote: { type: 'number', default: 4, min: 1 },
    remote_bandwidth: { type: 'number', default: 0, min: 0 },
    naive: { type: 'boolean', default: false }
  },
  updater: { ...daemonSchema, concurrency: { type: 'number', default: 8, min: 1 } },
  auditor: {
    ...daemonSchema,
    interval: { type: 'number', default: 1800, min: 0.1 },
    bytes_per_second: { type: 'number', default: 10 * 1024 * 1024, min: 1 },
    files_per_second: { type: 'number', default: 20, min: 0.1 },
    orphan_age: { type: 'number', default: 3600, min: 0 }
  },
  expirer: { ...daemonSchema, interval: { type: 'number', default: 300, min: 0.1 }, batch: { type: 'number', default: 10000, min: 1 } }
} satisfies Record<string, SectionSchema>

export type DaemonName = keyof typeof schemas

export interface DaemonConfigs {
  replicator: ReplicatorConfig
  updater: UpdaterConfig
  auditor: AuditorConfig
  expirer: ExpirerConfig
}

export interface NodeConfig<N extends DaemonName> {
  cluster: ClusterConfig
  objectd: ObjectdConfig
  daemon: DaemonConfigs[N]
}

/** Reads the node's config file for one daemon; errors name the file and the key. */
export async function readNodeConfig<N extends DaemonName> (file: string, name: N): Promise<NodeConfig<N>> {
  const raw = await readConfigFile(file)
  return {
    cluster: readClusterSection(raw.cluster),
    objectd: readObjectdSection(raw.objectd),
    daemon: readSection<DaemonConfigs[N]>(raw[name], name, schemas[name])
  }
}
