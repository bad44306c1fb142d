/** What `show` and `dispersion` print: plain aligned tables, as swift-ring-builder prints them. */
import type { DispersionReport, RingBuilder } from '../src/ring/index.js'

function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

function count (items: Iterable<string>): number {
  return new Set(items).size
}

export function showBuilder (file: string, b: RingBuilder): string {
  const devs = b.devices
  const summary = [
    `${file}: ${b.partCount} partitions, ${b.replicas} replicas, ${count(devs.map((d) => `${d.region}`))} regions, ` +
      `${count(devs.map((d) => `${d.region}/${d.zone}`))} zones, ${devs.length} devices, ${b.balance().toFixed(2)} balance`,
    `min_part_hours ${b.minPartHours}, overload ${(b.overload * 100).toFixed(2)}%`,
    b.dirty ? 'Devices or settings changed since the last rebalance: run rebalance.' : 'Rebalanced: the ring file can be written.'
  ]
  const rows = b.usage().map((u) => [
    `${u.device.id}`, `${u.device.region}`, `${u.device.zone}`, `${u.device.ip}:${u.device.port}`,
    `${u.device.replicationIp}:${u.device.replicationPort}`, u.device.device, `${u.device.weight}`,
    `${u.parts}`, u.balance.toFixed(2), u.device.meta
  ])
  const devices = table(['id', 'region', 'zone', 'ip:port', 'replication', 'name', 'weight', 'partitions', 'balance', 'meta'], rows)
  return `${summary.join('\n')}\nDevices:\n${devices}`
}

export function showDispersion (r: DispersionReport): string {
  const pct = (n: number): string => `${(100 * n / r.partCount).toFixed(2)}%`
  const rows = Object.entries(r.levels).map(([level, d]) => [level, `${d.sharing}`, pct(d.sharing), `${d.maxReplicasInOneTier}`])
  const lines = [
    `${r.partCount} partitions, ${r.replicas} replicas` + (r.unplaced > 0 ? `, ${r.unplaced} partitions not fully placed` : ''),
    table(['tier', 'partitions with 2+ replicas in one', 'of all', 'most replicas in one'], rows)
  ]
  return lines.join('\n')
}
