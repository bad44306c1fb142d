/**
 * The `ops` section of a cluster config, read by the operator's tools (`ringstore status`,
 * `ringstore dispersion`): where the proxy is, the dispersion account's credentials, which
 * storage nodes to ask (empty: every node in the rings) and the thresholds that turn a reading
 * into a WARNING or a CRITICAL. Every key has its default here.
 */
import { readSection, type SectionSchema } from '../common/config.js'

export interface OpsConfig {
  proxy_url: string
  /** Empty: `<proxy_url>/auth/v1.0`. */
  auth_url: string
  /** The account the dispersion report writes its probes to (Swift's dispersion.conf). */
  auth_user: string
  auth_key: string
  /** Storage nodes as `ip:port`; empty: every node named by a ring. */
  nodes: string[]
  /** Seconds to wait for each node's answer. */
  timeout: number
  /** Percent of each ring's partitions the dispersion probes cover. */
  dispersion_coverage: number
  /** Requests in flight while placing or checking probes. */
  dispersion_concurrency: number
  disk_warning_percent: number
  disk_critical_percent: number
  async_pending_warning: number
  replication_lag_warning: number
  replication_lag_critical: number
  /** A background daemon whose last pass finished longer ago than this (seconds) is a WARNING. */
  pass_age_warning: number
}

const schema: SectionSchema = {
  proxy_url: { type: 'string', default: 'http://127.0.0.1:8080' },
  auth_url: { type: 'string', default: '' },
  auth_user: { type: 'string', default: '' },
  auth_key: { type: 'string', default: '' },
  nodes: { type: 'string[]', default: [] },
  timeout: { type: 'number', default: 5, min: 0.1 },
  dispersion_coverage: { type: 'number', default: 1, min: 0.001, max: 100 },
  dispersion_concurrency: { type: 'number', default: 16, min: 1 },
  disk_warning_percent: { type: 'number', default: 80, min: 0, max: 100 },
  disk_critical_percent: { type: 'number', default: 95, min: 0, max: 100 },
  async_pending_warning: { type: 'number', default: 1000, min: 0 },
  replication_lag_warning: { type: 'number', default: 300, min: 0 },
  replication_lag_critical: { type: 'number', default: 3600, min: 0 },
  pass_age_warning: { type: 'number', default: 86400, min: 0 }
}

export function readOpsSection (raw: unknown): OpsConfig {
  const conf = readSection<OpsConfig>(raw, 'ops', schema)
  if (conf.auth_url === '') conf.auth_url = `${conf.proxy_url.replace(/\/$/, '')}/auth/v1.0`
  return conf
}
