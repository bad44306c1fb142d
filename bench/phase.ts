/**
 * One phase of a run: `count` operations by `concurrency` workers, each operation timed, then
 * summarised as throughput and latency percentiles. Errors are counted (and the first kept), not
 * thrown, so one failed request does not void a long run.
 */
import { progressBar } from './progress.js'

export interface PhaseResult {
  phase: string
  /** Object size in bytes the phase ran with. */
  size: number
  ops: number
  errors: number
  /** The first error's message, to say why errors is not 0. */
  firstError?: string
  seconds: number
  opsPerSec: number
  mbPerSec: number
  p50ms: number
  p90ms: number
  p99ms: number
  maxms: number
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

/** A size as people write it: 4 KiB, 1 MiB. */
export function formatSize (bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} B`
}

/** Runs op(0..count-1); op resolves to the body bytes it moved. */
export async function runPhase (phase: string, size: number, count: number, concurrency: number,
  op: (i: number) => Promise<number>): Promise<PhaseResult> {
  const latencies: number[] = []
  let next = 0
  let errors = 0
  let firstError: string | undefined
  let bytes = 0
  const progress = progressBar(`${phase} ${formatSize(size)}`.padEnd(14), count)
  const started = performance.now()
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now()
      try {
        // Read `bytes` only after the await: `bytes += await op(i)` reads it before, and the
        // workers running meanwhile lose their counts.
        const moved = await op(i)
        bytes += moved
      } catch (err) {
        errors++
        firstError ??= (err as Error).message
      }
      latencies.push(performance.now() - t0)
      progress.update(latencies.length)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  const seconds = (performance.now() - started) / 1000
  progress.finish()
  latencies.sort((a, b) => a - b)
  return {
    phase,
    size,
    ops: count,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds,
    opsPerSec: count / seconds,
    mbPerSec: bytes / seconds / 1e6,
    p50ms: percentile(latencies, 0.5),
    p90ms: percentile(latencies, 0.9),
    p99ms: percentile(latencies, 0.99),
    maxms: latencies[latencies.length - 1] ?? 0
  }
}
