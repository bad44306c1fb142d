/**
 * `ringstore status` as text: the Nagios status line first (what a check shows), then the
 * problems, then the cluster at a glance: nodes, devices, rings, replication lag, daemons.
 */
import type { Assessment } from './assess.js'
import type { ClusterReading, NodeReading } from './collect.js'

function bytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
}

function ago (now: number, then: number | undefined): string {
  if (then === undefined) return 'never'
  const s = Math.max(0, Math.round(now - then))
  if (s < 120) return `${s} s ago`
  if (s < 7200) return `${Math.round(s / 60)} min ago`
  return `${(s / 3600).toFixed(1)} h ago`
}

function site (n: NodeReading): string {
  return n.region === undefined ? '' : `r${n.region}z${n.zone ?? '?'}`
}

function statusLine (a: Assessment, r: ClusterReading): string {
  const up = r.nodes.filter((n) => n.up).length
  const first = a.problems[0]?.message
  const more = a.problems.length > 1 ? ` (+${a.problems.length - 1} more)` : ''
  return `RINGSTORE ${a.status}: ${up}/${r.nodes.length} storage nodes up${first === undefined ? '' : `; ${first}${more}`}`
}

export function renderStatus (r: ClusterReading, a: Assessment): string {
  const lines = [statusLine(a, r), '']
  if (a.problems.length > 0) {
    lines.push('problems:', ...a.problems.map((p) => `  ${p.severity.padEnd(8)} ${p.message}`), '')
  }
  lines.push(`proxy ${r.proxy.url}: ${r.proxy.up ? 'up' : 'DOWN'}`, '', 'storage nodes:')
  for (const n of r.nodes) {
    const state = n.up ? 'up' : 'DOWN'
    const pending = n.asyncPending === undefined ? '' : `  async pendings ${n.asyncPending}`
    lines.push(`  ${n.address.padEnd(21)} ${site(n).padEnd(6)} ${state.padEnd(5)}${pending}`)
    for (const d of n.devices) {
      const usage = d.error !== undefined
        ? `ERROR ${d.error}`
        : `${bytes(d.used ?? 0)} of ${bytes(d.size ?? 0)} (${(100 * (d.used ?? 0) / Math.max(1, d.size ?? 0)).toFixed(1)}%)`
      lines.push(`      ${d.name.padEnd(10)} ${usage}`)
    }
    if (n.daemons.length > 0) lines.push(`      last passes: ${n.daemons.map((p) => `${p.daemon} ${ago(r.time, p.finished)}`).join(', ')}`)
  }
  lines.push('', 'rings:')
  for (const [ring, version] of Object.entries(r.expectedRings)) {
    const same = r.nodes.filter((n) => n.up && n.rings[ring] === version).length
    const up = r.nodes.filter((n) => n.up).length
    lines.push(`  ${ring.padEnd(10)} ${version}  on ${same}/${up} nodes up`)
  }
  lines.push('', 'replication lag per region:')
  for (const [region, lag] of Object.entries(a.replicationLag)) {
    lines.push(`  region ${region}: ${lag === 'unknown' ? 'unknown' : `${lag.toFixed(1)} s`}`)
  }
  return `${lines.join('\n')}\n`
}
