/**
 * Compare mode's arithmetic: the same workload ran against two endpoints, matched phase by phase
 * and size by size, and each figure given as a ratio of the first endpoint to the second. Above 1
 * the first has more throughput; below 1 it has lower latency.
 */
import { formatSize, type PhaseResult } from './phase.js'

export interface PhaseRatio {
  phase: string
  size: number
  /** first ÷ second */
  opsPerSec: number
  p50ms: number
  p99ms: number
}

function ratio (a: number, b: number): number {
  return b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b
}

export function compareRuns (first: PhaseResult[], second: PhaseResult[]): PhaseRatio[] {
  const out: PhaseRatio[] = []
  for (const a of first) {
    const b = second.find((r) => r.phase === a.phase && r.size === a.size)
    if (b === undefined) continue
    out.push({ phase: a.phase, size: a.size, opsPerSec: ratio(a.opsPerSec, b.opsPerSec), p50ms: ratio(a.p50ms, b.p50ms), p99ms: ratio(a.p99ms, b.p99ms) })
  }
  return out
}

export function formatRatios (labels: [string, string], ratios: PhaseRatio[]): string {
  const head = `${labels[0]} ÷ ${labels[1]}`
  const rows = ratios.map((r) =>
    `${r.phase.padEnd(7)} ${formatSize(r.size).padStart(9)} ${r.opsPerSec.toFixed(2).padStart(10)} ${r.p50ms.toFixed(2).padStart(9)} ${r.p99ms.toFixed(2).padStart(9)}`)
  return [head, 'phase        size  ops/s (x)  p50 (x)   p99 (x)', ...rows].join('\n')
}
