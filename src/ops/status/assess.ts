/**
 * Turns readings into problems, each OK, WARNING or CRITICAL, in the Nagios plugin convention
 * (exit 0, 1, 2) so a Nagios, Icinga or Zabbix check can run `ringstore status` as it is.
 * The thresholds are the ops section's.
 */
import type { OpsConfig } from '../ops-config.js'
import type { ClusterReading, NodeReading } from './collect.js'

export const SEVERITIES = ['OK', 'WARNING', 'CRITICAL'] as const
export type Severity = typeof SEVERITIES[number]

export interface Problem {
  severity: Exclude<Severity, 'OK'>
  message: string
}

export interface Assessment {
  status: Severity
  /** The process exit code: 0 OK, 1 WARNING, 2 CRITICAL. */
  exitCode: number
  problems: Problem[]
  /** Region → the worst lag any node reports for it; `unknown` when no replicator exports it. */
  replicationLag: Record<string, number | 'unknown'>
}

function diskProblems (node: NodeReading, ops: OpsConfig): Problem[] {
  const problems: Problem[] = []
  for (const d of node.devices) {
    const where = `device ${node.address}/${d.name}`
    if (d.error !== undefined) {
      problems.push({ severity: 'CRITICAL', message: `${where} is unreadable: ${d.error}` })
      continue
    }
    if (d.size === undefined || d.used === undefined || d.size === 0) continue
    const percent = 100 * d.used / d.size
    const text = `${where} is ${percent.toFixed(1)}% full`
    if (percent >= ops.disk_critical_percent) problems.push({ severity: 'CRITICAL', message: text })
    else if (percent >= ops.disk_warning_percent) problems.push({ severity: 'WARNING', message: text })
  }
  return problems
}

function nodeProblems (node: NodeReading, reading: ClusterReading, ops: OpsConfig): Problem[] {
  if (!node.up) return [{ severity: 'CRITICAL', message: `node ${node.address} is down: ${node.error ?? 'no answer'}` }]
  if (node.error !== undefined) return [{ severity: 'WARNING', message: `node ${node.address} is up but its recon is unreadable: ${node.error}` }]
  const problems = diskProblems(node, ops)
  if ((node.asyncPending ?? 0) >= ops.async_pending_warning) {
    problems.push({ severity: 'WARNING', message: `node ${node.address} holds ${node.asyncPending ?? 0} async pendings (listing updates not yet delivered)` })
  }
  for (const [ring, expected] of Object.entries(reading.expectedRings)) {
    const actual = node.rings[ring]
    // An unreadable ring_dir is reported once, in assess(), not as a mismatch on every node.
    if (actual !== expected && !expected.startsWith('error:')) {
      problems.push({ severity: 'WARNING', message: `node ${node.address} runs ${ring} ring ${actual ?? 'none'}, ring_dir has ${expected}` })
    }
  }
  for (const pass of node.daemons) {
    if (pass.finished === undefined) continue
    const age = reading.time - pass.finished
    if (age > ops.pass_age_warning) {
      problems.push({ severity: 'WARNING', message: `${pass.daemon} on ${node.address} last finished a pass ${Math.round(age)} s ago` })
    }
  }
  return problems
}

/** The worst lag per region over every node's replicator; regions of the nodes nobody reports on are `unknown`. */
export function replicationLagByRegion (nodes: NodeReading[]): Record<string, number | 'unknown'> {
  const lag: Record<string, number | 'unknown'> = {}
  for (const n of nodes) if (n.region !== undefined) lag[String(n.region)] = 'unknown'
  for (const n of nodes) {
    for (const [region, seconds] of Object.entries(n.replicationLag ?? {})) {
      const seen = lag[region]
      lag[region] = seen === undefined || seen === 'unknown' ? seconds : Math.max(seen, seconds)
    }
  }
  return lag
}

export function assess (reading: ClusterReading, ops: OpsConfig): Assessment {
  const problems: Problem[] = []
  if (!reading.proxy.up) problems.push({ severity: 'CRITICAL', message: `proxy ${reading.proxy.url} is down: ${reading.proxy.error ?? 'no answer'}` })
  for (const [ring, version] of Object.entries(reading.expectedRings)) {
    if (version.startsWith('error:')) problems.push({ severity: 'WARNING', message: `${ring} ring in ring_dir: ${version}` })
  }
  for (const node of reading.nodes) problems.push(...nodeProblems(node, reading, ops))
  const replicationLag = replicationLagByRegion(reading.nodes)
  for (const [region, seconds] of Object.entries(replicationLag)) {
    if (seconds === 'unknown') continue
    const text = `replication to region ${region} lags ${Math.round(seconds)} s`
    if (seconds >= ops.replication_lag_critical) problems.push({ severity: 'CRITICAL', message: text })
    else if (seconds >= ops.replication_lag_warning) problems.push({ severity: 'WARNING', message: text })
  }
  const exitCode = problems.reduce((worst, p) => Math.max(worst, SEVERITIES.indexOf(p.severity)), 0)
  problems.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))
  return { status: SEVERITIES[exitCode], exitCode, problems, replicationLag }
}
