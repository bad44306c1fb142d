/**
 * The proxy's section of the config file. Durations are seconds, as in Swift's proxy-server.conf,
 * so an operator's habits carry over.
 */
import { readSection, type SectionSchema } from '../common/config.js'

export interface ProxyConfig {
  bind_ip: string
  bind_port: number
  /** The proxy's own site, for read affinity: same region first, then same zone. */
  region: number
  zone: number
  /** `affinity` orders nodes by proximity to (region, zone); `shuffle` spreads reads evenly. */
  sorting_method: 'affinity' | 'shuffle'
  /** Connect to a storage node within this many seconds, else try the next one. */
  conn_timeout: number
  /** Wait this many seconds for a storage node's headers or next body chunk. */
  node_timeout: number
  client_timeout: number
  /** A node that failed this many times within error_suppression_interval is skipped for that long. */
  error_suppression_limit: number
  error_suppression_interval: number
  /** Bytes of an upload's start kept to replay to a handoff when a primary fails to connect. */
  put_replay_bytes: number
  /** Seconds a container's or account's existence and policy are cached. */
  info_cache_ttl: number
  /**
   * Check each whole-object GET body against its MD5 ETag while it streams: a mismatch is served
   * from another replica, or cuts the connection once bytes went out, so a replica corrupted
   * between auditor passes never yields a clean 200 with wrong bytes. Costs an MD5 of the bytes
   * served and holds back one chunk; ranges are not checked.
   */
  verify_get_etag: boolean
  /** Swift-style object PUT write affinity: `r1` writes to region 1's nodes first. Empty: off. */
  write_affinity: string
  tls_cert: string
  tls_key: string
  log_level: string
  /** Seconds a stopping proxy (SIGTERM) lets requests in flight finish before it cuts their connections. */
  shutdown_timeout: number
  /** Processes serving on bind_port (Swift's `workers`): about one per core the proxy may use. */
  workers: number
  /**
   * The Swift API's optional features, in order (src/proxy/swift/middleware/): leave one out to
   * turn it off. Pre-auth ones (cors, tempurl, formpost, staticweb) must come first.
   */
  pipeline: string[]
  /** SLO: the smallest segment allowed, the last one excepted, and the most segments per manifest. */
  slo_min_segment_size: number
  slo_max_manifest_segments: number
  /** Bulk: the most paths one ?bulk-delete removes, the most containers one archive creates. */
  bulk_max_deletes_per_request: number
  bulk_max_containers_per_extraction: number
  /** FormPost and the bulk extractor: the largest single upload they accept. */
  max_file_size: number
  /** The region the S3 API reports (GetBucketLocation, errors). */
  s3_region: string
  /** Refuse S3 signatures scoped to another region; by default any region is accepted. */
  s3_strict_region: boolean
  /** S3 virtual-hosted style for `<bucket>.<s3_domain>`; '' serves path style only. */
  s3_domain: string
}

/** Every Swift feature, in an order that satisfies the pipeline's rules. */
export const DEFAULT_PIPELINE = ['cors', 'tempurl', 'formpost', 'staticweb', 'versioned_writes', 'bulk', 'slo', 'dlo', 'symlink']

const schema: SectionSchema = {
  bind_ip: { type: 'string', default: '127.0.0.1' },
  bind_port: { type: 'number', default: 8080, min: 0, max: 65535 },
  region: { type: 'number', default: 1, min: 0 },
  zone: { type: 'number', default: 1, min: 0 },
  sorting_method: { type: 'string', default: 'affinity', oneOf: ['affinity', 'shuffle'] },
  conn_timeout: { type: 'number', default: 0.5, min: 0.01 },
  node_timeout: { type: 'number', default: 10, min: 0.01 },
  client_timeout: { type: 'number', default: 60, min: 0.01 },
  error_suppression_limit: { type: 'number', default: 10, min: 1 },
  error_suppression_interval: { type: 'number', default: 60, min: 0 },
  put_replay_bytes: { type: 'number', default: 1048576, min: 0 },
  info_cache_ttl: { type: 'number', default: 10, min: 0 },
  verify_get_etag: { type: 'boolean', default: true },
  write_affinity: { type: 'string', default: '' },
  tls_cert: { type: 'string', default: '' },
  tls_key: { type: 'string', default: '' },
  log_level: { type: 'string', default: 'info', oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  shutdown_timeout: { type: 'number', default: 60, min: 0 },
  workers: { type: 'number', default: 1, min: 1, max: 64 },
  pipeline: { type: 'string[]', default: DEFAULT_PIPELINE },
  slo_min_segment_size: { type: 'number', default: 1, min: 1 },
  slo_max_manifest_segments: { type: 'number', default: 1000, min: 1 },
  bulk_max_deletes_per_request: { type: 'number', default: 10000, min: 1 },
  bulk_max_containers_per_extraction: { type: 'number', default: 10000, min: 1 },
  max_file_size: { type: 'number', default: 5 * 1024 * 1024 * 1024, min: 1 },
  s3_region: { type: 'string', default: 'us-east-1' },
  s3_strict_region: { type: 'boolean', default: false },
  s3_domain: { type: 'string', default: '' }
}

export function readProxySection (raw: unknown): ProxyConfig {
  return readSection<ProxyConfig>(raw, 'proxy', schema)
}
