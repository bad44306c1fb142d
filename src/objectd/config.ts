/**
 * The `objectd` config section. Every key has its default here, in one place; readSection
 * rejects an unknown or mistyped key at start-up with a message that names it.
 */
import { readSection, type SectionSchema } from '../common/config.js'

export interface ObjectdConfig {
  bind_ip: string
  bind_port: number
  /** Root directory; each subdirectory is a device (a mount point in production). */
  devices: string
  /** Objects up to this size live inside their LevelDB row instead of a data file. */
  inline_max_bytes: number
  /** Data files larger than this leave the kernel's page cache once written (Swift's keep_cache_size). */
  keep_cache_size: number
  /** Seconds a tombstone (object, container row, deleted container) is kept before it is reclaimed. */
  reclaim_age: number
  /** Seconds to wait for a listing update's answer before keeping it as an async pending. */
  node_timeout: number
  /** Seconds to wait for a connection to a container or account node. */
  conn_timeout: number
  /** Milliseconds a container waits after a change before it reports its row to the account. */
  account_update_delay_ms: number
  /** Seconds between in-process retries of async pendings (0 turns the retry loop off). */
  async_retry_interval: number
  /** Seconds SIGTERM waits for requests in flight before cutting them. */
  shutdown_timeout: number
  /** Seconds between housekeeping passes (tombstone reclaim, orphan data files). */
  housekeeping_interval: number
  /** Where /recon's background-daemon summaries persist; default `<devices>/.recon.json`. */
  recon_cache_path: string
  /**
   * Bytes of LevelDB block cache and of memtable per device. LevelDB's defaults (8 MiB, 4 MiB)
   * cost resident memory on every device of every node; recent rows sit in the memtable and
   * the kernel's page cache keeps the tables' blocks, so smaller ones cost little speed.
   */
  leveldb_cache_size: number
  leveldb_write_buffer_size: number
  log_level: string
}

const schema: SectionSchema = {
  bind_ip: { type: 'string', default: '127.0.0.1' },
  bind_port: { type: 'number', min: 0, max: 65535 },
  devices: { type: 'string' },
  inline_max_bytes: { type: 'number', default: 65536, min: 0, max: 16 * 1024 * 1024 },
  keep_cache_size: { type: 'number', default: 5 * 1024 * 1024, min: 0 },
  reclaim_age: { type: 'number', default: 604800, min: 0 },
  node_timeout: { type: 'number', default: 3, min: 0.01 },
  conn_timeout: { type: 'number', default: 0.5, min: 0.01 },
  account_update_delay_ms: { type: 'number', default: 100, min: 0 },
  async_retry_interval: { type: 'number', default: 30, min: 0 },
  shutdown_timeout: { type: 'number', default: 60, min: 0 },
  housekeeping_interval: { type: 'number', default: 3600, min: 1 },
  recon_cache_path: { type: 'string', default: '' },
  leveldb_cache_size: { type: 'number', default: 8 * 1024 * 1024, min: 0 },
  leveldb_write_buffer_size: { type: 'number', default: 4 * 1024 * 1024, min: 64 * 1024 },
  log_level: { type: 'string', default: 'info', oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }
}

export function readObjectdSection (raw: unknown): ObjectdConfig {
  const conf = readSection<ObjectdConfig>(raw, 'objectd', schema)
  if (conf.recon_cache_path === '') conf.recon_cache_path = `${conf.devices}/.recon.json`
  return conf
}
